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
 */
class DissectGoldenTest {
    @ParameterizedTest
    @CsvSource({
        "IQR,      layer3, 1, 5e6736ea518974b74bccaf2eb67cd2c82834794ec187410e10efba559660f9ca",
        "IQR,      layer3, 3, 5e6736ea518974b74bccaf2eb67cd2c82834794ec187410e10efba559660f9ca",
        "QUANTILE, layer3, 1, 1c72de21ce098997dcb945b8f636246f37d8873098689d0a821526436800a54a",
        "IQR,      layer4, 2, c5b8d91a1df76a3d7eaddb8016ae29700e867ba362aad58f1a3257cc5b37ba8c",
    })
    void dissectJsonIsBitIdenticalToTheRecordedEngine(DissectParams.Method method, String layer, int shards, String digest) throws Exception {
        Bundle b = BundleLoader.load(TestBundles.demo("outdoor-base"));
        DissectParams p = DissectParams.defaults(layer, 120, 5).withThresholdSet(64, 6).withMethod(method, 0.01).withBatch(8);
        String json = DissectJson.toJson(LayerDissector.dissect(b, p, shards, x -> { })).toString();
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8)));
        assertEquals(digest, sha, method + " " + layer + " shards " + shards + ": dissect.json differs from the recorded engine's");
    }
}
