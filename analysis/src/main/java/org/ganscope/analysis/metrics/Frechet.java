package org.ganscope.analysis.metrics;

import java.util.Arrays;
import org.ganscope.analysis.AnalysisException;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Frechet distance between two Gaussians fitted to feature sets, SPEC section 6
 * (pytorch-fid {@code calculate_frechet_distance}):
 * {@code |mu1-mu2|^2 + tr(S1) + tr(S2) - 2 tr(sqrt(S1 S2))}, with
 * {@code tr sqrt(S1 S2) = sum_i sqrt(max(e_i, 0))} over the eigenvalues of the symmetric
 * PSD matrix {@code R S2 R}, {@code R = S1^(1/2)}. The symmetric eigendecompositions and
 * matrix products are EJML's. All arithmetic in double.
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

    /**
     * Refuses a Frechet distance on too few samples: with {@code samples <= dim} the covariance
     * of {@code dim}-dimensional features is rank-deficient and the distance is dominated by
     * that, not by the distributions. {@code field} names where the count came from (an option
     * such as {@code --samples}, or a manifest field), so the error says what to change.
     */
    public static void requireFullRank(String field, long samples, int dim) {
        if (samples <= dim) {
            throw new AnalysisException(field + " is " + samples + ", but FD on " + dim + "-dimensional features needs more than " + dim
                    + " samples for a full-rank covariance");
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

    /**
     * One side's Gaussian with its covariance's square root computed once, for several
     * distances against it (e.g. generated samples and the real floor against the same real
     * statistics): {@link #distance} equals {@link Frechet#distance(double[], double[][], double[], double[][])}
     * bit for bit, without repeating the eigendecomposition with vectors.
     */
    public static final class Prepared {
        private final double[] mu;
        private final double tr;
        private final DMatrixRMaj root;

        public Prepared(double[] mu, double[][] cov) {
            if (cov.length != mu.length) {
                throw new IllegalArgumentException("mean and covariance dimensions differ");
            }
            this.mu = mu.clone();
            double t = 0;
            for (int k = 0; k < mu.length; k++) {
                t += cov[k][k];
            }
            this.tr = t;
            this.root = mu.length == 0 ? null : sqrtMatrix(symmetric(cov));
        }

        public double distance(double[] mu2, double[][] s2) {
            int dim = mu.length;
            if (mu2.length != dim || s2.length != dim) {
                throw new IllegalArgumentException("mean and covariance dimensions differ");
            }
            double diff = 0;
            double tr2 = 0;
            for (int k = 0; k < dim; k++) {
                double t = mu[k] - mu2[k];
                diff += t * t;
                tr2 += s2[k][k];
            }
            return diff + tr + tr2 - 2 * (dim == 0 ? 0 : traceSqrtProduct(root, s2));
        }
    }

    /** {@code tr sqrt(S1 S2)} via the eigenvalues of {@code R S2 R}, {@code R = S1^(1/2)}. */
    public static double traceSqrtProduct(double[][] s1, double[][] s2) {
        int dim = s1.length;
        if (dim == 0) {
            return 0;
        }
        return traceSqrtProduct(sqrtMatrix(symmetric(s1)), s2);
    }

    private static double traceSqrtProduct(DMatrixRMaj r, double[][] s2) {
        int dim = r.numRows;
        DMatrixRMaj b = symmetric(s2);
        if (b.numRows != dim) {
            throw new IllegalArgumentException("mean and covariance dimensions differ");
        }
        DMatrixRMaj rs = new DMatrixRMaj(dim, dim);
        CommonOps_DDRM.mult(r, b, rs);
        DMatrixRMaj m = new DMatrixRMaj(dim, dim);
        CommonOps_DDRM.mult(rs, r, m);
        for (int i = 0; i < dim; i++) {
            for (int j = 0; j < i; j++) {
                double avg = 0.5 * (m.unsafe_get(i, j) + m.unsafe_get(j, i));
                m.unsafe_set(i, j, avg);
                m.unsafe_set(j, i, avg);
            }
        }
        double tr = 0;
        for (double e : eigenvalues(m)) {
            tr += Math.sqrt(Math.max(e, 0.0));
        }
        return tr;
    }

    /**
     * The PSD square root {@code V diag(sqrt(max(d, 0))) V^T} of the symmetric matrix
     * {@code a} (consumed), negative eigenvalues (round-off) clipped to 0.
     */
    private static DMatrixRMaj sqrtMatrix(DMatrixRMaj a) {
        int n = a.numRows;
        EigenDecomposition_F64<DMatrixRMaj> eig = decompose(a, true);
        DMatrixRMaj v = new DMatrixRMaj(n, n);
        DMatrixRMaj vs = new DMatrixRMaj(n, n);
        for (int k = 0; k < n; k++) {
            DMatrixRMaj col = eig.getEigenVector(k);
            double s = Math.sqrt(Math.max(eig.getEigenvalue(k).real, 0.0));
            for (int i = 0; i < n; i++) {
                v.unsafe_set(i, k, col.unsafe_get(i, 0));
                vs.unsafe_set(i, k, col.unsafe_get(i, 0) * s);
            }
        }
        DMatrixRMaj out = new DMatrixRMaj(n, n);
        CommonOps_DDRM.multTransB(vs, v, out);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                out.unsafe_set(j, i, out.unsafe_get(i, j));
            }
        }
        return out;
    }

    /** Eigenvalues of the symmetric matrix {@code a} (consumed), ascending. */
    private static double[] eigenvalues(DMatrixRMaj a) {
        EigenDecomposition_F64<DMatrixRMaj> eig = decompose(a, false);
        double[] d = new double[a.numRows];
        for (int k = 0; k < d.length; k++) {
            d[k] = eig.getEigenvalue(k).real;
        }
        Arrays.sort(d);
        return d;
    }

    private static EigenDecomposition_F64<DMatrixRMaj> decompose(DMatrixRMaj a, boolean vectors) {
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(a.numRows, vectors, true);
        if (!eig.decompose(a)) {
            throw new ArithmeticException("symmetric eigendecomposition did not converge");
        }
        return eig;
    }

    /** The symmetric matrix whose lower triangle is that of {@code a}; square and finite, or an exception. */
    private static DMatrixRMaj symmetric(double[][] a) {
        int n = a.length;
        DMatrixRMaj m = new DMatrixRMaj(n, n);
        for (int i = 0; i < n; i++) {
            if (a[i].length != n) {
                throw new IllegalArgumentException("matrix is not square");
            }
            for (int j = 0; j <= i; j++) {
                double x = a[i][j];
                if (!Double.isFinite(x)) {
                    throw new IllegalArgumentException("matrix has a non-finite entry at [" + i + "][" + j + "]");
                }
                m.unsafe_set(i, j, x);
                m.unsafe_set(j, i, x);
            }
        }
        return m;
    }
}
