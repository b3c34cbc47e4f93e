package org.ganscope.analysis.intervene;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ganscope.analysis.Progress;
import org.ganscope.analysis.TestBundles;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.model.LayerModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The stacked ablation path (selections and images stacked in f_L batches, images without the
 * class left out, segmenter in sub-batches) against the original one-batch-per-selection path,
 * kept callable for this: the same counts, to the pixel, for batch sizes that leave a last image
 * batch of one image, a lone stacked row, and odd sub-batches.
 */
class AblationPathsTest {
    @ParameterizedTest
    @CsvSource({"outdoor-mbstd-s100, layer3, tree, 16, 33", "outdoor-mbstd-s100, layer3, door, 5, 21", "indoor-pixnorm-s100, layer2, window, 3, 10",
        "indoor-pixnorm-s100, layer3, bed, 16, 17", "outdoor-base-s100, layer4, sky, 2, 5"})
    void stackedPathCountsEqualThePerSelectionPath(String bundle, String layer, String cls, int batch, int samples) {
        Bundle b = BundleLoader.load(TestBundles.demo(bundle));
        int c = b.manifest().classes().stream().filter(x -> x.name().equals(cls)).findFirst().orElseThrow().index();
        try (LayerModel m = new LayerModel(b, layer, batch)) {
            int units = m.layer().units();
            assertTrue(m.rowsRenderAlike(3), "the demo bundles render rows alike in any batch of two or more");
            int[][] sel = {UnitRanking.random(units, 1, 4), UnitRanking.random(units, 3, 5), UnitRanking.random(units, units / 2, 6), new int[0]};
            long[] old = AblationCurve.perSelection(m, c, sel, samples, 11, Progress.NONE);
            long[] stacked = AblationCurve.stacked(m, c, sel, samples, 11, Progress.NONE);
            assertArrayEquals(old, stacked, bundle + " " + layer + " batch " + batch + " samples " + samples);
        }
    }
}
