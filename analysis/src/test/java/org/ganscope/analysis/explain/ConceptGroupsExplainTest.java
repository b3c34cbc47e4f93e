package org.ganscope.analysis.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ganscope.analysis.Progress;
import org.ganscope.analysis.TestBundles;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.dissect.GroupDissection;
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
        LayerExplainer.Result e = LayerExplainer.explainAt(b, "layer3", 10, 2, thr, 3, 2);
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
}
