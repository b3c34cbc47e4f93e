package org.ganscope.analysis.metrics;

import org.ganscope.analysis.AnalysisException;

/**
 * Streaming, mergeable mean and covariance of feature vectors in double precision
 * (Welford's update, Chan et al.'s pairwise merge): shards of generated samples can be
 * accumulated on different workers and merged; memory is O(D^2), independent of N.
 */
public final class MomentAccumulator {
    private final int dim;
    private long n;
    private final double[] mean;
    private final double[] m2; // [D][D] sum of outer products of deviations

    public MomentAccumulator(int dim) {
        this.dim = dim;
        this.mean = new double[dim];
        this.m2 = new double[dim * dim];
    }

    public void add(float[] x, int offset) {
        n++;
        double[] delta = new double[dim];
        for (int i = 0; i < dim; i++) {
            delta[i] = x[offset + i] - mean[i];
            mean[i] += delta[i] / n;
        }
        for (int i = 0; i < dim; i++) {
            double di = x[offset + i] - mean[i]; // deviation from the updated mean
            for (int j = 0; j < dim; j++) {
                m2[i * dim + j] += delta[j] * di;
            }
        }
    }

    /** Adds {@code count} rows of {@code x[count][D]}. */
    public void addAll(float[] x, int count) {
        for (int r = 0; r < count; r++) {
            add(x, r * dim);
        }
    }

    public void merge(MomentAccumulator o) {
        if (o.dim != dim) {
            throw new IllegalArgumentException("dimensions differ");
        }
        if (o.n == 0) {
            return;
        }
        long total = n + o.n;
        double[] delta = new double[dim];
        for (int i = 0; i < dim; i++) {
            delta[i] = o.mean[i] - mean[i];
        }
        double f = (double) n * o.n / total;
        for (int i = 0; i < dim; i++) {
            for (int j = 0; j < dim; j++) {
                m2[i * dim + j] += o.m2[i * dim + j] + delta[i] * delta[j] * f;
            }
        }
        for (int i = 0; i < dim; i++) {
            mean[i] += delta[i] * o.n / total;
        }
        n = total;
    }

    public long count() {
        return n;
    }

    public double[] mean() {
        return mean.clone();
    }

    /** Covariance with divisor N - 1 (SPEC section 6). */
    public double[][] cov() {
        if (n < 2) {
            throw new AnalysisException("covariance needs at least 2 samples, have " + n);
        }
        double[][] c = new double[dim][dim];
        for (int i = 0; i < dim; i++) {
            for (int j = 0; j < dim; j++) {
                c[i][j] = m2[i * dim + j] / (n - 1);
            }
        }
        return c;
    }
}
