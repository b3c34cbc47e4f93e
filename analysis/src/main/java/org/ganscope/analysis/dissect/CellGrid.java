package org.ganscope.analysis.dissect;

/**
 * {@link Upsampler}'s bilinear upsampling of one {@code h x w} plane seen as cells: the
 * output pixels that interpolate between the same four source pixels (per axis, a run of
 * output indices with the same {@code i0, i1}). Every value of a cell is a convex
 * combination of its four corners, so {@link #ranges} bounds a whole cell by four
 * comparisons, and the kernels that need only "which bucket / above the threshold or not"
 * decide most cells without computing their pixels. {@link #values} computes a cell's
 * pixels with exactly Upsampler's arithmetic (same operands, same order), so a kernel that
 * mixes both gets the reference's values bit for bit.
 *
 * <p>Demo bundles, 16 x 16 to 64 x 64: 17 x 17 cells of up to 6 x 6 pixels. Immutable;
 * share one per layer geometry.
 */
final class CellGrid {
    /** Relative margin of {@link #ranges}: far above the rounding of two interpolation stages (a few 1e-16). */
    static final double MARGIN = 1e-9;

    private final int w;
    private final int outW;
    private final int cells;
    private final int[] srcY0;
    private final int[] srcY1;
    private final int[] srcX0;
    private final int[] srcX1;
    private final int[] rowFrom;
    private final int[] rowTo;
    private final int[] colFrom;
    private final int[] colTo;
    private final int[] start;  // cell c's pixels are pixels[start[c] .. start[c+1])
    private final int[] pixels; // output pixel indices (y * outW + x), cell by cell, row-major inside a cell
    private final int maxCell;
    private final double[] yw0;
    private final double[] yw1;
    private final double[] xw0;
    private final double[] xw1;

    CellGrid(int h, int w, int outH, int outW) {
        this.w = w;
        this.outW = outW;
        Upsampler.Axis ys = Upsampler.Axis.of(h, outH);
        Upsampler.Axis xs = Upsampler.Axis.of(w, outW);
        int[][] yr = runs(ys);
        int[][] xr = runs(xs);
        cells = yr[0].length * xr[0].length;
        srcY0 = new int[cells];
        srcY1 = new int[cells];
        srcX0 = new int[cells];
        srcX1 = new int[cells];
        rowFrom = new int[cells];
        rowTo = new int[cells];
        colFrom = new int[cells];
        colTo = new int[cells];
        start = new int[cells + 1];
        pixels = new int[outH * outW];
        int c = 0;
        int k = 0;
        int max = 0;
        for (int a = 0; a < yr[0].length; a++) {
            for (int b = 0; b < xr[0].length; b++) {
                rowFrom[c] = yr[0][a];
                rowTo[c] = yr[1][a];
                colFrom[c] = xr[0][b];
                colTo[c] = xr[1][b];
                srcY0[c] = ys.i0()[rowFrom[c]];
                srcY1[c] = ys.i1()[rowFrom[c]];
                srcX0[c] = xs.i0()[colFrom[c]];
                srcX1[c] = xs.i1()[colFrom[c]];
                start[c] = k;
                for (int y = rowFrom[c]; y < rowTo[c]; y++) {
                    for (int x = colFrom[c]; x < colTo[c]; x++) {
                        pixels[k++] = y * outW + x;
                    }
                }
                max = Math.max(max, k - start[c]);
                c++;
            }
        }
        start[cells] = k;
        maxCell = max;
        yw0 = ys.w0();
        yw1 = ys.w1();
        xw0 = xs.w0();
        xw1 = xs.w1();
    }

    /** Runs of equal {@code (i0, i1)} along an axis: {@code [0]} first output index, {@code [1]} one past the last. */
    private static int[][] runs(Upsampler.Axis a) {
        int n = a.i0().length;
        int[] from = new int[n];
        int[] to = new int[n];
        int r = 0;
        for (int t = 0; t < n; t++) {
            if (t == 0 || a.i0()[t] != a.i0()[t - 1] || a.i1()[t] != a.i1()[t - 1]) {
                from[r] = t;
                r++;
            }
            to[r - 1] = t + 1;
        }
        return new int[][] {java.util.Arrays.copyOf(from, r), java.util.Arrays.copyOf(to, r)};
    }

    int cells() {
        return cells;
    }

    /** Pixels of cell {@code c}. */
    int size(int c) {
        return start[c + 1] - start[c];
    }

    /** The largest cell's pixel count (scratch size for {@link #values}). */
    int maxCell() {
        return maxCell;
    }

    /** Output pixel index ({@code y * W + x}) of the {@code k}-th value {@link #values} writes for cell {@code c}. */
    int pixel(int c, int k) {
        return pixels[start[c] + k];
    }

    /** Index into {@link #pixelOrder()} of cell {@code c}'s first pixel. */
    int first(int c) {
        return start[c];
    }

    /** All output pixel indices in cell order; do not modify. */
    int[] pixelOrder() {
        return pixels;
    }

    /**
     * For the plane at {@code src[off ..]}: per cell, bounds {@code lo[c] <= v <= hi[c]} of every
     * upsampled value {@code v} in it (the corners' range widened by {@link #MARGIN}), and
     * {@code zero[c]} when all four corners are zero (+0.0 or -0.0): then every value is.
     */
    void ranges(float[] src, int off, double[] lo, double[] hi, boolean[] zero) {
        for (int c = 0; c < cells; c++) {
            int r0 = off + srcY0[c] * w;
            int r1 = off + srcY1[c] * w;
            float a = src[r0 + srcX0[c]];
            float b = src[r0 + srcX1[c]];
            float d = src[r1 + srcX0[c]];
            float e = src[r1 + srcX1[c]];
            float mn = Math.min(Math.min(a, b), Math.min(d, e));
            float mx = Math.max(Math.max(a, b), Math.max(d, e));
            zero[c] = mn == 0f && mx == 0f;
            double m = Math.max(Math.abs((double) mn), Math.abs((double) mx)) * MARGIN;
            lo[c] = mn - m;
            hi[c] = mx + m;
        }
    }

    /**
     * Cell {@code c}'s upsampled values into {@code out[0 ..]}, in the order of {@link #pixel};
     * returns their count. Bit-identical to {@link Upsampler#apply(float[], int, double[], int)}.
     */
    int values(float[] src, int off, int c, double[] out) {
        int r0 = off + srcY0[c] * w;
        int r1 = off + srcY1[c] * w;
        int x0 = srcX0[c];
        int x1 = srcX1[c];
        float s00 = src[r0 + x0];
        float s01 = src[r0 + x1];
        float s10 = src[r1 + x0];
        float s11 = src[r1 + x1];
        int k = 0;
        int cf = colFrom[c];
        int ct = colTo[c];
        for (int y = rowFrom[c]; y < rowTo[c]; y++) {
            double a = yw0[y];
            double b = yw1[y];
            double t0 = a * s00 + b * s10; // Upsampler's tmp at source column x0
            double t1 = a * s01 + b * s11; // and at x1
            for (int x = cf; x < ct; x++) {
                out[k++] = xw0[x] * t0 + xw1[x] * t1;
            }
        }
        return k;
    }

    /** Output width (for callers that map pixels to rows). */
    int outputWidth() {
        return outW;
    }
}
