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
 * cover a batch-invariant bundle (outdoor-mbstd) and one whose tail renders a lone image
 * differently from a batch (indoor-pixnorm, see BatchInvarianceTest), image counts whose
 * last batch holds exactly one image (33 at batch 16 and 8), and both insertion constants.
 */
class CausalGoldenTest {
    @ParameterizedTest
    @CsvSource({
        "outdoor-mbstd,  layer3, tree,     41, MEAN, 16, 318a2e05504f2007e4f76ca0ffc610310efb7d478f8b8b8a7aab2205cac9996c",
        "outdoor-mbstd,  layer3, building, 33, P99,  16, fc113d290d44b3ca77d8667abae00e13220c15606c8d14cd8a0c1473a24b29ac",
        "indoor-pixnorm, layer3, window,   33, MEAN, 16, 43ab9fe0d3f8abe157001d78bb10e82df08f51626b0aaa50ef9840f08e56d5fe",
        "indoor-pixnorm, layer2, window,   20, MEAN, 6,  9a41605fa8ea6e566445fc50cc68e045592fa202d296e7a571a8c58bb2f15f87",
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
        "outdoor-mbstd,  layer3, 33, 8, 432fffb429da26294d62c1b7cff8db803c6ec8e141059d691693c85442579d02",
        "indoor-pixnorm, layer3, 33, 8, c7b19f0b5af663c667d432fd838b45c6aeb6464c73caaad8b2d0760b01949e69",
        "outdoor-base,   layer2, 20, 32, a1072e06366b5991153d20db6a814640980ed4a9873ab17bd42c1f09bf0c535b",
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
