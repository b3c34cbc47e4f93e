package org.ganscope.analysis.intervene;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InsertionSdTest {
    @Test
    void sdFromSumsEqualsTwoPassSampleSd() {
        SplittableRandom rnd = new SplittableRandom(9);
        for (int t = 0; t < 100; t++) {
            int n = rnd.nextInt(1, 12);
            double[] v = new double[n];
            double sum = 0;
            double sq = 0;
            for (int i = 0; i < n; i++) {
                v[i] = rnd.nextDouble(-0.2, 0.5);
                sum += v[i];
                sq += v[i] * v[i];
            }
            double mean = sum / n;
            double ss = 0;
            for (double x : v) {
                ss += (x - mean) * (x - mean);
            }
            double brute = n < 2 ? 0 : Math.sqrt(ss / (n - 1));
            assertEquals(brute, Insertion.sd(sum, sq, n), 1e-9);
        }
    }
}
