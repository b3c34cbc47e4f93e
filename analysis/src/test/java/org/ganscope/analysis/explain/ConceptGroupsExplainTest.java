package org.ganscope.analysis.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ganscope.analysis.Progress;
import org.ganscope.analysis.TestBundles;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.dissect.GroupDissection;
import org.ganscope.analysis.dissect.Upsampler;
import org.ganscope.analysis.model.LayerModel;
import org.junit.jupiter.api.Test;

/**
 * On a schema 2 bundle the explanations search the concepts of every group, at given
 * thresholds: the best single concept of a unit is its overall group label, with the same IoU.
 */
class ConceptGroupsExplainTest {
    @Test
    void conceptsAreEveryGroupsClassesAndTheBestSingleIsTheOverallGroupLabel() {
        Bundle b = BundleLoader.load(TestBundles.repo().resolve("models/bundles-test/zoo2-tiny-outdoor"));
        double[] thr = new double[b.layer("layer3").units()];
        java.util.Arrays.fill(thr, 0.5);
        LayerExplainer.Result e = LayerExplainer.explainAt(b, "layer3", 10, 2, thr, 3, 2, false, Progress.NONE); // all 10 images, as the dissection
        int expected = b.manifest().groups().stream().mapToInt(g -> g.numClasses() - 1).sum();
        List<String> names = e.conceptNames();
        assertEquals(expected, names.size());
        assertEquals(b.manifest().classes().get(1).name(), names.get(0));
        assertTrue(names.contains("part:door") && names.contains("color:blue") && names.contains("material:brick"), names.toString());
        GroupDissection g;
        try (LayerModel m = new LayerModel(b, "layer3", 5)) {
            g = GroupDissection.run(m, thr, 2, 10, 5, Progress.NONE);
        }
        for (int u = 0; u < thr.length; u++) {
            if (g.overallIou()[u] == 0) {
                continue;
            }
            assertEquals(g.overallIou()[u], e.units()[u].bestSingleIou(), 1e-12, "unit " + u);
            assertEquals(g.overallName(u), names.get(((Formula.Leaf) e.units()[u].bestSingle()).concept()), "unit " + u);
        }
    }

    /**
     * The whole pipeline on the schema 2 test bundle: search on the even samples, judge on the
     * odd ones; each unit's held-out IoUs equal a brute-force recount (images generated again,
     * activations upsampled and thresholded, every group's labels tested pixel by pixel), and
     * the same seed gives bit-identical results.
     */
    @Test
    void heldOutIousAreABruteForceRecountOfTheOddSamplesAndRepeatBitIdentically() {
        Bundle b = BundleLoader.load(TestBundles.repo().resolve("models/bundles-test/zoo2-tiny-outdoor"));
        String layer = "layer3";
        int samples = 9;
        long seed = 4;
        LayerExplainer.Result r = LayerExplainer.explain(b, layer, samples, seed, 0.05, 3, 3);
        assertArrayEquals(new long[] {0, 2, 4, 6, 8}, r.searchSamples());
        assertArrayEquals(new long[] {1, 3, 5, 7}, r.heldOutSamples());
        Concepts cs = Concepts.of(b.manifest());
        var l = b.layer(layer);
        int units = l.units();
        long[][] inter = new long[units][2];
        long[][] union = new long[units][2];
        try (LayerModel m = new LayerModel(b, layer, 1)) {
            int seg = m.segPixels();
            int res = (int) Math.round(Math.sqrt(seg));
            Upsampler up = new Upsampler(l.height(), l.width(), res, res);
            double[] plane = new double[seg];
            for (long i : r.heldOutSamples()) {
                m.generate(seed, i, 1);
                int[][] labels = new int[cs.groups()][];
                for (int g = 0; g < cs.groups(); g++) {
                    labels[g] = m.groupLabels(g).clone();
                }
                for (int u = 0; u < units; u++) {
                    up.apply(m.activations(), u * l.pixels(), plane, 0);
                    Formula[] fs = {r.units()[u].formula(), r.units()[u].bestSingle()};
                    for (int p = 0; p < seg; p++) {
                        int pp = p;
                        boolean on = plane[p] > r.thresholds()[u];
                        for (int k = 0; k < 2; k++) {
                            boolean in = fs[k].test(c -> labels[cs.group(c)][pp] == cs.classOf(c));
                            inter[u][k] += on && in ? 1 : 0;
                            union[u][k] += on || in ? 1 : 0;
                        }
                    }
                }
            }
        }
        int compound = 0;
        for (int u = 0; u < units; u++) {
            HeldOut.Score s = r.heldOut()[u];
            assertEquals(union[u][0] == 0 ? 0 : (double) inter[u][0] / union[u][0], s.iou(), 1e-15, "unit " + u);
            assertEquals(union[u][1] == 0 ? 0 : (double) inter[u][1] / union[u][1], s.singleIou(), 1e-15, "unit " + u);
            compound += r.units()[u].formula().length() > 1 ? 1 : 0;
        }
        assertTrue(compound > 0, "some formulas are compound");
        long gained = java.util.Arrays.stream(r.heldOut()).filter(s -> s.gain() >= HeldOut.MIN_GAIN).count();
        assertEquals(gained, r.summary().gained());
        LayerExplainer.Result again = LayerExplainer.explain(b, layer, samples, seed, 0.05, 3, 3);
        assertEquals(r.summary(), again.summary());
        for (int u = 0; u < units; u++) {
            assertEquals(r.units()[u], again.units()[u]);
            assertEquals(Double.doubleToLongBits(r.heldOut()[u].iou()), Double.doubleToLongBits(again.heldOut()[u].iou()));
            assertEquals(Double.doubleToLongBits(r.heldOut()[u].singleIou()), Double.doubleToLongBits(again.heldOut()[u].singleIou()));
            assertArrayEquals(r.examples()[u], again.examples()[u]);
        }
    }
}
