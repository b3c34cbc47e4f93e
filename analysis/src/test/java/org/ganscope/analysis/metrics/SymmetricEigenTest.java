package org.ganscope.analysis.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SymmetricEigenTest {

    @Test
    void twoByTwo() {
        SymmetricEigen e = SymmetricEigen.of(new double[][] {{2, 1}, {1, 2}});
        assertArrayEquals(new double[] {1, 3}, e.values(), 1e-14);
        double[][] v = e.vectors();
        assertEquals(1 / Math.sqrt(2), Math.abs(v[0][1]), 1e-14);
        assertEquals(v[0][1], v[1][1], 1e-14);                        // (1,1)/sqrt2 for eigenvalue 3
    }

    @Test
    void diagonalRepeatedAndTrivialMatrices() {
        assertArrayEquals(new double[] {-2, 0, 5}, SymmetricEigen.of(new double[][] {{5, 0, 0}, {0, -2, 0}, {0, 0, 0}})
                .values(), 0);
        assertArrayEquals(new double[] {1, 1, 1, 1}, SymmetricEigen.of(identity(4)).values(), 1e-15);
        assertArrayEquals(new double[] {0, 0, 0}, SymmetricEigen.of(new double[3][3]).values(), 0);
        assertArrayEquals(new double[] {7}, SymmetricEigen.of(new double[][] {{7}}).values(), 0);
        assertEquals(0, SymmetricEigen.of(new double[0][0]).values().length);
        // tridiagonal with known spectrum: 2 - 2cos(k pi / (n+1))
        int n = 6;
        double[][] t = new double[n][n];
        for (int i = 0; i < n; i++) {
            t[i][i] = 2;
            if (i > 0) {
                t[i][i - 1] = -1;
                t[i - 1][i] = -1;
            }
        }
        double[] ev = SymmetricEigen.of(t).values();
        for (int k = 1; k <= n; k++) {
            assertEquals(2 - 2 * Math.cos(k * Math.PI / (n + 1)), ev[k - 1], 1e-13);
        }
    }

    @Test
    void randomMatricesAreReconstructed() {
        Random rnd = new Random(1);
        for (int n : new int[] {2, 3, 5, 17, 40}) {
            double[][] a = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {
                    a[i][j] = rnd.nextGaussian();
                    a[j][i] = a[i][j];
                }
            }
            SymmetricEigen e = SymmetricEigen.of(a);
            double[] d = e.values();
            double[][] v = e.vectors();
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double r = 0;
                    double o = 0;
                    for (int k = 0; k < n; k++) {
                        r += v[i][k] * d[k] * v[j][k];
                        o += v[k][i] * v[k][j];
                    }
                    assertEquals(a[i][j], r, 1e-12, "A = V D V^T");
                    assertEquals(i == j ? 1 : 0, o, 1e-12, "V^T V = I");
                }
            }
            for (int k = 1; k < n; k++) {
                assertEquals(true, d[k - 1] <= d[k], "ascending");
            }
        }
    }

    @Test
    void squareRootOfPsdMatrix() {
        double[][] b = {{1, 2, 0}, {0, 1, 3}, {2, 0, 1}};
        double[][] a = new double[3][3];                               // B^T B, PSD
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 3; k++) {
                    a[i][j] += b[k][i] * b[k][j];
                }
            }
        }
        double[][] r = SymmetricEigen.of(a).sqrtMatrix();
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double s = 0;
                for (int k = 0; k < 3; k++) {
                    s += r[i][k] * r[k][j];
                }
                assertEquals(a[i][j], s, 1e-12);
                assertEquals(r[i][j], r[j][i], 0);
            }
        }
        // negative eigenvalues are clipped: sqrt of diag(4, -1) is diag(2, 0)
        double[][] c = SymmetricEigen.of(new double[][] {{4, 0}, {0, -1}}).sqrtMatrix();
        assertArrayEquals(new double[] {2, 0}, c[0], 1e-15);
        assertArrayEquals(new double[] {0, 0}, c[1], 1e-15);
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.of(new double[][] {{1, 2}}));
        assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.of(new double[][] {{Double.NaN}}));
    }

    private static double[][] identity(int n) {
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            a[i][i] = 1;
        }
        return a;
    }
}
