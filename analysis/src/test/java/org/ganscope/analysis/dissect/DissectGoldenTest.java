package org.ganscope.analysis.dissect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.ganscope.analysis.TestBundles;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Speed work must not change a single bit of a result: the SHA-256 of the whole
 * dissect.json (thresholds, IoUs, counts, top-k, every control) of a demo-bundle
 * dissection in each mode, against digests recorded with the engine as it was before the
 * performance changes (commit e39132f). A change that is meant to alter results must say
 * so and re-record them (the failure message prints the new digest).
 *
 * <p>Re-recorded for the controlled decision of docs/CONTROLS.md (issue #27): dissect.json
 * gained per-unit location_p, location_q, lift_se, min_effect, summary headline,
 * by_class_controlled and beats_location, controls.location_test and constants, and the
 * controlled fields (interpretable_controlled, beats_location, their counts and intervals,
 * controls.rule) follow the new rule; quantile mode's SPEC count intervals recompute the
 * labels per replicate. Every other value (thresholds, IoU, IQR, labels, SPEC counts, top-k,
 * null and location IoU, lift and its bootstrap bounds) was compared field by field with the
 * previous engine's output of these four cases and is unchanged.
 */
class DissectGoldenTest {
    @ParameterizedTest
    @CsvSource({
        "IQR,      layer3, 1, d3fcc422b14fd802bcae8856974c6fa6243072397cd058442dab828229d85f03",
        "IQR,      layer3, 3, d3fcc422b14fd802bcae8856974c6fa6243072397cd058442dab828229d85f03",
        "QUANTILE, layer3, 1, d29a30c2ecf51595ed72ec5b876b67fcc59adda3e81afeccfb962b5593f98787",
        "IQR,      layer4, 2, 8710211ddc8eefd3a23dc99f889eacec96be28500ced492bcb02b101741c1dfa",
    })
    void dissectJsonIsBitIdenticalToTheRecordedEngine(DissectParams.Method method, String layer, int shards, String digest) throws Exception {
        Bundle b = BundleLoader.load(TestBundles.demo("outdoor-base"));
        DissectParams p = DissectParams.defaults(layer, 120, 5).withThresholdSet(64, 6).withMethod(method, 0.01).withBatch(8);
        String json = DissectJson.toJson(LayerDissector.dissect(b, p, shards, x -> { })).toString();
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8)));
        assertEquals(digest, sha, method + " " + layer + " shards " + shards + ": dissect.json differs from the recorded engine's");
    }
}
