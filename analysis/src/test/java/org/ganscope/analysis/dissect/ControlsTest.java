package org.ganscope.analysis.dissect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every control statistic against a brute-force computation on small arrays: explicit
 * upsampled masks per image, explicit location masks (pixels picked one by one), explicit
 * bootstrap replicates recomputed from per-image masks and the same Poisson weights.
 */
class ControlsTest {
    static final int H = 4;
    static final int W = 4;
    static final int RES = 8;
    static final int P = RES * RES;
    static final int UNITS = 5;
    static final int C = 4;
    static final List<String> CATS = List.of("none", "object", "part", "material");
    static final long SEED = 77;

    /** Activations in multiples of 1/16 (ties at thresholds happen), class regions with a location bias. */
    record Data(float[] acts, int[] seg, int n) {
        static Data random(Random rnd, int n) {
            float[] a = new float[n * UNITS * H * W];
            int[] s = new int[n * P];
            for (int i = 0; i < n; i++) {
                int shift = rnd.nextInt(3);
                for (int y = 0; y < RES; y++) {
                    for (int x = 0; x < RES; x++) {
                        int band = Math.min(C - 1, (y + shift) * C / (RES + 2));
                        s[i * P + y * RES + x] = rnd.nextDouble() < 0.8 ? band : rnd.nextInt(C);
                    }
                }
                for (int u = 0; u < UNITS; u++) {
                    for (int k = 0; k < H * W; k++) {
                        int y = k / W;
                        // unit u partly follows the class at its row, partly noise
                        int cls = s[i * P + (2 * y) * RES + 2 * (k % W)];
                        double v = (cls == 1 + u % (C - 1) ? 1.0 : 0.0) * rnd.nextDouble() + rnd.nextGaussian() * 0.4;
                        a[(i * UNITS + u) * H * W + k] = (float) (Math.round(v * 16) / 16.0);
                    }
                }
            }
            return new Data(a, s, n);
        }

        /** Upsampled plane of image i, unit u. */
        double[] up(int i, int u) {
            double[] out = new double[P];
            new Upsampler(H, W, RES, RES).apply(acts, (i * UNITS + u) * H * W, out, 0);
            return out;
        }
    }

    static double[] thresholds(Random rnd) {
        double[] t = new double[UNITS];
        for (int u = 0; u < UNITS; u++) {
            t[u] = Math.round((0.1 + rnd.nextDouble() * 0.6) * 16) / 16.0;
        }
        return t;
    }

    static HeldOut heldOut(Data h, double[] thr, double[] top, int[] labels) {
        return HeldOut.of(h.acts, h.seg, h.n, UNITS, H, W, RES, C, thr, top, labels);
    }

    static EvalShard count(Thresholds t, Data d, int from, int to) {
        EvalShard s = new EvalShard(t, C, 3, SEED);
        int len = to - from;
        float[] a = Arrays.copyOfRange(d.acts, from * UNITS * H * W, to * UNITS * H * W);
        int[] seg = Arrays.copyOfRange(d.seg, from * P, to * P);
        s.add(new EvalShard.Kernel(H, W, RES), a, seg, len, from);
        return s;
    }

    /** The location mask by brute force: repeatedly pick the most frequent remaining pixel, lowest index on ties. */
    static boolean[] locationMask(HeldOut h, int c, int k) {
        boolean[] in = new boolean[P];
        for (int j = 0; j < k; j++) {
            int best = -1;
            for (int p = 0; p < P; p++) {
                if (!in[p] && (best < 0 || h.classMap()[c][p] > h.classMap()[c][best])) {
                    best = p;
                }
            }
            in[best] = true;
        }
        return in;
    }

    static double hazen(double[] v, double p) {
        double[] s = v.clone();
        Arrays.sort(s);
        double x = p * s.length - 0.5;
        if (x <= 0) {
            return s[0];
        }
        if (x >= s.length - 1) {
            return s[s.length - 1];
        }
        int k = (int) Math.floor(x);
        return s[k] + (x - k) * (s[k + 1] - s[k]);
    }

    @Test
    void heldOutMapAndAreasAreTheThresholdSetsCounts() {
        Random rnd = new Random(1);
        Data h = Data.random(rnd, 9);
        double[] thr = thresholds(rnd);
        HeldOut held = heldOut(h, thr, thr, new int[] {1, 2, 3, 1, 2});
        for (int c = 0; c < C; c++) {
            for (int p = 0; p < P; p++) {
                int n = 0;
                for (int i = 0; i < h.n; i++) {
                    n += h.seg[i * P + p] == c ? 1 : 0;
                }
                assertEquals(n, held.classMap()[c][p]);
            }
            int[] rank = held.ranking(c);
            for (int k = 0; k <= P; k += 7) {
                boolean[] want = locationMask(held, c, k);
                boolean[] got = new boolean[P];
                for (int j = 0; j < k; j++) {
                    got[rank[j]] = true;
                }
                assertArrayEquals(want, got, "class " + c + " k " + k);
            }
        }
        for (int u = 0; u < UNITS; u++) {
            long on = 0;
            for (int i = 0; i < h.n; i++) {
                for (double v : h.up(i, u)) {
                    on += v > thr[u] ? 1 : 0;
                }
            }
            assertEquals(Math.round((double) on / h.n), held.area()[u], "unit " + u);
        }
    }

    @Test
    void poissonWeightsAreDeterministicWithMeanAndVarianceOne() {
        int[] a = new int[Bootstrap.REPLICATES];
        int[] b = new int[Bootstrap.REPLICATES];
        Bootstrap.weights(3, 41, a);
        Bootstrap.weights(3, 41, b);
        assertArrayEquals(a, b);
        Bootstrap.weights(3, 42, b);
        assertNotEquals(Arrays.toString(a), Arrays.toString(b));
        Bootstrap.weights(4, 41, b);
        assertNotEquals(Arrays.toString(a), Arrays.toString(b));
        double sum = 0;
        double sq = 0;
        long zeros = 0;
        int n = 0;
        for (long i = 0; i < 2000; i++) {
            Bootstrap.weights(9, i, a);
            for (int w : a) {
                sum += w;
                sq += (double) w * w;
                zeros += w == 0 ? 1 : 0;
                n++;
            }
        }
        double mean = sum / n;
        assertEquals(1.0, mean, 0.01);
        assertEquals(1.0, sq / n - mean * mean, 0.02);
        assertEquals(Math.exp(-1), (double) zeros / n, 0.005);
        assertEquals(0, Bootstrap.poisson1(0.0));
        assertEquals(1, Bootstrap.poisson1(Math.exp(-1)));
    }

    @Test
    void everyStatisticMatchesBruteForceInBothLabelModes() {
        for (boolean fixedLabels : new boolean[] {true, false}) {
            Random rnd = new Random(fixedLabels ? 11 : 12);
            Data h = Data.random(rnd, 10);
            Data d = Data.random(rnd, 14);
            double[] thr = thresholds(rnd);
            double[] top = thresholds(rnd);
            int[] labels = new int[UNITS];
            for (int u = 0; u < UNITS; u++) {
                labels[u] = fixedLabels ? 1 + rnd.nextInt(C - 1) : -1;
            }
            HeldOut held = heldOut(h, thr, top, labels);
            Thresholds t = new Thresholds(thr, null, held);
            EvalShard shard = count(t, d, 0, d.n);
            ThresholdTally tally = shard.tally();
            DissectionReport r = fixedLabels ? DissectionReport.withLabels(tally, labels, new boolean[UNITS]) : DissectionReport.byIou(tally);
            UnitControls uc = UnitControls.of(r, shard, CATS);
            checkAgainstBruteForce(d, held, thr, top, r, uc);

            // the SPEC counts are those of a shard without controls
            EvalShard plain = new EvalShard(thr, C, 3);
            plain.add(new EvalShard.Kernel(H, W, RES), d.acts, d.seg, d.n, 0);
            for (int u = 0; u < UNITS; u++) {
                for (int c = 0; c < C; c++) {
                    assertEquals(plain.tally().intersection(u, c), tally.intersection(u, c));
                }
            }
        }
    }

    private static void checkAgainstBruteForce(Data d, HeldOut held, double[] thr, double[] top, DissectionReport r, UnitControls uc) {
        int n = d.n;
        int reps = Bootstrap.REPLICATES;
        int[][] w = new int[n][reps];
        for (int i = 0; i < n; i++) {
            Bootstrap.weights(SEED, i, w[i]);
        }
        double[][] repIou = new double[UNITS][reps];
        double[][] repIqr = new double[UNITS][reps];
        double[][] repLift = new double[UNITS][reps];
        ThresholdTally topTally = new ThresholdTally(top, C);
        for (int u = 0; u < UNITS; u++) {
            int c = r.bestLabel()[u];
            int k = held.area()[u];
            boolean[] m = locationMask(held, c, k);
            long a = 0;
            long t = 0;
            long inter = 0;
            long li = 0;
            long lu = 0;
            double[] ba = new double[reps];
            double[] bt = new double[reps];
            double[] bi = new double[reps];
            double[] bli = new double[reps];
            double[] blu = new double[reps];
            double[] bn = new double[reps];
            for (int i = 0; i < n; i++) {
                double[] up = d.up(i, u);
                topTally.addPlane(u, up, 0, d.seg, i * P, P);
                long ia = 0;
                long it = 0;
                long ii = 0;
                long ili = 0;
                long ilu = 0;
                for (int p = 0; p < P; p++) {
                    boolean on = up[p] > thr[u];
                    boolean cls = d.seg[i * P + p] == c;
                    ia += on ? 1 : 0;
                    it += cls ? 1 : 0;
                    ii += on && cls ? 1 : 0;
                    ili += m[p] && cls ? 1 : 0;
                    ilu += m[p] || cls ? 1 : 0;
                }
                a += ia;
                t += it;
                inter += ii;
                li += ili;
                lu += ilu;
                for (int b = 0; b < reps; b++) {
                    ba[b] += w[i][b] * ia;
                    bt[b] += w[i][b] * it;
                    bi[b] += w[i][b] * ii;
                    bli[b] += w[i][b] * ili;
                    blu[b] += w[i][b] * ilu;
                    bn[b] += w[i][b] * P;
                }
            }
            long all = (long) n * P;
            // null IoU: the expectation over a mask whose pixels are on independently with probability a/n
            double pOn = (double) a / all;
            double eInter = pOn * t;
            double eUnion = pOn * all + t - pOn * t;
            assertEquals(eInter / eUnion, uc.nullIou()[u], 1e-12, "null iou unit " + u);
            assertEquals((double) a / n, uc.meanArea()[u], 0.0);
            assertEquals(lu == 0 ? 0 : (double) li / lu, uc.locationIou()[u], 0.0, "location iou unit " + u);
            assertEquals((double) inter / (a + t - inter), r.bestIou()[u], 0.0);
            assertEquals(r.bestIou()[u] - uc.locationIou()[u], uc.lift()[u], 0.0);
            for (int b = 0; b < reps; b++) {
                double un = ba[b] + bt[b] - bi[b];
                repIou[u][b] = un == 0 ? 0 : bi[b] / un;
                repLift[u][b] = repIou[u][b] - (blu[b] == 0 ? 0 : bli[b] / blu[b]);
                repIqr[u][b] = bn[b] == 0 ? 0 : Scores.iqr((long) ba[b], (long) bt[b], (long) bi[b], (long) bn[b]);
            }
            assertEquals(hazen(repIou[u], 0.025), uc.iouLow()[u], 1e-15, "iou low unit " + u);
            assertEquals(hazen(repIou[u], 0.975), uc.iouHigh()[u], 1e-15, "iou high unit " + u);
            assertTrue(uc.iouLow()[u] <= r.bestIou()[u] + 0.2 && uc.iouHigh()[u] >= r.bestIou()[u] - 0.2);
            assertEquals(hazen(repLift[u], 0.025), uc.liftLow()[u], 1e-15, "lift low unit " + u);
            assertEquals(r.interpretable()[u] && uc.beatsLocation()[u] && uc.minEffect()[u], uc.interpretableControlled()[u]);
        }
        // the controlled count per category (its decision and the count intervals: ControlDecisionTest)
        for (String key : List.of("object", "part", "material", "total")) {
            int controlled = 0;
            for (int u = 0; u < UNITS; u++) {
                boolean match = key.equals("total") || CATS.get(r.bestLabel()[u]).equals(key);
                controlled += match && uc.interpretableControlled()[u] ? 1 : 0;
            }
            assertEquals(controlled, uc.controlledByCategory().get(key), key);
        }
        // the top-1% rule: the reference quantile-mode report at the top thresholds
        DissectionReport want = DissectionReport.byIou(topTally);
        assertArrayEquals(want.bestLabel(), uc.topRule().bestLabel());
        assertArrayEquals(want.bestIou(), uc.topRule().bestIou(), 0.0);
        assertArrayEquals(want.interpretable(), uc.topRule().interpretable());
        assertEquals(want.nInterpretable(), uc.topRuleTotal());
    }

    @Test
    void shardsMergeBitIdenticallyWhateverTheSplitAndSurviveTheBinaryForm() throws IOException {
        Random rnd = new Random(21);
        Data h = Data.random(rnd, 8);
        Data d = Data.random(rnd, 13);
        double[] thr = thresholds(rnd);
        HeldOut held = heldOut(h, thr, thresholds(rnd), new int[] {-1, -1, -1, -1, -1});
        Thresholds t = roundTrip(new Thresholds(thr, null, held));
        assertEquals(held, t.heldOut());
        EvalShard one = count(t, d, 0, d.n);
        EvalShard merged = count(t, d, 0, 4);
        merged.merge(roundTrip(count(t, d, 4, 5)));
        merged.merge(count(t, d, 5, 13));
        ControlTally a = one.controls();
        ControlTally b = merged.controls();
        assertArrayEquals(a.loc, b.loc);
        assertArrayEquals(a.topOn, b.topOn);
        assertArrayEquals(a.bImages, b.bImages);
        assertArrayEquals(a.bClass, b.bClass);
        assertArrayEquals(a.bOn, b.bOn);
        assertArrayEquals(a.bInter, b.bInter);
        assertArrayEquals(a.bLoc, b.bLoc);
        assertArrayEquals(a.mom, b.mom);
        assertArrayEquals(a.bMom, b.bMom);
        EvalShard other = new EvalShard(new Thresholds(thr, null, heldOut(h, thr, thr, new int[] {-1, -1, -1, -1, -1})), C, 3, SEED);
        assertThrows(IllegalArgumentException.class, () -> merged.merge(other));
        assertThrows(IllegalArgumentException.class, () -> merged.merge(new EvalShard(thr, C, 3)));
    }

    static Thresholds roundTrip(Thresholds t) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        t.write(new DataOutputStream(bytes));
        return Thresholds.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    }

    static EvalShard roundTrip(EvalShard s) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        s.write(new DataOutputStream(bytes));
        return EvalShard.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    }
}
