package org.ganscope.analysis.dissect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ThresholdPassTest {
    @Test
    void zeroCompressedLevelsEqualFullSortLevels() {
        Random rnd = new Random(3);
        for (int trial = 0; trial < 20; trial++) {
            int m = 1 + rnd.nextInt(5000);
            double[] v = new double[m];
            double zeroFraction = rnd.nextDouble();
            for (int i = 0; i < m; i++) {
                double r = rnd.nextDouble();
                v[i] = r < zeroFraction ? 0.0 : (trial % 3 == 0 ? rnd.nextGaussian() : Math.abs(rnd.nextGaussian()));
                if (trial % 5 == 0) {
                    v[i] = Math.round(v[i] * 4) / 4.0; // many ties
                }
            }
            double[] sorted = v.clone();
            Arrays.sort(sorted);
            assertArrayEquals(IqrLevels.levels(sorted), ThresholdPass.levels(v, new double[m]), "trial " + trial);
        }
    }
}
