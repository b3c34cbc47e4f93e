package org.ganscope.analysis.dissect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** SPEC section 2: Hazen quantiles and quantile thresholds over raw activations. */
class QuantilesTest {
    private static final double[] V = {1, 2, 3, 4};

    @Test
    void hazenInterior() {
        assertEquals(2.5, Quantiles.hazen(V, 0.5), 0);      // x = 1.5
        assertEquals(2.0, Quantiles.hazen(V, 0.375), 0);    // x = 1, f = 0
        assertEquals(3.3, Quantiles.hazen(V, 0.7), 1e-15);  // x = 2.3
    }

    @Test
    void hazenEdges() {
        assertEquals(1, Quantiles.hazen(V, 0), 0);
        assertEquals(1, Quantiles.hazen(V, 0.125), 0);      // x = 0 -> v[0]
        assertEquals(1, Quantiles.hazen(V, 0.1), 0);        // x < 0
        assertEquals(4, Quantiles.hazen(V, 0.875), 0);      // x = 3 = m-1
        assertEquals(4, Quantiles.hazen(V, 1), 0);
        assertEquals(7, Quantiles.hazen(new double[] {7}, 0.3), 0);
        assertEquals(5, Quantiles.hazen(new double[] {5, 5, 5}, 0.61), 0);
        assertEquals(2.5, Quantiles.hazen(new double[] {9, 2, 3, 9}, 1, 2, 0.5), 0);  // sub-range, x = 0.5
        assertThrows(IllegalArgumentException.class, () -> Quantiles.hazen(new double[0], 0.5));
        assertThrows(IllegalArgumentException.class, () -> Quantiles.hazen(V, 1.5));
    }

    @Test
    void thresholdsUseRawValuesPerUnit() {
        // acts[N=2][U=2][1][2]: unit 0 = {0,1,2,3}, unit 1 = {10,20,30,40}
        float[] acts = {0, 1, 10, 20, 3, 2, 40, 30};
        double[] t = Quantiles.thresholds(acts, 2, 2, 2, 0.25);   // p = .75, x = 2.5
        assertArrayEquals(new double[] {2.5, 35}, t, 0);
        double[] d = Quantiles.thresholds(new double[] {0, 1, 10, 20, 3, 2, 40, 30}, 2, 2, 2, 0.25);
        assertArrayEquals(t, d, 0);
        assertThrows(IllegalArgumentException.class, () -> Quantiles.thresholds(acts, 2, 2, 2, 0));
        assertThrows(IllegalArgumentException.class, () -> Quantiles.thresholds(acts, 2, 2, 2, 1));
    }

    @Test
    void iqrFractionsAndLevels() {
        double[] fr = IqrLevels.fractions();
        assertEquals(100, fr.length);
        assertEquals(0.001, fr[0], 1e-18);
        assertEquals(0.01, fr[33], 1e-17);
        assertEquals(1.0, fr[99], 0);
        double[] sorted = new double[1000];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = i;
        }
        double[] levels = IqrLevels.levels(sorted);
        assertEquals(Quantiles.hazen(sorted, 0.999), levels[0], 0);
        assertEquals(0, levels[99], 0);                     // fraction 1 -> minimum
        for (int j = 1; j < 100; j++) {
            assertEquals(true, levels[j] <= levels[j - 1], "non-increasing");
        }
    }
}
