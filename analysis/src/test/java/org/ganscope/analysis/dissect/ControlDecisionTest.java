package org.ganscope.analysis.dissect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The controlled decision of docs/CONTROLS.md against brute-force references: BH against
 * the textbook step-up, the location test's standard error against the per-image influence
 * sum and a resampling bootstrap, its type-I error on an exactly symmetric null, a unit that
 * is its location mask (must not pass) and one that adds signal (must), and the whole
 * decision, point and per bootstrap replicate, recomputed from explicit per-image masks.
 */
class ControlDecisionTest {

    // ---- Benjamini-Hochberg ----

    /** The textbook step-up: the largest k with p_(k) <= k q / m; reject every p <= p_(k). */
    static boolean[] stepUp(double[] p, double q) {
        int m = p.length;
        double[] s = p.clone();
        Arrays.sort(s);
        int kmax = 0;
        for (int k = 1; k <= m; k++) {
            if (s[k - 1] <= k * q / m) {
                kmax = k;
            }
        }
        boolean[] r = new boolean[m];
        for (int i = 0; i < m && kmax > 0; i++) {
            r[i] = p[i] <= s[kmax - 1];
        }
        return r;
    }

    /** q_i = min over l with p_l >= p_i of min(1, m p_l / #{j: p_j <= p_l}). */
    static double[] qBrute(double[] p) {
        int m = p.length;
        double[] q = new double[m];
        for (int i = 0; i < m; i++) {
            double best = 1.0;
            for (int l = 0; l < m; l++) {
                if (p[l] >= p[i]) {
                    int rank = 0;
                    for (double x : p) {
                        rank += x <= p[l] ? 1 : 0;
                    }
                    best = Math.min(best, Math.min(1.0, m * p[l] / rank));
                }
            }
            q[i] = best;
        }
        return q;
    }

    @Test
    void benjaminiHochbergMatchesTheTextbookStepUp() {
        assertArrayEquals(new double[] {0.02, 0.04, 0.04, 0.02}, BenjaminiHochberg.qValues(new double[] {0.01, 0.04, 0.03, 0.005}), 1e-15);
        assertArrayEquals(new boolean[] {false, false}, BenjaminiHochberg.reject(new double[] {0.04, 0.5}));
        Random rnd = new Random(5);
        int rejections = 0;
        for (int trial = 0; trial < 3000; trial++) {
            int m = new int[] {1, 2, 5, 50, 128}[trial % 5];
            double[] p = new double[m];
            for (int i = 0; i < m; i++) {
                double x = rnd.nextDouble();
                // small p-values often, ties on a grid, exact 0 and 1
                p[i] = switch (rnd.nextInt(5)) {
                    case 0 -> Math.pow(x, 6);
                    case 1 -> Math.round(x * 997) / 997.0;
                    case 2 -> rnd.nextInt(20) == 0 ? 0.0 : 1.0;
                    default -> x * 0.2;
                };
            }
            boolean[] want = stepUp(p, BenjaminiHochberg.Q);
            assertArrayEquals(want, BenjaminiHochberg.reject(p), Arrays.toString(p));
            assertArrayEquals(qBrute(p), BenjaminiHochberg.qValues(p), 1e-15);
            for (boolean b : want) {
                rejections += b ? 1 : 0;
            }
        }
        assertTrue(rejections > 1000, "the trials exercise rejections: " + rejections);
    }

    // ---- the location test ----

    @Test
    void normalTailIsAccurate() {
        assertEquals(0.5, LocationTest.upperTail(0), 1e-7);
        double[][] known = {{1.959963984540054, 0.025}, {3, 0.0013498980316301}, {5, 2.866515718791939e-7},
            {8, 6.220960574271785e-16}, {-2, 0.9772498680518208}, {1, 0.15865525393145707}};
        for (double[] k : known) {
            assertEquals(k[1], LocationTest.upperTail(k[0]), 2e-7 * k[1], "z = " + k[0]);
        }
        assertTrue(LocationTest.upperTail(30) > 0 && LocationTest.upperTail(30) < 1e-190);
    }

    /** Per-image (I, a, t, L) of one unit and class, k the location mask's area. */
    record Images(long[] inter, long[] on, long[] cls, long[] loc, long k) {
        long u(int i) {
            return on[i] + cls[i] - inter[i];
        }

        long v(int i) {
            return k + cls[i] - loc[i];
        }

        int n() {
            return inter.length;
        }

        /** lift and sum psi^2 / (N (N-1)) in doubles, straight from the definition (weights w, null: all 1). */
        double[] bruteLiftVar(int[] w) {
            double n = 0, sI = 0, sU = 0, sL = 0, sV = 0;
            for (int i = 0; i < n(); i++) {
                double wi = w == null ? 1 : w[i];
                n += wi;
                sI += wi * inter[i];
                sU += wi * u(i);
                sL += wi * loc[i];
                sV += wi * v(i);
            }
            double lift = (sU == 0 ? 0 : sI / sU) - (sV == 0 ? 0 : sL / sV);
            double ss = 0;
            for (int i = 0; i < n(); i++) {
                double wi = w == null ? 1 : w[i];
                double psi = n * ((sU * inter[i] - sI * u(i)) / (sU * sU) - (sV * loc[i] - sL * v(i)) / (sV * sV));
                ss += wi * psi * psi;
            }
            return new double[] {lift, n < 2 || sU == 0 || sV == 0 ? Double.NaN : ss / (n * (n - 1))};
        }

        /** lift and the engine's variance from the summed moments. */
        double[] engineLiftVar() {
            long[] m = new long[LocationTest.MOMENTS];
            long[] p = new long[LocationTest.MOMENTS];
            long sI = 0, sU = 0, sL = 0, sV = 0;
            for (int i = 0; i < n(); i++) {
                LocationTest.products(inter[i], u(i), loc[i], v(i), p, 0);
                for (int j = 0; j < m.length; j++) {
                    m[j] += p[j];
                }
                sI += inter[i];
                sU += u(i);
                sL += loc[i];
                sV += v(i);
            }
            double lift = (sU == 0 ? 0 : (double) sI / sU) - (sV == 0 ? 0 : (double) sL / sV);
            return new double[] {lift, LocationTest.variance(n(), sI, sU, sL, sV, m, 0)};
        }

        /** Class pixels t in [20, 60]; unit and mask of area 40; overlaps a share of t drawn from U(lo, hi) each. */
        static Images draw(Random rnd, int n, double unitLo, double unitHi, double locLo, double locHi) {
            long[] ii = new long[n], a = new long[n], t = new long[n], l = new long[n];
            for (int i = 0; i < n; i++) {
                t[i] = 20 + rnd.nextInt(41);
                a[i] = 40;
                ii[i] = Math.round(t[i] * (unitLo + (unitHi - unitLo) * rnd.nextDouble()));
                l[i] = Math.round(t[i] * (locLo + (locHi - locLo) * rnd.nextDouble()));
            }
            return new Images(ii, a, t, l, 40);
        }
    }

    @Test
    void standardErrorIsTheInfluenceSumAndAgreesWithTheBootstrap() {
        Random rnd = new Random(8);
        for (int trial = 0; trial < 50; trial++) {
            Images d = Images.draw(rnd, 5 + rnd.nextInt(200), 0.1, 0.9, 0.1, 0.7);
            double[] brute = d.bruteLiftVar(null);
            double[] engine = d.engineLiftVar();
            assertEquals(brute[0], engine[0], 1e-15);
            assertEquals(brute[1], engine[1], 1e-9 * brute[1], "trial " + trial);
        }
        // against a plain resampling bootstrap of the images
        Images d = Images.draw(rnd, 400, 0.2, 0.8, 0.1, 0.6);
        double se = Math.sqrt(d.engineLiftVar()[1]);
        int reps = 4000;
        double[] lifts = new double[reps];
        int[] w = new int[d.n()];
        for (int b = 0; b < reps; b++) {
            Arrays.fill(w, 0);
            for (int j = 0; j < d.n(); j++) {
                w[rnd.nextInt(d.n())]++;
            }
            lifts[b] = d.bruteLiftVar(w)[0];
        }
        double mean = Arrays.stream(lifts).average().orElseThrow();
        double sd = Math.sqrt(Arrays.stream(lifts).map(x -> (x - mean) * (x - mean)).sum() / (reps - 1));
        assertEquals(sd, se, 0.08 * sd, "delta-method se " + se + " vs bootstrap sd " + sd);
    }

    @Test
    void typeOneErrorOnAnExactlySymmetricNullAndPowerUnderSignal() {
        Random rnd = new Random(13);
        int datasets = 2000;
        int rejected = 0;
        int detected = 0;
        for (int k = 0; k < datasets; k++) {
            // unit and mask exchangeable given the class pixels: lift symmetric about 0
            double[] a = Images.draw(rnd, 150, 0.2, 0.6, 0.2, 0.6).engineLiftVar();
            rejected += LocationTest.pValue(a[0], a[1]) <= 0.05 ? 1 : 0;
            double[] b = Images.draw(rnd, 150, 0.25, 0.65, 0.2, 0.6).engineLiftVar();
            detected += LocationTest.pValue(b[0], b[1]) <= 0.05 ? 1 : 0;
        }
        double alpha = (double) rejected / datasets;
        assertTrue(alpha > 0.03 && alpha < 0.07, "type-I error at 0.05: " + alpha);
        assertTrue(detected > 0.9 * datasets, "power: " + detected + " of " + datasets);
    }

    @Test
    void identicalToTheMaskIsExactlyZeroVariance() {
        long[] t = {30, 41, 25, 60, 33};
        long[] l = {10, 12, 8, 20, 11};
        Images same = new Images(l.clone(), new long[] {40, 40, 40, 40, 40}, t, l, 40);
        double[] e = same.engineLiftVar();
        assertEquals(0.0, e[0]);
        assertEquals(0.0, e[1]);
        assertEquals(1.0, LocationTest.pValue(e[0], e[1]));
        assertEquals(1.0, LocationTest.pValue(0.3, Double.NaN));
        assertEquals(0.0, LocationTest.pValue(0.3, 0.0));
    }

    // ---- the engine on a constructed layer: a location unit, a signal unit, noise ----

    static final int R = 8; // activations at segmentation resolution: upsampling is the identity
    static final int U = 6;
    static final int C3 = 3;
    static final List<String> CATS3 = List.of("none", "object", "part");

    /** Class 1 a 3-row band at rows y0..y0+2 (y0 random in 0..2), class 2 on rows 6-7; units as in the test. */
    static ControlsTest.Data constructed(Random rnd, int n) {
        float[] a = new float[n * U * R * R];
        int[] s = new int[n * R * R];
        for (int i = 0; i < n; i++) {
            int y0 = rnd.nextInt(3);
            for (int y = 0; y < R; y++) {
                for (int x = 0; x < R; x++) {
                    int p = y * R + x;
                    int cls = y >= y0 && y < y0 + 3 ? 1 : y >= 6 ? 2 : 0;
                    s[i * R * R + p] = cls;
                    a[(i * U) * R * R + p] = y == 2 ? 1f : 0f;         // unit 0: exactly the location mask (row 2)
                    a[(i * U + 1) * R * R + p] = cls == 1 ? 1f : 0f;   // unit 1: exactly the class, wherever it is
                    for (int u = 2; u < U; u++) {
                        a[(i * U + u) * R * R + p] = rnd.nextFloat();  // noise
                    }
                }
            }
        }
        return new ControlsTest.Data(a, s, n);
    }

    static UnitControls controls(boolean fixedLabels, int seedData, int[] split) {
        Random rnd = new Random(seedData);
        ControlsTest.Data h = constructed(rnd, 30);
        ControlsTest.Data d = constructed(rnd, 80);
        double[] thr = {0.5, 0.5, 0.9, 0.9, 0.9, 0.9};
        int[] labels = new int[U];
        Arrays.fill(labels, fixedLabels ? 1 : -1);
        HeldOut held = HeldOut.of(h.acts(), h.seg(), h.n(), U, R, R, R, C3, thr, thr, labels);
        assertEquals(8, held.area()[0]);
        assertEquals(24, held.area()[1]);
        Thresholds t = new Thresholds(thr, null, held);
        EvalShard total = null;
        for (int k = 0; k + 1 < split.length; k++) {
            int from = split[k];
            int to = split[k + 1];
            EvalShard s = new EvalShard(t, C3, 3, 99);
            s.add(new EvalShard.Kernel(R, R, R), Arrays.copyOfRange(d.acts(), from * U * R * R, to * U * R * R),
                    Arrays.copyOfRange(d.seg(), from * R * R, to * R * R), to - from, from);
            if (total == null) {
                total = s;
            } else {
                total.merge(s);
            }
        }
        DissectionReport r = fixedLabels ? DissectionReport.withLabels(total.tally(), labels, new boolean[U]) : DissectionReport.byIou(total.tally());
        assertEquals(1, r.bestLabel()[0]);
        assertEquals(1, r.bestLabel()[1]);
        assertTrue(r.interpretable()[0], "the location unit passes the SPEC rule");
        assertTrue(r.interpretable()[1]);
        return UnitControls.of(r, total, CATS3);
    }

    @Test
    void aLocationMaskDoesNotPassAndRealSignalDoes() {
        for (boolean fixed : new boolean[] {true, false}) {
            UnitControls c = controls(fixed, 3, new int[] {0, 80});
            assertEquals(0.0, c.lift()[0], "unit 0 is its location mask");
            assertEquals(0.0, c.liftSe()[0]);
            assertEquals(1.0, c.locationP()[0]);
            assertFalse(c.beatsLocation()[0]);
            assertFalse(c.interpretableControlled()[0], "SPEC-interpretable, but only a location mask");
            assertTrue(c.lift()[1] > 0.3, "lift " + c.lift()[1]);
            assertTrue(c.locationP()[1] < 1e-6, "p " + c.locationP()[1]);
            assertTrue(c.beatsLocation()[1] && c.minEffect()[1] && c.interpretableControlled()[1]);
        }
    }

    @Test
    void sameCountsSameBitsWhateverTheSplit() {
        for (boolean fixed : new boolean[] {true, false}) {
            UnitControls a = controls(fixed, 4, new int[] {0, 80});
            UnitControls b = controls(fixed, 4, new int[] {0, 7, 8, 50, 80});
            assertArrayEquals(a.locationP(), b.locationP(), 0.0);
            assertArrayEquals(a.locationQ(), b.locationQ(), 0.0);
            assertArrayEquals(a.liftSe(), b.liftSe(), 0.0);
            assertArrayEquals(a.interpretableControlled(), b.interpretableControlled());
            for (String k : a.controlledCountInterval().keySet()) {
                assertArrayEquals(a.controlledCountInterval().get(k), b.controlledCountInterval().get(k), 0.0);
                assertArrayEquals(a.countInterval().get(k), b.countInterval().get(k), 0.0);
            }
        }
    }

    // ---- the whole decision, point and per replicate, from explicit per-image masks ----

    @Test
    void wholeDecisionPerReplicateMatchesBruteForce() {
        int unitsTotal = ControlsTest.UNITS;
        int c = ControlsTest.C;
        int px = ControlsTest.P;
        for (boolean fixedLabels : new boolean[] {true, false}) {
            Random rnd = new Random(fixedLabels ? 31 : 32);
            ControlsTest.Data h = signal(rnd, 20);
            ControlsTest.Data d = signal(rnd, 60);
            double[] thr = ControlsTest.thresholds(rnd);
            int[] labels = new int[unitsTotal];
            for (int u = 0; u < unitsTotal; u++) {
                labels[u] = fixedLabels ? 1 + u % (c - 1) : -1;
            }
            HeldOut held = ControlsTest.heldOut(h, thr, thr, labels);
            Thresholds t = new Thresholds(thr, null, held);
            EvalShard shard = ControlsTest.count(t, d, 0, d.n());
            DissectionReport r = fixedLabels ? DissectionReport.withLabels(shard.tally(), labels, new boolean[unitsTotal])
                    : DissectionReport.byIou(shard.tally());
            UnitControls uc = UnitControls.of(r, shard, ControlsTest.CATS);

            // per image, unit, class: on-pixels, class pixels, intersections, location-mask intersections
            int n = d.n();
            long[][] on = new long[n][unitsTotal];
            long[][] cls = new long[n][c];
            long[][][] inter = new long[n][unitsTotal][c];
            long[][][] loc = new long[n][unitsTotal][c];
            boolean[][][] masks = new boolean[unitsTotal][c][];
            for (int u = 0; u < unitsTotal; u++) {
                for (int k = 0; k < c; k++) {
                    masks[u][k] = ControlsTest.locationMask(held, k, held.area()[u]);
                }
            }
            for (int i = 0; i < n; i++) {
                for (int p = 0; p < px; p++) {
                    cls[i][d.seg()[i * px + p]]++;
                }
                for (int u = 0; u < unitsTotal; u++) {
                    double[] up = d.up(i, u);
                    for (int p = 0; p < px; p++) {
                        int lab = d.seg()[i * px + p];
                        if (up[p] > thr[u]) {
                            on[i][u]++;
                            inter[i][u][lab]++;
                        }
                        if (masks[u][lab][p]) {
                            loc[i][u][lab]++;
                        }
                    }
                }
            }
            int reps = Bootstrap.REPLICATES;
            int[][] w = new int[n][reps];
            for (int i = 0; i < n; i++) {
                Bootstrap.weights(SEED_OF_COUNT, i, w[i]);
            }
            // the point decision (all weights 1)
            int[] ones = new int[n];
            Arrays.fill(ones, 1);
            Decision point = decide(ones, fixedLabels ? labels : null, on, cls, inter, loc, held.area(), px);
            assertArrayEquals(r.bestLabel(), point.label);
            for (int u = 0; u < unitsTotal; u++) {
                assertEquals(point.p[u], uc.locationP()[u], 1e-9 * Math.max(point.p[u], 1e-300), "p unit " + u);
                assertEquals(point.q[u], uc.locationQ()[u], 1e-9 * point.q[u], "q unit " + u);
                assertEquals(point.spec[u], r.interpretable()[u]);
                assertEquals(point.controlled[u], uc.interpretableControlled()[u], "unit " + u);
            }
            // the count intervals: the whole decision per replicate
            List<String> keys = List.of("object", "part", "material", "total");
            double[][] plain = new double[keys.size()][reps];
            double[][] ctl = new double[keys.size()][reps];
            double[][] steps = new double[UnitControls.FUNNEL_STEPS.size()][reps];
            int[] wb = new int[n];
            for (int b = 0; b < reps; b++) {
                for (int i = 0; i < n; i++) {
                    wb[i] = w[i][b];
                }
                Decision x = decide(wb, fixedLabels ? labels : null, on, cls, inter, loc, held.area(), px);
                for (int u = 0; u < unitsTotal; u++) {
                    if (x.spec[u]) {
                        steps[0][b]++;
                        steps[1][b] += x.p[u] <= 0.05 ? 1 : 0;
                        steps[2][b] += x.q[u] <= 0.05 ? 1 : 0;
                        steps[3][b] += x.controlled[u] ? 1 : 0;
                    }
                    for (int j = 0; j < keys.size(); j++) {
                        if (x.spec[u] && (keys.get(j).equals("total") || ControlsTest.CATS.get(x.label[u]).equals(keys.get(j)))) {
                            plain[j][b]++;
                            ctl[j][b] += x.controlled[u] ? 1 : 0;
                        }
                    }
                }
            }
            double total = 0;
            for (int j = 0; j < keys.size(); j++) {
                String key = keys.get(j);
                assertArrayEquals(new double[] {ControlsTest.hazen(plain[j], 0.025), ControlsTest.hazen(plain[j], 0.975)},
                        uc.countInterval().get(key), 1e-12, key);
                assertArrayEquals(new double[] {ControlsTest.hazen(ctl[j], 0.025), ControlsTest.hazen(ctl[j], 0.975)},
                        uc.controlledCountInterval().get(key), 1e-12, key);
                total += Arrays.stream(ctl[j]).sum();
            }
            // the decision step by step: each step's interval from the same replicates
            for (int j = 0; j < steps.length; j++) {
                assertArrayEquals(new double[] {ControlsTest.hazen(steps[j], 0.025), ControlsTest.hazen(steps[j], 0.975)},
                        uc.funnelInterval()[j], 1e-12, UnitControls.FUNNEL_STEPS.get(j));
            }
            assertArrayEquals(uc.countInterval().get("total"), uc.funnelInterval()[0], 0.0);
            assertArrayEquals(uc.controlledCountInterval().get("total"), uc.funnelInterval()[3], 0.0);
            assertTrue(total > 0, "some replicates count controlled units (a test that can fail)");
            double[] ci = uc.controlledCountInterval().get("total");
            assertTrue(uc.controlledTotal() >= 1, "some units pass");
            assertTrue(uc.locationP()[ControlsTest.UNITS - 1] > 0.05, "the unit without signal does not");
            assertTrue(ci[0] < ci[1], "the replicates disagree: the interval is not a point");
        }
    }

    static final long SEED_OF_COUNT = ControlsTest.SEED;

    /**
     * ControlsTest's geometry with units that follow their class wherever it is (classes are
     * rectangles at random places), with a strength that differs by unit, so some units beat
     * their location mask clearly, some marginally and some not.
     */
    static ControlsTest.Data signal(Random rnd, int n) {
        int h = ControlsTest.H;
        int w = ControlsTest.W;
        int res = ControlsTest.RES;
        int units = ControlsTest.UNITS;
        float[] a = new float[n * units * h * w];
        int[] s = new int[n * res * res];
        double[] strength = {1.0, 0.6, 0.35, 0.2, 0.0};
        for (int i = 0; i < n; i++) {
            for (int c = 1; c < ControlsTest.C; c++) {
                int y0 = rnd.nextInt(res - 3);
                int x0 = rnd.nextInt(res - 3);
                for (int y = y0; y < y0 + 3 + rnd.nextInt(2); y++) {
                    for (int x = x0; x < x0 + 3; x++) {
                        s[i * res * res + y * res + x] = c;
                    }
                }
            }
            for (int u = 0; u < units; u++) {
                for (int k = 0; k < h * w; k++) {
                    int cls = s[i * res * res + (2 * (k / w)) * res + 2 * (k % w)];
                    double v = (cls == 1 + u % (ControlsTest.C - 1) ? strength[u] : 0.0) + rnd.nextGaussian() * 0.25;
                    a[(i * units + u) * h * w + k] = (float) (Math.round(v * 16) / 16.0);
                }
            }
        }
        return new ControlsTest.Data(a, s, n);
    }

    record Decision(int[] label, double[] p, double[] q, boolean[] spec, boolean[] controlled) {
    }

    /** The decision of docs/CONTROLS.md section 6 from per-image counts with weights {@code w}; labels null: IoU argmax. */
    static Decision decide(int[] w, int[] fixed, long[][] on, long[][] cls, long[][][] inter, long[][][] loc, int[] area, int px) {
        int n = w.length;
        int units = on[0].length;
        int c = cls[0].length;
        int[] label = new int[units];
        double[] p = new double[units];
        boolean[] spec = new boolean[units];
        boolean[] effect = new boolean[units];
        long nb = 0;
        for (int x : w) {
            nb += x;
        }
        for (int u = 0; u < units; u++) {
            long a = 0;
            for (int i = 0; i < n; i++) {
                a += (long) w[i] * on[i][u];
            }
            double[] iou = new double[c];
            for (int k = 1; k < c; k++) {
                long tk = 0, ik = 0;
                for (int i = 0; i < n; i++) {
                    tk += (long) w[i] * cls[i][k];
                    ik += (long) w[i] * inter[i][u][k];
                }
                iou[k] = a + tk - ik == 0 ? 0 : (double) ik / (a + tk - ik);
            }
            int lab = 1;
            if (fixed != null) {
                lab = fixed[u];
            } else {
                for (int k = 2; k < c; k++) {
                    if (iou[k] > iou[lab]) {
                        lab = k;
                    }
                }
            }
            label[u] = lab;
            long[] ii = new long[n], aa = new long[n], tt = new long[n], ll = new long[n];
            long t = 0, in = 0;
            for (int i = 0; i < n; i++) {
                ii[i] = inter[i][u][lab];
                aa[i] = on[i][u];
                tt[i] = cls[i][lab];
                ll[i] = loc[i][u][lab];
                t += (long) w[i] * tt[i];
                in += (long) w[i] * ii[i];
            }
            double iqr = nb == 0 ? 0 : Scores.iqr(a, t, in, nb * px);
            spec[u] = iqr > 0.01 && iou[lab] > 0.05;
            double[] lv = new Images(ii, aa, tt, ll, area[u]).bruteLiftVar(w);
            p[u] = LocationTest.pValue(lv[0], lv[1]);
            double as = (double) a / (nb * px);
            double ts = (double) t / (nb * px);
            double nul = as + ts - as * ts == 0 ? 0 : as * ts / (as + ts - as * ts);
            effect[u] = lv[0] >= 0.02 && iou[lab] >= 2 * nul;
        }
        boolean[] rej = stepUp(p, 0.05);
        boolean[] controlled = new boolean[units];
        for (int u = 0; u < units; u++) {
            controlled[u] = spec[u] && rej[u] && effect[u];
        }
        return new Decision(label, p, qBrute(p), spec, controlled);
    }
}
