package org.ganscope.analysis.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PrdcTest {

    @Test
    void handComputedOneDimensionalCase() {
        // reals 0,1,2,3 (k=1: every radius 1), fakes 0.5, 4, 10 (radii 3.5, 3.5, 6)
        Prdc p = Prdc.compute(new double[] {0, 1, 2, 3}, 4, new double[] {0.5, 4, 10}, 3, 1, 1);
        assertEquals(1.0 / 3, p.precision(), 1e-15);   // 4 is exactly at distance 1 of real 3: strict
        assertEquals(1.0, p.recall(), 0);
        assertEquals(2.0 / 3, p.density(), 1e-15);
        assertEquals(0.5, p.coverage(), 0);             // real 3: min distance 1, not < 1
    }

    @Test
    void duplicatesAreNeighboursAtDistanceZero() {
        Prdc p = Prdc.compute(new double[] {0, 0, 5, 5}, 4, new double[] {0, 5, 2}, 3, 1, 1);
        assertEquals(0.0, p.precision(), 0);            // all real radii are 0: nothing is strictly inside
        assertEquals(0.0, p.coverage(), 0);
        assertEquals(0.0, p.density(), 0);
        assertEquals(1.0, p.recall(), 0);               // fake radii 2, 3, 2: every real is within one
    }

    @Test
    void twoDimensionalDensityCanExceedOne() {
        double[] real = {0, 0, 1, 0, 0, 1, 1, 1, 0.5, 0.5};
        double[] fake = {0.5, 0.5, 0.4, 0.6, 9, 9};
        Prdc p = Prdc.compute(real, 5, fake, 3, 2, 2);
        // real radii (k=2): corners: 2nd nearest other = 1 (adjacent corners), centre: sqrt(.5)
        // fake (.5,.5) lies within every real ball (corners: .707 < 1; centre: 0 < .707)
        // fake (.4,.6): corners (0,0): .72 < 1 yes; (1,0): .85 yes; (0,1): .57 yes; (1,1): .72 yes; centre yes
        assertEquals(2.0 / 3, p.precision(), 1e-15);
        assertEquals(10.0 / (2 * 3), p.density(), 1e-15);
        assertEquals(1.0, p.coverage(), 0);
        assertThrows(IllegalArgumentException.class, () -> Prdc.compute(real, 5, fake, 3, 2, 3));
    }

    @Test
    void floatInputIsWidenedExactly() {
        Prdc a = Prdc.compute(new float[] {0, 1, 2, 3}, 4, new float[] {0.5f, 4, 10}, 3, 1, 1);
        assertEquals(1.0 / 3, a.precision(), 1e-15);
    }
}
