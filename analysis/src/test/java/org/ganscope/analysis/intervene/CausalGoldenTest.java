package org.ganscope.analysis.intervene;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Iterator;
import org.ganscope.analysis.TestBundles;
import org.ganscope.analysis.artifacts.ArtifactStudy;
import org.ganscope.analysis.artifacts.CausalArtifacts;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.bundle.Manifest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Speed work on the causal steps must not change a bit of their results: SHA-256 of the
 * intervene JSON (ablation curve, insertion constants and insertion by context; the two
 * "seconds" fields, wall times, removed) and of the artifacts study JSON (top-k scores,
 * sample metrics of the worst and random sets, causal scoring and validation), against
 * digests recorded with the engine before the batched paths (commit 79f102b). The cases
 * cover a batch-invariant bundle (outdoor-mbstd-s100) and one whose tail renders a lone image
 * differently from a batch (indoor-pixnorm-s100, see BatchInvarianceTest), image counts whose
 * last batch holds exactly one image (33 at batch 16 and 8), and both insertion constants.
 *
 * <p>Re-recorded when the tests moved from the zoo v1 bundles to the zoo v3 s100 bundles of
 * the same names plus "-s100" (issue #26), with the engine of commit 9899125 and no engine
 * change: the digests are of other models, not of other code.
 */
class CausalGoldenTest {
    @ParameterizedTest
    @CsvSource({
        "outdoor-mbstd-s100,  layer3, tree,     41, MEAN, 16, 17b9d63fae5ee02311e8ba74f7b1d9dbda3eedb8b88e7ee54a06cd4447f73f7d",
        "outdoor-mbstd-s100,  layer3, building, 33, P99,  16, 686ba0a2fc964b241a46f6262f0b2147766ebad507287643736236b454356c78",
        "indoor-pixnorm-s100, layer3, window,   33, MEAN, 16, 866cf36533993d9e018ac74dca3582a376751c6db9ea147967d85df9985b67f1",
        "indoor-pixnorm-s100, layer2, window,   20, MEAN, 6,  2fb9b9d89cf8c2127e2fa80b2fffd2415c416775ac33cd9e5abaf1ea23433140",
    })
    void interveneJsonIsBitIdenticalToTheRecordedEngine(String bundle, String layer, String cls, int samples, Insertion.KMode k, int batch,
            String digest) throws Exception {
        Bundle b = BundleLoader.load(TestBundles.demo(bundle));
        Manifest.ConceptClass c = b.manifest().classes().stream().filter(x -> x.name().equals(cls)).findFirst().orElseThrow();
        double[] iou = new double[b.layer(layer).units()];
        for (int u = 0; u < iou.length; u++) {
            iou[u] = (u * 37 % 101) / 101.0;
        }
        ClassIou ci = new ClassIou(layer, c, iou, new long[] {7, 8});
        var p = new ClassIntervention.Params(samples, 7, new int[] {1, 2, 5, 10}, 3, 5, 5, k, 0, batch);
        ObjectNode json = ClassIntervention.run(b, ci, p);
        strip(json, "seconds");
        assertEquals(digest, sha(json), bundle + " " + layer + " " + cls + ": intervene JSON differs from the recorded engine's");
    }

    @ParameterizedTest
    @CsvSource({
        "outdoor-mbstd-s100,  layer3, 33, 8, dac77195ff682ed8e31a2bee84e507e7b77774cf9c2e9398bd2e6b907de42124",
        "indoor-pixnorm-s100, layer3, 33, 8, 5e983adf8e96ecba0d78213050dcbb8d83e82a309aca33eba7613eeef8dd05b2",
        "outdoor-base-s100,   layer2, 20, 32, b4730891465f6a6e55db2e4e1057312d33e7a92cc379075da9ba459419a13ab1",
    })
    void artifactsJsonIsBitIdenticalToTheRecordedEngine(String bundle, String layer, int images, int batch, String digest) throws Exception {
        Bundle b = BundleLoader.load(TestBundles.demo(bundle));
        var causal = new CausalArtifacts.Params(images, 211, 17, 311, new int[] {2, 5}, 3, batch);
        var p = new ArtifactStudy.Params(40, 11, 5, new int[] {2, 5}, 2, 30, causal);
        ObjectNode json = ArtifactStudy.run(b, layer, p, s -> { });
        assertEquals(digest, sha(json), bundle + " " + layer + ": artifacts JSON differs from the recorded engine's");
    }

    static String sha(JsonNode json) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** Removes every field {@code name} at any depth (wall times are not results). */
    static void strip(JsonNode n, String name) {
        if (n instanceof ObjectNode o) {
            o.remove(name);
        }
        for (Iterator<JsonNode> it = n.elements(); it.hasNext();) {
            strip(it.next(), name);
        }
    }
}
