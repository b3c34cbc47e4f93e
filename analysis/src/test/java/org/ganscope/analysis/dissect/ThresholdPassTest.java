package org.ganscope.analysis.dissect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ThresholdPassTest {
    @Test
    void zeroCompressedLevelsEqualFullSortLevels() {
        Random rnd = new Random(3);
        for (int trial = 0; trial < 20; trial++) {
            int m = 1 + rnd.nextInt(5000);
            double[] v = new double[m];
            double zeroFraction = rnd.nextDouble();
            for (int i = 0; i < m; i++) {
                double r = rnd.nextDouble();
                v[i] = r < zeroFraction ? 0.0 : (trial % 3 == 0 ? rnd.nextGaussian() : Math.abs(rnd.nextGaussian()));
                if (trial % 5 == 0) {
                    v[i] = Math.round(v[i] * 4) / 4.0; // many ties
                }
            }
            double[] sorted = v.clone();
            Arrays.sort(sorted);
            assertArrayEquals(IqrLevels.levels(sorted), ThresholdPass.levels(v, m, new ExactSelect()), "trial " + trial);
        }
    }

    @Test
    void fastCounterBucketsEqualLevelTallyBuckets() {
        Random rnd = new Random(5);
        int m = 20000;
        double[] v = new double[m];
        int[] labels = new int[m];
        for (int i = 0; i < m; i++) {
            double r = rnd.nextDouble();
            v[i] = r < 0.4 ? 0.0 : r < 0.45 ? -0.0 : Math.round(rnd.nextGaussian() * 64) / 64.0;
            labels[i] = rnd.nextInt(4);
        }
        double[] sorted = v.clone();
        Arrays.sort(sorted);
        double[] levels = IqrLevels.levels(sorted);
        LevelTally ref = new LevelTally(new double[][] {levels}, 4);
        ref.addPlane(0, v, 0, labels, 0, m);
        LevelTally fast = new LevelTally(new double[][] {levels}, 4);
        FastLevelCounter c = new FastLevelCounter();
        c.levels(fast.ascendingLevels(0));
        long[] hist = new long[4 * (IqrLevels.COUNT + 1)];
        c.count(v, 0, labels, 0, m, hist);
        fast.addHistogram(0, hist);
        for (int l = 0; l < 4; l++) {
            assertArrayEquals(ref.intersections(0)[l], fast.intersections(0)[l]);
        }
        assertArrayEquals(ref.labelCounts(0), fast.labelCounts(0));
    }

    @Test
    void exactSelectMatchesSortingOnLargeCrowdedData() {
        // activation-like data: most values in a few top-bits bins, so the second-level histogram runs; also heavy ties
        Random rnd = new Random(9);
        for (int trial = 0; trial < 4; trial++) {
            int n = 400_000 + rnd.nextInt(300_000);
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                double g = rnd.nextGaussian();
                v[i] = switch (trial) {
                    case 0 -> Math.max(0, g) + 1.0;
                    case 1 -> 1.0 + rnd.nextInt(3000) * 1e-7;
                    case 2 -> g * 1e-3;
                    default -> i % 7 == 0 ? -0.0 : Math.abs(g);
                };
            }
            double[] sorted = v.clone();
            Arrays.sort(sorted);
            int[] ranks = java.util.stream.IntStream.concat(rnd.ints(200, 0, n), java.util.stream.IntStream.of(0, n - 1, n / 2))
                    .sorted().distinct().toArray();
            double[] got = new ExactSelect().select(v, n, ranks);
            for (int i = 0; i < ranks.length; i++) {
                org.junit.jupiter.api.Assertions.assertEquals(sorted[ranks[i]], got[i], "trial " + trial + " rank " + ranks[i]);
            }
        }
    }

    @Test
    void exactSelectMatchesSortingIncludingTies() {
        Random rnd = new Random(8);
        for (int trial = 0; trial < 30; trial++) {
            int n = 1 + rnd.nextInt(30000);
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = trial % 2 == 0 ? rnd.nextGaussian() * Math.pow(10, rnd.nextInt(6) - 3) : rnd.nextInt(5) - 2.5;
            }
            double[] sorted = v.clone();
            Arrays.sort(sorted);
            int[] ranks = rnd.ints(50, 0, n).sorted().distinct().toArray();
            double[] got = new ExactSelect().select(v, n, ranks);
            for (int i = 0; i < ranks.length; i++) {
                org.junit.jupiter.api.Assertions.assertEquals(sorted[ranks[i]], got[i], "trial " + trial + " rank " + ranks[i]);
            }
        }
    }
}
