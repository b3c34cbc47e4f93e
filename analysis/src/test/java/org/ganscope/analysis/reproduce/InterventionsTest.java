package org.ganscope.analysis.reproduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.ganscope.analysis.Progress;
import org.ganscope.analysis.TestBundles;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.model.LayerModel;
import org.junit.jupiter.api.Test;

/** The many-set measurements on the tiny zoo-2 bundle: rows stay aligned with their images, an empty edit changes nothing. */
class InterventionsTest {
    @Test
    void ablationAndInsertionOfNothingChangeNothingAndRowsStayAligned() {
        Bundle b = BundleLoader.load(TestBundles.repo().resolve("models/bundles-test/zoo2-tiny-outdoor"));
        try (LayerModel m = new LayerModel(b, "layer3", 8)) {
            int units = m.layer().units();
            m.generate(3, 0, 8);
            int[] labels = m.labels();
            // the most frequent non-background class of these images
            long[] freq = new long[m.numClasses()];
            for (int p = 0; p < 8 * m.segPixels(); p++) {
                freq[labels[p]]++;
            }
            int cls = 1;
            for (int c = 1; c < freq.length; c++) {
                if (freq[c] > freq[cls]) {
                    cls = c;
                }
            }
            int[] all = java.util.stream.IntStream.range(0, units).toArray();
            int[] used = new int[1];
            double[] removed = Interventions.removed(m, cls, new int[][] {new int[0], all, new int[0]}, 5, 64, 3, used, Progress.NONE);
            assertEquals(5, used[0]);
            assertEquals(0.0, removed[0], 0.0, "an empty set removes nothing");
            assertEquals(0.0, removed[2], 0.0, "the same after another set was rendered");
            assertTrue(removed[1] != 0.0, "zeroing every unit changes the class's pixels");

            float[] k = Interventions.meanInsideClass(m, cls, 16, 4);
            assertEquals(units, k.length);
            Set<Integer> everything = new java.util.HashSet<>();
            for (int c = 0; c < m.numClasses(); c++) {
                everything.add(c);
            }
            Interventions.ByImage bi = Interventions.insertion(m, cls, new int[][] {new int[0], {0, 1, 2}}, new float[][] {new float[0],
                    {k[0], k[1], k[2]}}, List.of(everything), 2, 5, 4, Progress.NONE);
            double tiles = bi.tiles()[0][0] + bi.tiles()[0][1];
            assertEquals(2 * 16, tiles, 0.0, "every tile of the 16x16 grid at side 4 is in the all-classes group");
            assertEquals(0.0, bi.mean(0, 0), 1e-6, "inserting no unit changes no probability");
            assertTrue(bi.mean(1, 0) != 0.0, "inserting three units changes something");
        }
    }
}
