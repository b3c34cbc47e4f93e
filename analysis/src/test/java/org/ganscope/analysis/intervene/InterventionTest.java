package org.ganscope.analysis.intervene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.TestBundles;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.model.LayerModel;
import org.junit.jupiter.api.Test;

/** Interventions on a real demo bundle: deterministic, and extreme edits do what they must. */
class InterventionTest {
    static Bundle bundle() {
        return BundleLoader.load(TestBundles.demo("outdoor-base-s100"));
    }

    @Test
    void ablationCurveIsDeterministicAndComplete() {
        Bundle b = bundle();
        int sky = b.manifest().classes().stream().filter(c -> c.name().equals("sky")).findFirst().orElseThrow().index();
        try (LayerModel m = new LayerModel(b, "layer3", 8)) {
            double[] iou = new double[m.layer().units()];
            for (int u = 0; u < iou.length; u++) {
                iou[u] = (u * 37 % 11) / 11.0;
            }
            int[] ns = {1, 10, m.layer().units()};
            var r1 = AblationCurve.run(m, sky, iou, ns, 12, 3, 2, 9);
            var r2 = AblationCurve.run(m, sky, iou, ns, 12, 3, 2, 9);
            for (int i = 0; i < ns.length; i++) {
                assertEquals(r1.points().get(i).topRemoved(), r2.points().get(i).topRemoved());
                assertEquals(r1.points().get(i).randomMean(), r2.points().get(i).randomMean());
            }
            assertTrue(r1.imagesWithClass() > 0);
            // ablating every unit is the same edit for the top and the random selection
            var all = r1.points().get(2);
            assertEquals(all.topRemoved(), all.randomMean(), 1e-12);
            assertEquals(1.0, all.pValue(), "every draw removes as much as the top selection");
            for (var p : r1.points()) {
                assertEquals(AblationCurve.pValue(p.topRemoved(), p.randomDraws()), p.pValue());
            }
        }
    }

    @Test
    void empiricalPValueCountsDrawsAtLeastAsExtreme() {
        assertEquals(1.0 / 21, AblationCurve.pValue(0.9, new double[20]));
        double[] draws = new double[20];
        draws[3] = 0.9;
        draws[7] = 0.95;
        assertEquals(3.0 / 21, AblationCurve.pValue(0.9, draws));
        assertEquals(1.0, AblationCurve.pValue(0.0, new double[0]));
        assertEquals(1.0, AblationCurve.pValue(-1, draws));
    }

    @Test
    void causalImagesComeFromSeedsTheDissectionDidNotUse() {
        assertEquals(9, ClassIntervention.evaluationSeed(7, new long[] {7, 8}));
        assertEquals(12, ClassIntervention.evaluationSeed(7, new long[] {7, 11}), "9, 10 and 11 would reuse the threshold set");
        assertEquals(9, ClassIntervention.evaluationSeed(7, new long[0]));
    }

    @Test
    void curveHasAbsoluteNAndSharesOfTheLayer() {
        assertEquals("[1, 2, 5, 10, 20, 50]", java.util.Arrays.toString(ClassIntervention.curveNs(new int[] {1, 2, 5, 10, 20, 50}, 128)));
        assertEquals("[1, 2, 5, 10, 20, 50, 82]", java.util.Arrays.toString(ClassIntervention.curveNs(new int[] {1, 2, 5, 10, 20, 50}, 512)));
        assertEquals("[1, 3, 10]", java.util.Arrays.toString(ClassIntervention.curveNs(new int[] {1, 10, 20}, 16)));
    }

    @Test
    void insertionWithZeroConstantsEqualsAblationInsideTheRegion() {
        Bundle b = bundle();
        try (LayerModel m = new LayerModel(b, "layer2", 8)) {
            int[] units = {0, 1, 2, 3};
            var r = Insertion.run(m, 1, units, new float[4], 3, 5, 2);
            assertEquals(3L * 16, r.regions());
            assertEquals(0.0, r.ace(), 1e-12);
            long byContext = r.byContext().stream().mapToLong(Insertion.ContextRow::regions).sum();
            assertEquals(r.regions(), byContext);
        }
    }

    @Test
    void badInputsAreRejected() {
        Bundle b = bundle();
        try (LayerModel m = new LayerModel(b, "layer2", 4)) {
            double[] iou = new double[m.layer().units()];
            assertThrows(AnalysisException.class, () -> AblationCurve.run(m, 0, iou, new int[] {1}, 4, 1, 1, 1));
            assertThrows(AnalysisException.class, () -> AblationCurve.run(m, 1, new double[3], new int[] {1}, 4, 1, 1, 1));
            assertThrows(AnalysisException.class, () -> AblationCurve.run(m, 1, iou, new int[] {iou.length + 1}, 4, 1, 1, 1));
            assertThrows(AnalysisException.class, () -> Insertion.run(m, 1, new int[] {0}, new float[1], 2, 1, 99));
        }
    }
}
