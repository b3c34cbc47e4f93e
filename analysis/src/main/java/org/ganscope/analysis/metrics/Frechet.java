package org.ganscope.analysis.metrics;

/**
 * Frechet distance between two Gaussians fitted to feature sets, SPEC section 6
 * (pytorch-fid {@code calculate_frechet_distance}):
 * {@code |mu1-mu2|^2 + tr(S1) + tr(S2) - 2 tr(sqrt(S1 S2))}, with
 * {@code tr sqrt(S1 S2) = sum_i sqrt(max(e_i, 0))} over the eigenvalues of the symmetric
 * PSD matrix {@code R S2 R}, {@code R = S1^(1/2)} ({@link SymmetricEigen}).
 * All arithmetic in double.
 */
public final class Frechet {
    private Frechet() {
    }

    /** Mean and covariance (divisor {@code N-1}) of a feature set. */
    public record Stats(double[] mean, double[][] cov, int count) {

        /** Statistics of {@code x[N][D]} (C order), {@code N >= 2}. */
        public static Stats of(float[] x, int count, int dim) {
            double[] d = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                d[i] = x[i];
            }
            return of(d, count, dim);
        }

        /** Statistics of {@code x[N][D]} (C order), {@code N >= 2}. */
        public static Stats of(double[] x, int count, int dim) {
            if (count < 2 || dim < 1 || (long) count * dim != x.length) {
                throw new IllegalArgumentException("need x[N][D] with N >= 2 and D >= 1; got " + x.length
                        + " values for N=" + count + ", D=" + dim);
            }
            double[] mean = new double[dim];
            for (int i = 0; i < count; i++) {
                for (int k = 0; k < dim; k++) {
                    mean[k] += x[i * dim + k];
                }
            }
            for (int k = 0; k < dim; k++) {
                mean[k] /= count;
            }
            double[][] cov = new double[dim][dim];
            double[] c = new double[dim];
            for (int i = 0; i < count; i++) {
                for (int k = 0; k < dim; k++) {
                    c[k] = x[i * dim + k] - mean[k];
                }
                for (int a = 0; a < dim; a++) {
                    double ca = c[a];
                    double[] row = cov[a];
                    for (int b = 0; b <= a; b++) {
                        row[b] += ca * c[b];
                    }
                }
            }
            for (int a = 0; a < dim; a++) {
                for (int b = 0; b <= a; b++) {
                    double s = cov[a][b] / (count - 1);
                    cov[a][b] = s;
                    cov[b][a] = s;
                }
            }
            return new Stats(mean, cov, count);
        }
    }

    /** FID between two feature sets {@code x1[N1][D]}, {@code x2[N2][D]}. */
    public static double distance(float[] x1, int n1, float[] x2, int n2, int dim) {
        return distance(Stats.of(x1, n1, dim), Stats.of(x2, n2, dim));
    }

    /** FID between two fitted Gaussians. */
    public static double distance(Stats a, Stats b) {
        return distance(a.mean(), a.cov(), b.mean(), b.cov());
    }

    /** FID from means and covariances. */
    public static double distance(double[] mu1, double[][] s1, double[] mu2, double[][] s2) {
        int dim = mu1.length;
        if (mu2.length != dim || s1.length != dim || s2.length != dim) {
            throw new IllegalArgumentException("mean and covariance dimensions differ");
        }
        double diff = 0;
        for (int k = 0; k < dim; k++) {
            double t = mu1[k] - mu2[k];
            diff += t * t;
        }
        double tr1 = 0;
        double tr2 = 0;
        for (int k = 0; k < dim; k++) {
            tr1 += s1[k][k];
            tr2 += s2[k][k];
        }
        return diff + tr1 + tr2 - 2 * traceSqrtProduct(s1, s2);
    }

    /** {@code tr sqrt(S1 S2)} via the eigenvalues of {@code R S2 R}, {@code R = S1^(1/2)}. */
    public static double traceSqrtProduct(double[][] s1, double[][] s2) {
        int dim = s1.length;
        double[][] r = SymmetricEigen.of(s1).sqrtMatrix();
        double[][] rs = multiply(r, s2);
        double[][] m = multiply(rs, r);
        for (int i = 0; i < dim; i++) {
            for (int j = 0; j < i; j++) {
                double avg = 0.5 * (m[i][j] + m[j][i]);
                m[i][j] = avg;
                m[j][i] = avg;
            }
        }
        double tr = 0;
        for (double e : SymmetricEigen.of(m).values()) {
            tr += Math.sqrt(Math.max(e, 0.0));
        }
        return tr;
    }

    private static double[][] multiply(double[][] a, double[][] b) {
        int n = a.length;
        int m = b[0].length;
        int inner = b.length;
        double[][] out = new double[n][m];
        for (int i = 0; i < n; i++) {
            double[] row = out[i];
            for (int k = 0; k < inner; k++) {
                double x = a[i][k];
                if (x == 0) {
                    continue;
                }
                double[] bk = b[k];
                for (int j = 0; j < m; j++) {
                    row[j] += x * bk[j];
                }
            }
        }
        return out;
    }
}
