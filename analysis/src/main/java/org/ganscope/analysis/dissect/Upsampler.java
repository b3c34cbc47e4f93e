package org.ganscope.analysis.dissect;

/**
 * Bilinear upsampling of one {@code h x w} feature plane to the {@code H x W}
 * segmentation size, SPEC section 1: half-pixel centres, edge clamp (PyTorch
 * {@code interpolate(mode='bilinear', align_corners=False)}), applied along y, then x.
 * Per axis (input size {@code s}, output size {@code S}), output index {@code t}:
 * {@code x = max(0, (t + 0.5) * s / S - 0.5)}, {@code i0 = min(floor(x), s-1)},
 * {@code i1 = min(i0+1, s-1)}, {@code l = x - i0}; weights {@code (1-l)} on {@code i0},
 * {@code l} on {@code i1}. Any sizes work (also down-sampling and non-integer factors).
 *
 * <p>Holds a scratch row buffer: one instance per thread.
 */
public final class Upsampler {
    private final int h;
    private final int w;
    private final int outH;
    private final int outW;
    private final Axis ys;
    private final Axis xs;
    private final double[] tmp;

    /** Interpolation indices and weights along one axis. */
    public record Axis(int[] i0, int[] i1, double[] w0, double[] w1) {
        /** Builds the axis for input size {@code s} and output size {@code outSize}. */
        public static Axis of(int s, int outSize) {
            if (s < 1 || outSize < 1) {
                throw new IllegalArgumentException("sizes must be positive: " + s + " -> " + outSize);
            }
            int[] i0 = new int[outSize];
            int[] i1 = new int[outSize];
            double[] w0 = new double[outSize];
            double[] w1 = new double[outSize];
            for (int t = 0; t < outSize; t++) {
                double x = Math.max(0.0, (t + 0.5) * s / outSize - 0.5);
                int a = (int) Math.min(Math.floor(x), s - 1);
                double l = x - a;
                i0[t] = a;
                i1[t] = Math.min(a + 1, s - 1);
                w0[t] = 1 - l;
                w1[t] = l;
            }
            return new Axis(i0, i1, w0, w1);
        }
    }

    public Upsampler(int h, int w, int outH, int outW) {
        this.h = h;
        this.w = w;
        this.outH = outH;
        this.outW = outW;
        this.ys = Axis.of(h, outH);
        this.xs = Axis.of(w, outW);
        this.tmp = new double[outH * w];
    }

    public int inputSize() {
        return h * w;
    }

    public int outputSize() {
        return outH * outW;
    }

    /** Upsamples the plane at {@code src[srcOff .. srcOff+h*w)} into {@code dst[dstOff .. dstOff+H*W)}. */
    public void apply(float[] src, int srcOff, double[] dst, int dstOff) {
        for (int y = 0; y < outH; y++) {
            int r0 = srcOff + ys.i0[y] * w;
            int r1 = srcOff + ys.i1[y] * w;
            double a = ys.w0[y];
            double b = ys.w1[y];
            int t = y * w;
            for (int x = 0; x < w; x++) {
                tmp[t + x] = a * src[r0 + x] + b * src[r1 + x];
            }
        }
        rows(dst, dstOff);
    }

    /** As {@link #apply(float[], int, double[], int)} for double input. */
    public void apply(double[] src, int srcOff, double[] dst, int dstOff) {
        for (int y = 0; y < outH; y++) {
            int r0 = srcOff + ys.i0[y] * w;
            int r1 = srcOff + ys.i1[y] * w;
            double a = ys.w0[y];
            double b = ys.w1[y];
            int t = y * w;
            for (int x = 0; x < w; x++) {
                tmp[t + x] = a * src[r0 + x] + b * src[r1 + x];
            }
        }
        rows(dst, dstOff);
    }

    private void rows(double[] dst, int dstOff) {
        int[] i0 = xs.i0;
        int[] i1 = xs.i1;
        double[] w0 = xs.w0;
        double[] w1 = xs.w1;
        for (int y = 0; y < outH; y++) {
            int t = y * w;
            int o = dstOff + y * outW;
            for (int x = 0; x < outW; x++) {
                dst[o + x] = w0[x] * tmp[t + i0[x]] + w1[x] * tmp[t + i1[x]];
            }
        }
    }
}
