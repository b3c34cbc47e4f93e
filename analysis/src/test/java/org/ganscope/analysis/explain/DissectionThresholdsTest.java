package org.ganscope.analysis.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ganscope.analysis.Progress;
import org.ganscope.analysis.TestBundles;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.dissect.DissectParams;
import org.ganscope.analysis.dissect.DissectionReport;
import org.ganscope.analysis.dissect.LayerDissection;
import org.ganscope.analysis.dissect.LayerDissector;
import org.junit.jupiter.api.Test;

/**
 * Explanations at the dissection's own thresholds measure what the dissection measured. The
 * dissection counts all its images, so the search here sees all of them (no held-out half).
 */
class DissectionThresholdsTest {
    private static final Bundle B = BundleLoader.load(TestBundles.demo("outdoor-base-s100"));
    /** The main group's concepts (its classes but "unlabeled"), which come first among the explainer's. */
    private static final int MAIN = B.manifest().classes().size() - 1;

    private static DissectParams params(DissectParams.Method m) {
        return new DissectParams("layer2", 24, 7, 24, 8, m, 0.01, 4, 8);
    }

    @Test
    void inQuantileModeTheBestSingleConceptIsTheDissectionsLabelWithItsIou() {
        LayerDissection d = LayerDissector.dissect(B, params(DissectParams.Method.QUANTILE), 1, x -> { });
        DissectionReport r = d.report();
        LayerExplainer.Result e = LayerExplainer.explainAt(B, "layer2", 24, 7, r.thresholds(), 3, 2, false, Progress.NONE);
        int determined = 0;
        for (int u = 0; u < d.units(); u++) {
            if (r.labelUndetermined()[u]) {
                continue;
            }
            determined++;
            // the explainer's concepts are the main classes (first, concept i = class i + 1) and, on a schema 2 bundle, every
            // further group's: its best single concept is at least the dissection's label, and is that label when it is a main one
            assertTrue(e.units()[u].bestSingleIou() >= r.bestIou()[u] - 1e-12, "unit " + u);
            if (((Formula.Leaf) e.units()[u].bestSingle()).concept() < MAIN) {
                assertEquals(r.bestIou()[u], e.units()[u].bestSingleIou(), 1e-12, "unit " + u);
                assertEquals(new Formula.Leaf(r.bestLabel()[u] - 1), e.units()[u].bestSingle(), "unit " + u);
            }
            assertTrue(e.units()[u].iou() >= e.units()[u].bestSingleIou());
        }
        assertTrue(determined > d.units() / 2, determined + " units with a label");
    }

    @Test
    void inIqrModeTheBestSingleIouIsTheDissectionsLargestIouAtItsThreshold() {
        LayerDissection d = LayerDissector.dissect(B, params(DissectParams.Method.IQR), 1, x -> { });
        DissectionReport r = d.report();
        LayerExplainer.Result e = LayerExplainer.explainAt(B, "layer2", 24, 7, r.thresholds(), 3, 2, false, Progress.NONE);
        int agree = 0;
        for (int u = 0; u < d.units(); u++) {
            double max = 0;
            for (int c = 1; c < r.iou()[u].length; c++) {
                max = Math.max(max, r.iou()[u][c]);
            }
            assertTrue(e.units()[u].bestSingleIou() >= max - 1e-12, "unit " + u);
            if (((Formula.Leaf) e.units()[u].bestSingle()).concept() < MAIN) {
                assertEquals(max, e.units()[u].bestSingleIou(), 1e-12, "unit " + u);
            }
            if (e.units()[u].bestSingle().equals(new Formula.Leaf(r.bestLabel()[u] - 1))) {
                agree++;
            }
        }
        LayerExplainer.Agreement a = LayerExplainer.agreement(e, r.bestLabel());
        assertEquals(agree, a.agree());
        assertEquals(0, a.gained(), "nothing held out, nothing judged");
        assertTrue(Double.isNaN(e.heldOut()[0].iou()));
    }
}
