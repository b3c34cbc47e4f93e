package org.ganscope.analysis.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import org.ganscope.analysis.TestBundles;
import org.ganscope.analysis.dissect.DissectJson;
import org.ganscope.analysis.dissect.DissectParams;
import org.ganscope.analysis.dissect.LayerDissection;
import org.ganscope.analysis.dissect.LayerDissector;
import org.ganscope.analysis.model.LayerModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bundle made by the bring-your-own-GAN exporter (models/ganscope_models/byog): a tiny
 * random-weight StyleGAN2 whose tails f take (r, z), with the zoo's outdoor segmenter as
 * the user's segmenter (models/bundles-test/stylegan2-tiny-random, rebuilt by
 * make_stylegan2_tiny.sh there). It verifies and dissects like a zoo bundle. So does the
 * exporter's bundle of a generator that is no StyleGAN: the pytest toy generator, whose tails
 * take r only (models/bundles-test/toy-random, make_toy_random.sh).
 */
class ByogBundleTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String L8 = "synthesis.b8.conv1";
    private static final String L16 = "synthesis.b16.conv1";
    private static final String TOY2 = "blocks.2";
    static Bundle bundle;
    static Bundle toy;

    static Path dir() {
        return TestBundles.repo().resolve("models/bundles-test/stylegan2-tiny-random");
    }

    @BeforeAll
    static void load() {
        bundle = BundleLoader.load(dir());
        toy = BundleLoader.load(TestBundles.repo().resolve("models/bundles-test/toy-random"));
    }

    @Test
    void verifiesWithTailsThatTakeTheLatent() {
        List<String> lines = BundleVerifier.verify(bundle);
        assertEquals(bundle.manifest().layers().size() + 3, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).contains(L8) && lines.get(0).contains("h and f (r, z) ok"), lines.get(0));
        assertTrue(bundle.layer(L16).fTakesLatent());
        assertEquals(32, bundle.manifest().zdim());
    }

    /** Both splits compute G(z): the same (seed, index) gives the same image through either layer only if f gets the right z. */
    @Test
    void everySplitRendersTheSameImageForTheSameSample() {
        int n = 4;
        try (LayerModel a = new LayerModel(bundle, L8, n); LayerModel b = new LayerModel(bundle, L16, n)) {
            a.generate(7, 10, n);
            b.generate(7, 10, n);
            float[] xa = copy(a.images(), n * 3 * 64 * 64);
            float[] xb = copy(b.images(), n * 3 * 64 * 64);
            assertTrue(maxAbsDiff(xa, xb) < 1e-4, "max diff " + maxAbsDiff(xa, xb));
            // one sample at a time: batch rows do not leak into each other
            for (int i = 0; i < n; i++) {
                b.generate(7, 10 + i, 1);
                float[] one = copy(b.images(), 3 * 64 * 64);
                float[] row = java.util.Arrays.copyOfRange(xa, i * 3 * 64 * 64, (i + 1) * 3 * 64 * 64);
                assertTrue(maxAbsDiff(one, row) < 1e-4, "sample " + i);
            }
        }
    }

    /** Edits of one sample in many rows (as the insertion study renders them) are rendered with that sample's z. */
    @Test
    void editsOfOneSampleUseItsLatentInEveryRow() {
        try (LayerModel m = new LayerModel(bundle, L16, 6)) {
            m.generate(3, 0, 4);        // fills z rows 0..3 with other samples
            m.generate(3, 5, 1);        // then one sample
            int size = m.layer().units() * m.layer().pixels();
            float[] r = java.util.Arrays.copyOf(m.activations(), size);
            float[] x = copy(m.images(), 3 * 64 * 64);
            float[] edits = new float[3 * size];
            for (int k = 0; k < 3; k++) {
                System.arraycopy(r, 0, edits, k * size, size);
            }
            m.renderEdited(edits, 3);
            float[] rows = copy(m.images(), 3 * 3 * 64 * 64);
            for (int k = 0; k < 3; k++) {
                float[] row = java.util.Arrays.copyOfRange(rows, k * 3 * 64 * 64, (k + 1) * 3 * 64 * 64);
                assertArrayEquals(x, row, 1e-5f, "row " + k);
            }
            // zeroing the layer changes the image: f reads r
            m.renderEdited(new float[size], 1);
            assertTrue(maxAbsDiff(x, copy(m.images(), 3 * 64 * 64)) > 1e-3);
            m.generate(3, 0, 2);
            assertThrows(IllegalStateException.class, () -> m.renderEdited(new float[3 * size], 3));
        }
    }

    @Test
    void dissectsOneLayerDeterministically() {
        dissectsDeterministically(bundle, L16, 16);
    }

    @Test
    void theToyGeneratorVerifiesWithTailsThatTakeOnlyTheLayer() {
        List<String> lines = BundleVerifier.verify(toy);
        assertEquals(toy.manifest().layers().size() + 3, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(1).contains(TOY2) && lines.get(1).contains("h and f ok"), lines.get(1));
        assertTrue(toy.manifest().layers().stream().noneMatch(Manifest.Layer::fTakesLatent));
        assertEquals(16, toy.manifest().zdim());
    }

    @Test
    void theToyGeneratorDissectsOneLayerDeterministically() {
        dissectsDeterministically(toy, TOY2, 16);
    }

    /** One layer dissected with 1 and 3 threads gives the same JSON, and every sample pixel is labelled once. */
    private static void dissectsDeterministically(Bundle b, String layer, int units) {
        DissectParams p = DissectParams.defaults(layer, 24, 42).withThresholdSet(16, 4).withBatch(8);
        LayerDissection one = LayerDissector.dissect(b, p, 1, d -> { });
        LayerDissection three = LayerDissector.dissect(b, p, 3, d -> { });
        assertEquals(DissectJson.toJson(one).toString(), DissectJson.toJson(three).toString());
        assertEquals(24, one.images());
        assertEquals(units, one.units());
        long pixels = 0;
        for (long v : one.classPixels()) {
            pixels += v;
        }
        assertEquals(24L * 64 * 64, pixels);
    }

    @Test
    void aManifestThatMisstatesTheTailInputsIsRefused(@TempDir Path tmp) throws IOException {
        Path b = TestBundles.copyTree(dir(), tmp.resolve("b"));
        edit(b, m -> ((ObjectNode) m.get("layers").get(0)).putArray("f_inputs").add("r"));
        String msg = assertThrows(BundleException.class, () -> BundleVerifier.verify(BundleLoader.load(b))).getMessage();
        assertTrue(msg.contains("takes inputs r and z") && msg.contains("f_inputs"), msg);
        edit(b, m -> ((ObjectNode) m.get("layers").get(0)).putArray("f_inputs").add("z"));
        msg = assertThrows(BundleException.class, () -> BundleLoader.load(b)).getMessage();
        assertTrue(msg.contains("'layers[0].f_inputs' must be"), msg);
    }

    private static void edit(Path b, java.util.function.Consumer<ObjectNode> e) throws IOException {
        Path mf = b.resolve("manifest.json");
        ObjectNode root = (ObjectNode) JSON.readTree(mf.toFile());
        e.accept(root);
        JSON.writeValue(mf.toFile(), root);
    }

    private static float[] copy(FloatBuffer buf, int n) {
        float[] out = new float[n];
        buf.position(0);
        buf.get(out, 0, n);
        buf.position(0);
        return out;
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
