package org.ganscope.analysis.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FrechetTest {

    @Test
    void meanAndUnbiasedCovariance() {
        Frechet.Stats s = Frechet.Stats.of(new double[] {1, 2, 3, 6, 5, 10}, 3, 2);
        assertArrayEquals(new double[] {3, 6}, s.mean(), 0);
        assertArrayEquals(new double[] {4, 8}, s.cov()[0], 1e-15);    // divisor N-1 = 2
        assertArrayEquals(new double[] {8, 16}, s.cov()[1], 1e-15);
        assertThrows(IllegalArgumentException.class, () -> Frechet.Stats.of(new double[] {1, 2}, 1, 2));
    }

    @Test
    void identicalSetsAreAtDistanceZero() {
        Random rnd = new Random(2);
        double[] x = new double[50 * 4];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextGaussian();
        }
        Frechet.Stats s = Frechet.Stats.of(x, 50, 4);
        assertEquals(0, Frechet.distance(s, s), 1e-12);
    }

    @Test
    void diagonalCovariancesHaveClosedForm() {
        // FID = |dmu|^2 + sum (sigma1_i - sigma2_i)^2 for diagonal covariances
        double[] mu1 = {0, 1, 2};
        double[] mu2 = {1, 1, 0};
        double[][] s1 = {{4, 0, 0}, {0, 1, 0}, {0, 0, 9}};
        double[][] s2 = {{1, 0, 0}, {0, 1, 0}, {0, 0, 0.25}};
        double expected = 1 + 0 + 4 + (2 - 1) * (2 - 1) + 0 + (3 - 0.5) * (3 - 0.5);
        assertEquals(expected, Frechet.distance(mu1, s1, mu2, s2), 1e-12);
    }

    @Test
    void rotationInvariantAndMatchesCommutingCase() {
        // S1 = Q diag(a) Q^T, S2 = Q diag(b) Q^T commute: tr sqrt(S1 S2) = sum sqrt(a b)
        double c = Math.cos(0.7);
        double s = Math.sin(0.7);
        double[][] q = {{c, -s}, {s, c}};
        double[][] s1 = conj(q, new double[] {3, 0.5});
        double[][] s2 = conj(q, new double[] {2, 8});
        assertEquals(Math.sqrt(6) + Math.sqrt(4), Frechet.traceSqrtProduct(s1, s2), 1e-12);
        // singular S1 (rank 1) still works: eigenvalues of R S2 R clipped at 0
        double[][] r1 = conj(q, new double[] {3, 0});
        assertEquals(Math.sqrt(6), Frechet.traceSqrtProduct(r1, s2), 1e-7);
    }

    private static double[][] conj(double[][] q, double[] d) {
        double[][] out = new double[2][2];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                for (int k = 0; k < 2; k++) {
                    out[i][j] += q[i][k] * d[k] * q[j][k];
                }
            }
        }
        return out;
    }

    @Test
    void refusesFewerSamplesThanDimensionsNamingTheField() {
        var e = assertThrows(org.ganscope.analysis.AnalysisException.class, () -> Frechet.requireFullRank("--samples", 1280, 1280));
        assertEquals("--samples is 1280, but FD on 1280-dimensional features needs more than 1280 samples for a full-rank covariance",
                e.getMessage());
        assertThrows(org.ganscope.analysis.AnalysisException.class, () -> Frechet.requireFullRank("reference_features.real_count", 5, 1280));
        Frechet.requireFullRank("--samples", 1281, 1280); // enough
    }

    @Test
    void preparedSideGivesTheSameDistancesBitForBit() {
        java.util.Random r = new java.util.Random(3);
        double[] x = new double[40 * 6];
        double[] y = new double[30 * 6];
        double[] z = new double[50 * 6];
        for (double[] a : new double[][] {x, y, z}) {
            for (int i = 0; i < a.length; i++) {
                a[i] = r.nextGaussian() * (1 + i % 6);
            }
        }
        Frechet.Stats sx = Frechet.Stats.of(x, 40, 6);
        Frechet.Stats sy = Frechet.Stats.of(y, 30, 6);
        Frechet.Stats sz = Frechet.Stats.of(z, 50, 6);
        Frechet.Prepared p = new Frechet.Prepared(sx.mean(), sx.cov());
        assertEquals(Frechet.distance(sx, sy), p.distance(sy.mean(), sy.cov()), 0.0);
        assertEquals(Frechet.distance(sx, sz), p.distance(sz.mean(), sz.cov()), 0.0);
        assertTrue(p.distance(sy.mean(), sy.cov()) > 0);
    }
}
