package org.ganscope.analysis.dissect;

import java.util.Arrays;
import java.util.function.IntToDoubleFunction;

/**
 * Hazen quantiles and quantile-mode thresholds, SPEC section 2.
 *
 * <p>For sorted {@code v[0..m-1]} and {@code p in [0,1]}: {@code x = p*m - 0.5};
 * {@code x <= 0 -> v[0]}; {@code x >= m-1 -> v[m-1]}; else {@code k = floor(x)},
 * {@code f = x - k}, result {@code v[k] + f*(v[k+1]-v[k])} ({@code v[k]} if {@code f == 0}).
 */
public final class Quantiles {
    /** gandissect's default tail fraction in classifier (quantile) mode. */
    public static final double GANDISSECT_Q = 0.005;
    /** The top 1 % (NetDissect), the CLI default. */
    public static final double DEFAULT_Q = 0.01;

    private Quantiles() {
    }

    /** Hazen quantile of an ascending-sorted array at level {@code p}. */
    public static double hazen(double[] sorted, double p) {
        return hazen(sorted, 0, sorted.length, p);
    }

    /** Hazen quantile of the ascending-sorted range {@code sorted[from .. from+m)}. */
    public static double hazen(double[] sorted, int from, int m, double p) {
        return hazen(k -> sorted[from + k], m, p);
    }

    /** Hazen quantile of an ascending sequence given by its element accessor {@code v(k)}, {@code k < m}. */
    public static double hazen(IntToDoubleFunction v, int m, double p) {
        if (m < 1) {
            throw new IllegalArgumentException("quantile of an empty set");
        }
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("quantile level must be in [0,1], got " + p);
        }
        double x = p * m - 0.5;
        if (x <= 0) {
            return v.applyAsDouble(0);
        }
        if (x >= m - 1) {
            return v.applyAsDouble(m - 1);
        }
        int k = (int) Math.floor(x);
        double f = x - k;
        double a = v.applyAsDouble(k);
        if (f == 0) {
            return a;
        }
        return a + f * (v.applyAsDouble(k + 1) - a);
    }

    /**
     * Quantile-mode thresholds: per unit, the Hazen quantile at {@code p = 1 - q} of the
     * {@code N*h*w} raw (not upsampled) activations.
     *
     * @param acts activations {@code [N][U][h][w]} in C order
     * @param q tail fraction in (0,1), e.g. 0.01 for the top 1 %
     */
    public static double[] thresholds(double[] acts, int n, int units, int planeSize, double q) {
        checkQ(q);
        double[] out = new double[units];
        double[] vals = new double[Math.multiplyExact(n, planeSize)];
        for (int u = 0; u < units; u++) {
            for (int i = 0; i < n; i++) {
                System.arraycopy(acts, (i * units + u) * planeSize, vals, i * planeSize, planeSize);
            }
            Arrays.sort(vals);
            out[u] = hazen(vals, 1 - q);
        }
        return out;
    }

    /** As {@link #thresholds(double[], int, int, int, double)} for float activations. */
    public static double[] thresholds(float[] acts, int n, int units, int planeSize, double q) {
        checkQ(q);
        double[] out = new double[units];
        double[] vals = new double[Math.multiplyExact(n, planeSize)];
        for (int u = 0; u < units; u++) {
            for (int i = 0; i < n; i++) {
                int src = (i * units + u) * planeSize;
                int dst = i * planeSize;
                for (int k = 0; k < planeSize; k++) {
                    vals[dst + k] = acts[src + k];
                }
            }
            Arrays.sort(vals);
            out[u] = hazen(vals, 1 - q);
        }
        return out;
    }

    static void checkQ(double q) {
        if (!(q > 0 && q < 1)) {
            throw new IllegalArgumentException("quantile tail fraction must be in (0,1), got " + q);
        }
    }
}
