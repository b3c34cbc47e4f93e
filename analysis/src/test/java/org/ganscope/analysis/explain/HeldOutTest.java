package org.ganscope.analysis.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BiPredicate;
import org.ganscope.analysis.dissect.Bootstrap;
import org.ganscope.analysis.dissect.Quantiles;
import org.junit.jupiter.api.Test;

/**
 * Held-out judgement of explanations on constructed data with one label per pixel and concept
 * group, against brute-force references that loop over pixels and labels (not bit masks).
 */
class HeldOutTest {
    static final int N = 40;
    static final int P = 96; // pixels per image; not a multiple of 64, so images straddle words

    /** Synthetic images: labels[g][i][p] (0 = none), concepts as in {@link Concepts}: group 0's classes, then group 1's, ... */
    record Data(int[][][] labels, int[] classes) {
        int concept(int g, int cls) {
            int c = 0;
            for (int k = 0; k < g; k++) {
                c += classes[k] - 1;
            }
            return c + cls - 1;
        }

        boolean in(int concept, int i, int p) {
            int c = concept;
            for (int g = 0; g < classes.length; g++) {
                if (c < classes[g] - 1) {
                    return labels[g][i][p] == c + 1;
                }
                c -= classes[g] - 1;
            }
            throw new IllegalArgumentException("concept " + concept);
        }

        int concepts() {
            return Arrays.stream(classes).map(k -> k - 1).sum();
        }

        /** The concept masks of the images {@code idx}, image after image. */
        List<BitMask> masks(long[] idx) {
            List<BitMask> out = new ArrayList<>();
            for (int c = 0; c < concepts(); c++) {
                BitMask m = new BitMask(idx.length * P);
                for (int k = 0; k < idx.length; k++) {
                    for (int p = 0; p < P; p++) {
                        if (in(c, (int) idx[k], p)) {
                            m.set(k * P + p);
                        }
                    }
                }
                out.add(m);
            }
            return out;
        }
    }

    /** Groups with {@code classes[g]} classes each (class 0 = none), labels uniform, seeded. */
    static Data data(long seed, int... classes) {
        SplittableRandom r = new SplittableRandom(seed);
        int[][][] l = new int[classes.length][N][P];
        for (int g = 0; g < classes.length; g++) {
            for (int i = 0; i < N; i++) {
                for (int p = 0; p < P; p++) {
                    l[g][i][p] = r.nextInt(classes[g]);
                }
            }
        }
        return new Data(l, classes);
    }

    static BitMask unitMask(long[] idx, BiPredicate<Integer, Integer> on) {
        BitMask m = new BitMask(idx.length * P);
        for (int k = 0; k < idx.length; k++) {
            for (int p = 0; p < P; p++) {
                if (on.test((int) idx[k], p)) {
                    m.set(k * P + p);
                }
            }
        }
        return m;
    }

    record Judged(BeamSearch.Explanation search, HeldOut.Score heldOut) {
    }

    /** Search on the even images, score on the odd ones (what LayerExplainer does per unit). */
    static Judged judge(Data d, BiPredicate<Integer, Integer> unit) {
        long[] s = HeldOut.search(N);
        long[] h = HeldOut.heldOut(N);
        BeamSearch.Explanation e = BeamSearch.explain(unitMask(s, unit), d.masks(s), 5, 3);
        HeldOut.Score score = HeldOut.score(unitMask(h, unit), d.masks(h), e.formula(), e.bestSingle(), h.length, P);
        return new Judged(e, score);
    }

    /** Brute force: the IoU of formula f with the unit over images idx, each weighted, by looping over pixels. */
    static double iou(Data d, BiPredicate<Integer, Integer> unit, Formula f, long[] idx, int[] weight) {
        long inter = 0;
        long union = 0;
        for (int k = 0; k < idx.length; k++) {
            int i = (int) idx[k];
            for (int p = 0; p < P; p++) {
                int pp = p;
                boolean a = unit.test(i, p);
                boolean b = f.test(c -> d.in(c, i, pp));
                inter += (a && b) ? weight[k] : 0;
                union += (a || b) ? weight[k] : 0;
            }
        }
        return union == 0 ? 0 : (double) inter / union;
    }

    static int[] ones(int n) {
        int[] w = new int[n];
        Arrays.fill(w, 1);
        return w;
    }

    @Test
    void theSplitIsDeterministicDisjointAndCoversEverySample() {
        for (int n : new int[] {2, 3, 10, 11, 501}) {
            long[] s = HeldOut.search(n);
            long[] h = HeldOut.heldOut(n);
            assertArrayEquals(s, HeldOut.search(n));
            assertArrayEquals(h, HeldOut.heldOut(n));
            Set<Long> seen = new HashSet<>();
            for (long i : s) {
                assertFalse(HeldOut.isHeldOut(i));
                assertTrue(seen.add(i));
            }
            for (long i : h) {
                assertTrue(HeldOut.isHeldOut(i));
                assertTrue(seen.add(i), "sample " + i + " in both halves");
            }
            for (long i = 0; i < n; i++) {
                assertTrue(seen.contains(i), "sample " + i + " in neither half");
            }
            assertEquals(n, seen.size());
            assertTrue(s.length - h.length == 0 || s.length - h.length == 1);
        }
    }

    @Test
    void aUnitThatIsExactlyAAndBOfTwoGroupsIsFoundWithAndAndGainsOnHeldOutImages() {
        Data d = data(11, 4, 3); // main: wall, sky, tree; material: brick, glass
        int wall = d.concept(0, 1);
        int brick = d.concept(1, 1);
        BiPredicate<Integer, Integer> unit = (i, p) -> d.in(wall, i, p) && d.in(brick, i, p);
        Judged j = judge(d, unit);
        assertTrue(j.search().formula().uses(Formula.Op.AND), j.search().formula().toString());
        assertEquals(2, j.search().formula().length());
        assertEquals(Set.of(wall, brick), concepts(j.search().formula()));
        assertEquals(1.0, j.search().iou(), 0.0);
        long[] h = HeldOut.heldOut(N);
        // held out: the brute-force IoUs of the formula and the single concept chosen on the search half
        assertEquals(1.0, j.heldOut().iou(), 0.0);
        assertEquals(iou(d, unit, j.search().bestSingle(), h, ones(h.length)), j.heldOut().singleIou(), 1e-15);
        assertTrue(j.heldOut().gain() > 0.3, "held-out gain " + j.heldOut().gain());
        assertEquals(j.heldOut().iou() - j.heldOut().singleIou(), j.heldOut().gain(), 0.0);
    }

    @Test
    void aUnitThatIsExactlyOneConceptHasNoHeldOutGain() {
        Data d = data(12, 4, 3, 5);
        int glass = d.concept(1, 2);
        BiPredicate<Integer, Integer> unit = (i, p) -> d.in(glass, i, p);
        Judged j = judge(d, unit);
        assertEquals(new Formula.Leaf(glass), j.search().bestSingle());
        assertEquals(1.0, j.search().iou(), 0.0);
        assertEquals(1.0, j.heldOut().iou(), 0.0);
        assertEquals(1.0, j.heldOut().singleIou(), 0.0);
        assertEquals(0.0, j.heldOut().gain(), 1e-12);
    }

    @Test
    void aFormulaThatFitsTheSearchHalfsAccidentsGainsThereButNotOnHeldOutImages() {
        // the unit is "wall" everywhere; on the search half only it also fires on the rare "spot" pixels
        // (an accident of those images), so "wall OR spot" fits the search half and over-reaches on the held-out one
        SplittableRandom r = new SplittableRandom(5);
        Data d = data(13, 4, 3);
        int[][][] l = Arrays.copyOf(d.labels(), 3);
        l[2] = new int[N][P];
        for (int i = 0; i < N; i++) {
            for (int p = 0; p < P; p++) {
                l[2][i][p] = r.nextDouble() < 0.05 ? 1 : 0;
            }
        }
        Data d3 = new Data(l, new int[] {4, 3, 2});
        int wall = d3.concept(0, 1);
        int spot = d3.concept(2, 1);
        BiPredicate<Integer, Integer> unit = (i, p) -> d3.in(wall, i, p) || (!HeldOut.isHeldOut(i) && d3.in(spot, i, p));
        Judged j = judge(d3, unit);
        assertEquals(new Formula.Leaf(wall), j.search().bestSingle());
        assertTrue(j.search().searchGain() > 0.02, "search gain " + j.search().searchGain());
        assertTrue(j.search().formula().uses(Formula.Op.OR) && concepts(j.search().formula()).contains(spot), j.search().formula().toString());
        long[] h = HeldOut.heldOut(N);
        assertEquals(iou(d3, unit, j.search().formula(), h, ones(h.length)), j.heldOut().iou(), 1e-15);
        assertEquals(1.0, j.heldOut().singleIou(), 0.0);
        assertTrue(j.heldOut().gain() <= 0, "held-out gain " + j.heldOut().gain());
        assertTrue(j.heldOut().gain() < -0.01, "the accident costs on held-out images: " + j.heldOut().gain());
        HeldOut.Summary s = HeldOut.summarize(new HeldOut.Score[] {j.heldOut()}, 3, h);
        assertEquals(0, s.gained());
        assertEquals(0.0, s.high(), 0.0, "no replicate of the held-out images rescues it");
    }

    @Test
    void theIntervalIsTheBootstrapOfHeldOutImagesRecomputedPixelByPixel() {
        // units of mixed kinds: exact AND units (gain), exact single concepts (none), noisy ones (near the cut)
        Data d = data(21, 4, 3, 3);
        List<BiPredicate<Integer, Integer>> units = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(9);
        for (int k = 0; k < 12; k++) {
            int a = d.concept(0, 1 + k % 3);
            int b = d.concept(1 + k % 2, 1 + (k / 3) % 2);
            long salt = r.nextLong();
            double flip = 0.02 * (k % 4);
            units.add(switch (k % 3) {
                case 0 -> (i, p) -> (d.in(a, i, p) && d.in(b, i, p)) ^ (noise(salt, i, p) < flip);
                case 1 -> (i, p) -> d.in(a, i, p) ^ noise(salt, i, p) < flip;
                default -> (i, p) -> (d.in(a, i, p) && !d.in(b, i, p)) ^ noise(salt, i, p) < 4 * flip;
            });
        }
        HeldOut.Score[] scores = new HeldOut.Score[units.size()];
        Formula[][] chosen = new Formula[units.size()][];
        for (int u = 0; u < scores.length; u++) {
            Judged j = judge(d, units.get(u));
            scores[u] = j.heldOut();
            chosen[u] = new Formula[] {j.search().formula(), j.search().bestSingle()};
        }
        long seed = 77;
        long[] h = HeldOut.heldOut(N);
        HeldOut.Summary s = HeldOut.summarize(scores, seed, h);
        // reference: per replicate, weights of the held-out images, IoUs by looping over their pixels
        int[][] w = new int[h.length][Bootstrap.REPLICATES];
        for (int k = 0; k < h.length; k++) {
            Bootstrap.weights(seed, h[k], w[k]);
        }
        double[] counts = new double[Bootstrap.REPLICATES];
        int point = 0;
        for (int u = 0; u < scores.length; u++) {
            double gain = iou(d, units.get(u), chosen[u][0], h, ones(h.length)) - iou(d, units.get(u), chosen[u][1], h, ones(h.length));
            assertEquals(gain, scores[u].gain(), 1e-12, "unit " + u);
            point += gain >= HeldOut.MIN_GAIN ? 1 : 0;
        }
        for (int b = 0; b < counts.length; b++) {
            int[] wb = new int[h.length];
            for (int k = 0; k < h.length; k++) {
                wb[k] = w[k][b];
            }
            for (int u = 0; u < scores.length; u++) {
                double gain = iou(d, units.get(u), chosen[u][0], h, wb) - iou(d, units.get(u), chosen[u][1], h, wb);
                counts[b] += gain >= HeldOut.MIN_GAIN ? 1 : 0;
            }
        }
        Arrays.sort(counts);
        assertEquals(point, s.gained());
        assertEquals(Quantiles.hazen(counts, Bootstrap.LOW), s.low(), 0.0);
        assertEquals(Quantiles.hazen(counts, Bootstrap.HIGH), s.high(), 0.0);
        assertTrue(s.low() <= s.gained() && s.gained() <= s.high(), s.toString());
        assertTrue(s.gained() > 0 && s.gained() < scores.length, "a mix of units: " + s);
        assertEquals(s, HeldOut.summarize(scores, seed, h), "same seed, same interval");
    }

    static double noise(long salt, int i, int p) {
        return new SplittableRandom(salt ^ (i * 1_000_003L + p)).nextDouble();
    }

    static Set<Integer> concepts(Formula f) {
        Set<Integer> out = new HashSet<>();
        while (f instanceof Formula.Node n) {
            out.add(n.concept());
            f = n.left();
        }
        out.add(((Formula.Leaf) f).concept());
        return out;
    }
}
