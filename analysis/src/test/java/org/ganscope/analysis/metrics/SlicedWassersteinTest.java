package org.ganscope.analysis.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SlicedWassersteinTest {
    /** Stripes of spatial frequency {@code freq} with random phase and a little noise. */
    static float[] images(int n, int s, long seed, double freq) {
        Random r = new Random(seed);
        float[] x = new float[n * 3 * s * s];
        for (int i = 0; i < n * 3; i++) {
            double phase = r.nextDouble() * 6.28;
            for (int p = 0; p < s * s; p++) {
                x[i * s * s + p] = (float) (0.8 * Math.sin((p % s) * freq + phase) + 0.05 * r.nextGaussian());
            }
        }
        return x;
    }

    @Test
    void differentTexturesAreFartherThanSameTextures() {
        float[] a = images(16, 32, 1, 1.2);
        var same = SlicedWasserstein.compute(a, a.clone(), 16, 32, 5);
        assertEquals(2, same.perLevel().length); // 32 and 16
        double similar = SlicedWasserstein.compute(a, images(16, 32, 2, 1.2), 16, 32, 5).mean();
        double different = SlicedWasserstein.compute(a, images(16, 32, 2, 0.3), 16, 32, 5).mean();
        assertTrue(different > similar, similar + " vs " + different);
        assertTrue(same.mean() < different / 2, same.mean() + " vs " + different);
        assertArrayEquals(SlicedWasserstein.compute(a, images(16, 32, 2, 0.3), 16, 32, 5).perLevel(),
                SlicedWasserstein.compute(a, images(16, 32, 2, 0.3), 16, 32, 5).perLevel(), 0.0);
    }

    @Test
    void pyramidOfAConstantImageIsConstant() {
        double[] img = new double[3 * 16 * 16];
        java.util.Arrays.fill(img, 0.5);
        double[] d = SlicedWasserstein.down(img, 16);
        double[] u = SlicedWasserstein.up(d, 8);
        for (double v : d) {
            assertEquals(0.5, v, 1e-12);
        }
        for (double v : u) {
            assertEquals(0.5, v, 1e-12);
        }
    }
}
