package org.ganscope.analysis.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The direction-blocked projections of {@link SlicedWasserstein#distance} against the
 * per-direction loop it replaced (kept here as the reference): the same bits.
 */
class SlicedWassersteinBlockTest {
    @Test
    void blockedDistanceEqualsThePerDirectionLoopBitForBit() {
        for (int n : new int[] {3, 40, 777, 5000}) {
            SplittableRandom r = new SplittableRandom(n);
            double[][] a = new double[n][147];
            double[][] b = new double[n][147];
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < 147; k++) {
                    a[i][k] = r.nextGaussian();
                    b[i][k] = r.nextGaussian() * 1.1 + 0.05;
                }
            }
            long t0 = System.nanoTime();
            double fast = SlicedWasserstein.distance(a, b, 99 + n);
            long t1 = System.nanoTime();
            double ref = perDirection(a, b, 99 + n);
            long t2 = System.nanoTime();
            System.out.printf("SWD n=%d blocked %.1f ms, per direction %.1f ms%n", n, (t1 - t0) / 1e6, (t2 - t1) / 1e6);
            assertEquals(Double.doubleToRawLongBits(ref), Double.doubleToRawLongBits(fast), "n = " + n);
        }
    }

    @Test
    void radixSortGivesTheArrayOfArraysSort() {
        SplittableRandom r = new SplittableRandom(5);
        double[] special = {0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY, 1.0, -1.0, Double.NaN};
        for (int t = 0; t < 300; t++) {
            int n = 1 + r.nextInt(3000);
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                int kind = r.nextInt(4);
                v[i] = kind == 0 ? special[r.nextInt(special.length)] : kind == 1 ? r.nextInt(5) - 2 : r.nextGaussian() * Math.pow(10, r.nextInt(-30, 30));
            }
            double[] expect = v.clone();
            Arrays.sort(expect);
            SlicedWasserstein.sort(v, new long[n], new long[n]);
            for (int i = 0; i < n; i++) {
                assertEquals(Double.doubleToLongBits(expect[i]), Double.doubleToLongBits(v[i]), "case " + t + " index " + i);
            }
        }
    }

    /** The loop of commit 79f102b. */
    static double perDirection(double[][] a, double[][] b, long seed) {
        int dim = a[0].length;
        SplittableRandom rnd = new SplittableRandom(seed);
        double[][] dirs = new double[SlicedWasserstein.REPEATS * SlicedWasserstein.DIRECTIONS][dim];
        for (double[] dir : dirs) {
            double norm = 0;
            for (int k = 0; k < dim; k++) {
                double u1 = 1.0 - rnd.nextDouble();
                double u2 = rnd.nextDouble();
                dir[k] = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
                norm += dir[k] * dir[k];
            }
            norm = Math.sqrt(norm);
            for (int k = 0; k < dim; k++) {
                dir[k] /= norm;
            }
        }
        double[] w = IntStream.range(0, dirs.length).parallel().mapToDouble(d -> {
            double[] pa = new double[a.length];
            double[] pb = new double[b.length];
            for (int i = 0; i < a.length; i++) {
                pa[i] = dot(a[i], dirs[d]);
                pb[i] = dot(b[i], dirs[d]);
            }
            Arrays.sort(pa);
            Arrays.sort(pb);
            double sum = 0;
            for (int i = 0; i < pa.length; i++) {
                sum += Math.abs(pa[i] - pb[i]);
            }
            return sum / pa.length;
        }).toArray();
        double total = 0;
        for (double v : w) {
            total += v;
        }
        return total / w.length;
    }

    private static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }
}
