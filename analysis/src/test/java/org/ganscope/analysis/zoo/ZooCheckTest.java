package org.ganscope.analysis.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.List;
import org.ganscope.analysis.Progress;
import org.ganscope.analysis.TestBundles;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.model.ColorRule;
import org.ganscope.analysis.model.LayerModel;
import org.junit.jupiter.api.Test;

class ZooCheckTest {
    @Test
    void sharesOfEveryGroupAreCountedOverAllSamplesAndTheColourGroupByTheRule() {
        Bundle b = BundleLoader.load(TestBundles.repo().resolve("models/bundles-test/zoo2-tiny-outdoor"));
        ZooCheck.Result r = ZooCheck.check(b, 20, 4, 8, Progress.NONE);
        for (var g : b.manifest().groups()) {
            double gen = r.shares().stream().filter(s -> s.group().equals(g.name())).mapToDouble(ZooCheck.ClassShare::generated).sum();
            double real = r.shares().stream().filter(s -> s.group().equals(g.name())).mapToDouble(ZooCheck.ClassShare::real).sum();
            assertEquals(1.0, gen, 1e-9, g.name());
            assertEquals(1.0, real, 1e-3, g.name()); // the manifest's shares are rounded to 6 digits
        }
        // brute force: the colour terms of the same 20 images, pixel by pixel
        long[] counts = new long[ColorRule.NAMES.length];
        try (LayerModel m = new LayerModel(b, b.manifest().layers().get(0).name(), 20)) {
            m.generate(4, 0, 20);
            FloatBuffer x = m.images();
            int s = b.manifest().imageSize();
            int px = s * s;
            for (int i = 0; i < 20; i++) {
                for (int p = 0; p < px; p++) {
                    int base = i * 3 * px + p;
                    counts[ColorRule.of(ColorRule.toByte(x.get(base)), ColorRule.toByte(x.get(base + px)),
                            ColorRule.toByte(x.get(base + 2 * px)))]++;
                }
            }
        }
        List<ZooCheck.ClassShare> color = r.shares().stream().filter(s -> s.group().equals("color")).toList();
        for (int c = 0; c < color.size(); c++) {
            assertEquals(ColorRule.NAMES[c], color.get(c).name());
            assertEquals(counts[c] / (20.0 * 64 * 64), color.get(c).generated(), 1e-12, color.get(c).name());
        }
        assertEquals(12, r.main().size());
        assertTrue(Double.isFinite(r.domainFd()) && r.domainFd() > 0);
        // 20 samples: FD (EfficientNet-Lite0) is not measured; this bundle has no reference statistics either
        assertTrue(!r.reference().available() && r.reference().unavailable().contains("has no reference_features"), r.reference().unavailable());
    }

    @Test
    void aSchemaOneBundleHasTheMainGroupOnlyWithRealSharesFromItsLabelSheet() {
        Bundle b = BundleLoader.load(TestBundles.repo().resolve("models/bundles-test/toy-random"));
        ZooCheck.Result r = ZooCheck.check(b, 16, 0, 8, Progress.NONE);
        assertEquals(13, r.shares().size());
        assertTrue(r.shares().stream().allMatch(s -> s.group().equals("main")));
        assertEquals(1.0, r.shares().stream().mapToDouble(ZooCheck.ClassShare::real).sum(), 1e-9);
        assertTrue(r.generatedShare("door") >= 0 && Double.isNaN(r.generatedShare("no-such-class")));
    }
}
