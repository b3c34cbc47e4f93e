package org.ganscope.analysis.metrics;

/**
 * Precision, recall, density and coverage, SPEC section 7 (clovaai {@code compute_prdc}).
 * {@code r_real[i]} is the distance from real {@code i} to its k-th nearest other real
 * (the (k+1)-th smallest entry of its row, self distance 0 included; duplicates count);
 * {@code r_fake[j]} likewise among fakes. With {@code d[i][j] = |real_i - fake_j|}:
 * precision = fraction of fakes within some {@code r_real[i]}; recall = fraction of reals
 * within some {@code r_fake[j]}; density = {@code (1/k)} mean over fakes of the number of
 * reals whose ball holds it; coverage = fraction of reals whose ball holds some fake. All
 * inequalities strict.
 *
 * <p>Distances in double, compared squared (equivalent for exact distances; the original
 * uses float32 distances from sklearn). Memory O(N + M); time O(N M D + N^2 D + M^2 D).
 *
 * @param precision fraction of fakes
 * @param recall fraction of reals
 * @param density may exceed 1
 * @param coverage fraction of reals
 */
public record Prdc(double precision, double recall, double density, double coverage) {
    /** clovaai's {@code nearest_k}. */
    public static final int DEFAULT_K = 5;

    /** PRDC of {@code real[N][D]} and {@code fake[M][D]} (C order, float). */
    public static Prdc compute(float[] real, int nReal, float[] fake, int nFake, int dim, int k) {
        return compute(toDouble(real), nReal, toDouble(fake), nFake, dim, k);
    }

    /** PRDC of {@code real[N][D]} and {@code fake[M][D]} (C order). */
    public static Prdc compute(double[] real, int nReal, double[] fake, int nFake, int dim, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        if (dim < 1 || (long) nReal * dim != real.length || (long) nFake * dim != fake.length) {
            throw new IllegalArgumentException("features must be [N][D] arrays with the same D");
        }
        if (nReal <= k || nFake <= k) {
            throw new IllegalArgumentException("PRDC with k=" + k + " needs more than k samples per set, got "
                    + nReal + " real and " + nFake + " fake");
        }
        double[] rReal = kthRadiusSquared(real, nReal, dim, k);
        double[] rFake = kthRadiusSquared(fake, nFake, dim, k);
        long[] holders = new long[nFake];
        boolean[] recalled = new boolean[nReal];
        boolean[] covered = new boolean[nReal];
        for (int i = 0; i < nReal; i++) {
            double ri = rReal[i];
            for (int j = 0; j < nFake; j++) {
                double d2 = squaredDistance(real, i, fake, j, dim);
                if (d2 < ri) {
                    holders[j]++;
                    covered[i] = true;
                }
                if (d2 < rFake[j]) {
                    recalled[i] = true;
                }
            }
        }
        long precise = 0;
        long sum = 0;
        for (long c : holders) {
            sum += c;
            if (c > 0) {
                precise++;
            }
        }
        long rec = 0;
        long cov = 0;
        for (int i = 0; i < nReal; i++) {
            rec += recalled[i] ? 1 : 0;
            cov += covered[i] ? 1 : 0;
        }
        return new Prdc((double) precise / nFake, (double) rec / nReal, (1.0 / k) * ((double) sum / nFake),
                (double) cov / nReal);
    }

    /** Squared (k+1)-th smallest distance of each row to all rows of the same set (self included). */
    static double[] kthRadiusSquared(double[] x, int n, int dim, int k) {
        double[] out = new double[n];
        double[] best = new double[k + 1];
        for (int i = 0; i < n; i++) {
            int size = 0;
            for (int j = 0; j < n; j++) {
                double d2 = j == i ? 0.0 : squaredDistance(x, i, x, j, dim);
                if (size < k + 1) {
                    int p = size++;
                    while (p > 0 && best[p - 1] > d2) {
                        best[p] = best[p - 1];
                        p--;
                    }
                    best[p] = d2;
                } else if (d2 < best[k]) {
                    int p = k;
                    while (p > 0 && best[p - 1] > d2) {
                        best[p] = best[p - 1];
                        p--;
                    }
                    best[p] = d2;
                }
            }
            out[i] = best[k];
        }
        return out;
    }

    private static double squaredDistance(double[] a, int i, double[] b, int j, int dim) {
        int oa = i * dim;
        int ob = j * dim;
        double s = 0;
        for (int k = 0; k < dim; k++) {
            double t = a[oa + k] - b[ob + k];
            s += t * t;
        }
        return s;
    }

    private static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }
}
