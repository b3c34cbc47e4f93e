package org.ganscope.analysis.reproduce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The statistics of reproduce v3 against brute-force references. */
class ReproduceStatisticsTest {

    /** Holm equals closed testing with Bonferroni local tests: max over every subset S containing i of min(1, |S| min_{j in S} p_j). */
    @Test
    void holmEqualsClosedTestingByEnumeration() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int trial = 0; trial < 200; trial++) {
            int m = 1 + rnd.nextInt(7);
            double[] p = new double[m];
            for (int i = 0; i < m; i++) {
                p[i] = rnd.nextInt(4) == 0 ? 0.01 * rnd.nextInt(5) : rnd.nextDouble() * 0.2; // ties included
            }
            double[] brute = new double[m];
            for (int s = 1; s < (1 << m); s++) {
                double min = 1;
                for (int j = 0; j < m; j++) {
                    if ((s & (1 << j)) != 0) {
                        min = Math.min(min, p[j]);
                    }
                }
                double local = Math.min(1, Integer.bitCount(s) * min);
                for (int i = 0; i < m; i++) {
                    if ((s & (1 << i)) != 0) {
                        brute[i] = Math.max(brute[i], local);
                    }
                }
            }
            assertArrayEquals(brute, Holm.adjust(p), 1e-12, Arrays.toString(p));
        }
    }

    @Test
    void holmKnownCase() {
        // m = 3, sorted 0.01, 0.03, 0.04: 3 x 0.01 = 0.03, 2 x 0.03 = 0.06, max(0.06, 1 x 0.04) = 0.06
        assertArrayEquals(new double[] {0.03, 0.06, 0.06}, Holm.adjust(new double[] {0.01, 0.04, 0.03}), 1e-12);
    }

    /** The cluster bootstrap's replicate distribution against the exact one: all N^N equally likely resamples of N = 4 images. */
    @Test
    void clusterBootstrapMatchesExactResampleDistribution() {
        double[] num = {0.3, -0.1, 0.8, 0.2};
        double[] den = {2, 1, 4, 0};
        int n = num.length;
        Map<Double, Double> exact = new HashMap<>();
        int total = (int) Math.pow(n, n);
        int defined = 0;
        for (int code = 0; code < total; code++) {
            double s = 0;
            double d = 0;
            for (int k = 0, c = code; k < n; k++, c /= n) {
                s += num[c % n];
                d += den[c % n];
            }
            if (d > 0) {
                defined++;
                exact.merge(Math.round(s / d * 1e9) / 1e9, 1.0, Double::sum);
            }
        }
        double[] r = ClusterBootstrap.replicates(num, den, 200_000, 11);
        long nan = Arrays.stream(r).filter(Double::isNaN).count();
        assertEquals((double) (total - defined) / total, nan / 200_000.0, 0.003, "share of replicates without a denominator");
        double[] ok = Arrays.stream(r).filter(v -> !Double.isNaN(v)).sorted().toArray();
        // compare the CDFs at every support point of the exact distribution
        double cum = 0;
        for (double x : exact.keySet().stream().sorted().toList()) {
            cum += exact.get(x) / defined;
            double at = x + 1e-7;
            long below = Arrays.stream(ok).filter(v -> v <= at).count();
            assertEquals(cum, (double) below / ok.length, 0.005, "CDF at " + x);
        }
    }

    /** Tiles of one image that move together: the cluster interval is about sqrt(tiles) wider than one treating tiles as independent. */
    @Test
    void clusterIntervalIsWiderThanTileIntervalWhenTilesAreCorrelated() {
        SplittableRandom rnd = new SplittableRandom(5);
        int images = 60;
        int tiles = 16;
        double[] num = new double[images];
        double[] den = new double[images];
        double[] tileNum = new double[images * tiles];
        double[] tileDen = new double[images * tiles];
        for (int i = 0; i < images; i++) {
            double e = rnd.nextGaussian();
            num[i] = tiles * e;
            den[i] = tiles;
            for (int t = 0; t < tiles; t++) {
                tileNum[i * tiles + t] = e;
                tileDen[i * tiles + t] = 1;
            }
        }
        var byImage = ClusterBootstrap.interval(num, den, 4000, 1, 0.95);
        var byTile = ClusterBootstrap.interval(tileNum, tileDen, 4000, 1, 0.95);
        assertEquals(byImage.point(), byTile.point(), 1e-12);
        double ratio = (byImage.high() - byImage.low()) / (byTile.high() - byTile.low());
        assertTrue(ratio > 3 && ratio < 5.5, "width ratio " + ratio + " (sqrt 16 = 4)");
    }

    /** The exact uniform p-value of an overlap against enumerating every b-subset of a small set. */
    @Test
    void jaccardUniformPValueMatchesEnumeration() {
        int units = 11;
        int[] a = {0, 3, 4, 9};
        int b = 4;
        int[] counts = new int[b + 1];
        int subsets = 0;
        for (int s = 0; s < (1 << units); s++) {
            if (Integer.bitCount(s) != b) {
                continue;
            }
            subsets++;
            int i = 0;
            for (int u : a) {
                if ((s & (1 << u)) != 0) {
                    i++;
                }
            }
            counts[i]++;
        }
        for (int obs = 0; obs <= b; obs++) {
            int atLeast = 0;
            for (int i = obs; i <= b; i++) {
                atLeast += counts[i];
            }
            assertEquals((double) atLeast / subsets, SetOverlap.uniformP(units, a.length, b, obs), 1e-12, "intersection " + obs);
        }
        assertEquals(2.0 / 6.0, SetOverlap.jaccard(new int[] {1, 2, 3, 4}, new int[] {3, 4, 5, 6}), 1e-12);
        // 20 of 96 twice, 10 shared: far in the tail (expected overlap 4.2)
        assertTrue(SetOverlap.uniformP(96, 20, 20, 10) < 0.01);
        assertEquals(1.0, SetOverlap.uniformP(96, 20, 20, 0), 1e-12);
    }

    /** The matched sampler's distribution over sets against its exact law, enumerated over the draw orders and choices. */
    @Test
    void matchedSetsFollowTheirExactLaw() {
        double[] act = {0.1, 0.5, 0.55, 0.9, 1.0, 1.2, 1.25, 3.0};
        int[] chosen = {4, 7};
        int width = 3;
        Map<String, Double> exact = new HashMap<>();
        exactLaw(act, chosen, width, new boolean[act.length], new int[0], 1.0, chosen, exact, true);
        Map<String, Integer> seen = new HashMap<>();
        SplittableRandom rnd = new SplittableRandom(9);
        int draws = 60_000;
        for (int d = 0; d < draws; d++) {
            int[] s = MatchedSets.draw(act, chosen, width, rnd);
            for (int u : s) {
                assertTrue(u != 4 && u != 7, "a chosen unit was drawn");
            }
            seen.merge(Arrays.toString(s), 1, Integer::sum);
        }
        assertEquals(exact.keySet(), seen.keySet());
        for (var e : exact.entrySet()) {
            assertEquals(e.getValue(), seen.get(e.getKey()) / (double) draws, 0.01, e.getKey());
        }
        // on average nearer the chosen set's mean activation (2.0) than uniform sets of the free units (mean 0.67)
        double mean = 0;
        for (int d = 0; d < 2000; d++) {
            mean += MatchedSets.mean(act, MatchedSets.draw(act, chosen, width, rnd)) / 2000;
        }
        assertTrue(mean > 1.0, "matched mean " + mean);
    }

    /** Enumerates the sampler: both orders of the chosen units (1/2 each), then each of the nearest free units. */
    private static void exactLaw(double[] act, int[] chosen, int width, boolean[] taken, int[] picked, double prob, int[] order,
            Map<String, Double> out, boolean top) {
        if (top) {
            boolean[] t = new boolean[act.length];
            for (int u : chosen) {
                t[u] = true;
            }
            exactLaw(act, chosen, width, t, new int[0], 0.5, new int[] {chosen[0], chosen[1]}, out, false);
            exactLaw(act, chosen, width, t.clone(), new int[0], 0.5, new int[] {chosen[1], chosen[0]}, out, false);
            return;
        }
        if (picked.length == order.length) {
            int[] s = picked.clone();
            Arrays.sort(s);
            out.merge(Arrays.toString(s), prob, Double::sum);
            return;
        }
        int[] near = MatchedSets.nearest(act, order[picked.length], taken, width);
        for (int v : near) {
            boolean[] t = taken.clone();
            t[v] = true;
            int[] p = Arrays.copyOf(picked, picked.length + 1);
            p[picked.length] = v;
            exactLaw(act, chosen, width, t, p, prob / near.length, order, out, false);
        }
    }

    /** The matched Monte Carlo p-value: identical sets of high-activation units are not surprising when the pool is small. */
    @Test
    void matchedPValueIsAnEmpiricalTail() {
        double[] act = new double[40];
        for (int u = 0; u < act.length; u++) {
            act[u] = u;
        }
        int[] a = {30, 31, 32, 33, 34};
        double p = SetOverlap.matchedP(act, a, a, 3, 999, 1);
        assertTrue(p >= 1.0 / 1000 && p <= 1, "p " + p);
        // two disjoint low-activation sets: J = 0, every draw has J >= 0
        assertEquals(1.0, SetOverlap.matchedP(act, new int[] {0, 1}, new int[] {5, 6}, 3, 99, 2), 1e-12);
        // identical sets in a wide pool with width 5: matched pairs rarely coincide entirely
        assertTrue(SetOverlap.matchedP(act, a, a, 5, 999, 3) < 0.01);
    }
}
