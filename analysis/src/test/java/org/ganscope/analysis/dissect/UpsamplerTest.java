package org.ganscope.analysis.dissect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** SPEC section 1: separable bilinear with half-pixel centres and edge clamp. */
class UpsamplerTest {

    /** Direct 2-D formula, written independently of the separable kernel. */
    private static double direct(double[] src, int h, int w, int outH, int outW, int y, int x) {
        double sy = Math.max(0, (y + 0.5) * h / outH - 0.5);
        double sx = Math.max(0, (x + 0.5) * w / outW - 0.5);
        int y0 = Math.min((int) Math.floor(sy), h - 1);
        int x0 = Math.min((int) Math.floor(sx), w - 1);
        int y1 = Math.min(y0 + 1, h - 1);
        int x1 = Math.min(x0 + 1, w - 1);
        double ly = sy - y0;
        double lx = sx - x0;
        return (1 - ly) * (1 - lx) * src[y0 * w + x0] + (1 - ly) * lx * src[y0 * w + x1]
                + ly * (1 - lx) * src[y1 * w + x0] + ly * lx * src[y1 * w + x1];
    }

    @Test
    void matchesDirectFormulaForManySizes() {
        int[][] sizes = {{3, 7, 3, 7}, {3, 5, 7, 11}, {4, 4, 13, 13}, {8, 8, 32, 32}, {5, 3, 5, 3}, {1, 1, 4, 5},
            {7, 3, 10, 9}, {6, 6, 4, 3}, {2, 9, 17, 2}};
        Random rnd = new Random(7);
        for (int[] s : sizes) {
            int h = s[0];
            int w = s[1];
            int outH = s[2];
            int outW = s[3];
            double[] src = new double[2 * h * w + 3];
            for (int i = 0; i < src.length; i++) {
                src[i] = rnd.nextGaussian();
            }
            Upsampler up = new Upsampler(h, w, outH, outW);
            double[] dst = new double[outH * outW + 5];
            up.apply(src, h * w + 3, dst, 5);
            double[] plane = java.util.Arrays.copyOfRange(src, h * w + 3, 2 * h * w + 3);
            for (int y = 0; y < outH; y++) {
                for (int x = 0; x < outW; x++) {
                    assertEquals(direct(plane, h, w, outH, outW, y, x), dst[5 + y * outW + x], 1e-12,
                            h + "x" + w + "->" + outH + "x" + outW + " at " + y + "," + x);
                }
            }
        }
    }

    @Test
    void handComputedAxes() {
        // s=2 -> S=4: x = -0.25, 0.25, 0.75, 1.25 -> clamp to 0, l=.25, .75, then edge
        Upsampler.Axis a = Upsampler.Axis.of(2, 4);
        assertArrayEquals(new int[] {0, 0, 0, 1}, a.i0());
        assertArrayEquals(new int[] {1, 1, 1, 1}, a.i1());
        assertArrayEquals(new double[] {0, 0.25, 0.75, 0.25}, a.w1());
        // 3 -> 7 (non-integer factor): x = (t + .5) * 3 / 7 - .5
        Upsampler.Axis b = Upsampler.Axis.of(3, 7);
        assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1, 2}, b.i0());
        assertArrayEquals(new int[] {1, 1, 1, 2, 2, 2, 2}, b.i1());
        assertEquals(1.5 * 3 / 7 - 0.5, b.w1()[1], 0);
        assertEquals(3.5 * 3 / 7 - 0.5 - 1, b.w1()[3], 0);
        assertEquals(5.5 * 3 / 7 - 0.5 - 1, b.w1()[5], 0);
        assertEquals(6.5 * 3 / 7 - 0.5 - 2, b.w1()[6], 0);
        Upsampler up = new Upsampler(1, 2, 1, 4);
        double[] out = new double[4];
        up.apply(new float[] {0f, 1f}, 0, out, 0);
        assertArrayEquals(new double[] {0, 0.25, 0.75, 1}, out, 0);
    }

    @Test
    void identityAndConstantPlanes() {
        double[] src = {1.5, -2, 3.25, 4, 5, 6};
        double[] dst = new double[6];
        new Upsampler(2, 3, 2, 3).apply(src, 0, dst, 0);
        assertArrayEquals(src, dst, 0);
        float[] c = new float[12];
        java.util.Arrays.fill(c, 0.375f);
        double[] big = new double[7 * 9];
        new Upsampler(3, 4, 7, 9).apply(c, 0, big, 0);
        for (double v : big) {
            assertEquals(0.375, v, 0);
        }
    }

    @Test
    void dyadicValuesUpsampleExactlyByFour() {
        // SPEC section 8: multiples of 2^-10 upsampled by 4 are exact.
        float[] src = {1f / 1024, 3f / 1024, -5f / 1024, 7f / 1024};
        double[] dst = new double[64];
        new Upsampler(2, 2, 8, 8).apply(src, 0, dst, 0);
        for (double v : dst) {
            assertEquals(0, (v * 65536) % 1, 0, "exact multiple of 2^-16: " + v);
        }
    }
}
