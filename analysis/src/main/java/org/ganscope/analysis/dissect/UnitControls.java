package org.ganscope.analysis.dissect;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The controls of a dissection and the controlled decision of docs/CONTROLS.md, for each
 * unit's label {@code c} (all from the evaluation images; {@code n} = evaluation pixels,
 * {@code N} = evaluation images):
 *
 * <ul>
 * <li><b>null IoU</b>: a mask independent of the image with the unit's area share
 *   {@code a = A/n} against class share {@code s = T/n}: {@code a s / (a + s - a s)}.</li>
 * <li><b>mean area</b>: the unit's on-pixels per evaluation image, {@code A/N}.</li>
 * <li><b>location IoU</b>: the IoU of the unit's {@link HeldOut location mask} for {@code c};
 *   <b>lift</b> = IoU - location IoU.</li>
 * <li><b>location test</b>: per unit the one-sided delta-method p-value that the lift is
 *   above 0 ({@link LocationTest}), Benjamini-Hochberg q-values over the layer's units
 *   ({@link BenjaminiHochberg}); <b>beats location</b> iff {@code q <= 0.05}.</li>
 * <li><b>minimum effect</b>: {@code lift >= MIN_LIFT} and {@code IoU >= NULL_RATIO * null IoU}.</li>
 * <li><b>interpretable with control</b>: SPEC section 5 and beats location and minimum effect.</li>
 * <li><b>intervals</b>: Poisson bootstrap over images ({@link Bootstrap}); per unit the IoU and
 *   the lift at the unit's label (descriptive); for the counts, the whole decision recomputed
 *   per replicate (labels in quantile mode, SPEC rule, location mask of the replicate's label,
 *   p-values from the replicate's weighted moments, BH, minimum effect); 2.5% and 97.5% quantiles.</li>
 * <li><b>top-1% rule</b>: the SPEC quantile-mode report (IoU argmax labels) at the
 *   {@link HeldOut#topThresholds top-1% thresholds} of the same evaluation images.</li>
 * </ul>
 */
public record UnitControls(double[] nullIou, double[] meanArea, int[] locationArea, double[] locationIou, double[] lift, double[] iouLow, double[] iouHigh,
        double[] liftLow, double[] liftSe, double[] locationP, double[] locationQ, boolean[] beatsLocation, boolean[] minEffect,
        boolean[] interpretableControlled, int replicates, Map<String, Integer> controlledByCategory, int[] controlledPerClass,
        Map<String, double[]> countInterval, Map<String, double[]> controlledCountInterval, double[][] funnelInterval, DissectionReport topRule,
        Map<String, Integer> topRuleByCategory) {

    /** Categories counted, in report order; "total" is every interpretable unit. */
    public static final List<String> CATEGORIES = List.of("object", "part", "material");
    public static final String TOTAL = "total";
    /**
     * The steps of {@link #funnel}, in order: the SPEC rule (without control), and the location
     * test at p <= 0.05 uncorrected, and after Benjamini-Hochberg, and the minimum effect (controlled).
     */
    public static final List<String> FUNNEL_STEPS = List.of("without_control", "location_uncorrected", "location_fdr", "controlled");
    /** Minimum effect: the lift over the location baseline (docs/CONTROLS.md section 5). */
    public static final double MIN_LIFT = 0.02;
    /** Minimum effect: IoU at least this multiple of the null IoU. */
    public static final double NULL_RATIO = 2.0;

    /** The minimum effect of docs/CONTROLS.md section 5. */
    public static boolean minEffect(double iou, double lift, double nullIou) {
        return lift >= MIN_LIFT && iou >= NULL_RATIO * nullIou;
    }

    public static UnitControls of(DissectionReport r, EvalShard merged, List<String> categoryOfClass) {
        ControlTally ct = merged.controls();
        int units = r.thresholds().length;
        int classes = categoryOfClass.size();
        long[] classPixels = merged.classPixels();
        long images = merged.images();
        ThresholdTally tally = merged.tally();
        int[] area = ct.heldOut().area();
        long pixels = ct.heldOut().pixels();
        boolean fixedLabels = ct.heldOut().labels().length > 0 && ct.heldOut().labels()[0] >= 0;
        double[] nullIou = new double[units];
        double[] meanArea = new double[units];
        double[] loc = new double[units];
        double[] lift = new double[units];
        double[] low = new double[units];
        double[] high = new double[units];
        double[] liftLow = new double[units];
        double[] liftSe = new double[units];
        double[] pValue = new double[units];
        boolean[] minEffect = new boolean[units];
        int b = ct.replicates();
        double[][] repIou = new double[units][b];
        double[][] repLift = new double[units][b];
        for (int u = 0; u < units; u++) {
            int c = r.bestLabel()[u];
            long a = tally.activeCount(u);
            long n = tally.pixelCount(u);
            long t = classPixels[c];
            long inter = tally.intersection(u, c);
            long l = ct.loc[u * classes + c];
            nullIou[u] = nullIou(a, t, n);
            meanArea[u] = images == 0 ? 0 : (double) a / images;
            loc[u] = Scores.iou(area[u] * images, t, l);
            lift[u] = r.bestIou()[u] - loc[u];
            double var = LocationTest.variance(images, inter, a + t - inter, l, area[u] * images + t - l, ct.mom, ct.momentOffset(u, c));
            liftSe[u] = Double.isNaN(var) ? Double.NaN : Math.sqrt(var);
            pValue[u] = LocationTest.pValue(lift[u], var);
            minEffect[u] = minEffect(r.bestIou()[u], lift[u], nullIou[u]);
            for (int k = 0; k < b; k++) {
                long bn = ct.bImages[k];
                long ba = ct.bOn[k * units + u];
                long bt = ct.bClass[k * classes + c];
                long bi = ct.replicateInter(k, u, c);
                repIou[u][k] = Scores.iou(ba, bt, bi);
                repLift[u][k] = repIou[u][k] - Scores.iou(area[u] * bn, bt, ct.replicateLoc(k, u, c));
            }
            double[] ci = Bootstrap.interval(repIou[u]);
            low[u] = ci[0];
            high[u] = ci[1];
            liftLow[u] = Bootstrap.lower(repLift[u]);
        }
        double[] qValue = BenjaminiHochberg.qValues(pValue);
        boolean[] beats = new boolean[units];
        boolean[] controlled = new boolean[units];
        int[] perClass = new int[classes];
        for (int u = 0; u < units; u++) {
            beats[u] = qValue[u] <= BenjaminiHochberg.Q;
            controlled[u] = r.interpretable()[u] && beats[u] && minEffect[u];
            if (controlled[u]) {
                perClass[r.bestLabel()[u]]++;
            }
        }
        Map<String, Integer> controlledBy = counts(controlled, r.bestLabel(), categoryOfClass);

        // the whole decision once per replicate, from the replicate's weighted counts
        List<String> keys = new ArrayList<>(CATEGORIES);
        keys.add(TOTAL);
        double[][] plainRep = new double[keys.size()][b];
        double[][] controlledRep = new double[keys.size()][b];
        double[][] funnelRep = new double[FUNNEL_STEPS.size()][b];
        int[] label = new int[units];
        double[] iou = new double[units];
        double[] p = new double[units];
        boolean[] spec = new boolean[units];
        boolean[] effect = new boolean[units];
        for (int k = 0; k < b; k++) {
            long bn = ct.bImages[k];
            for (int u = 0; u < units; u++) {
                long ba = ct.bOn[k * units + u];
                int c = fixedLabels ? r.bestLabel()[u] : replicateLabel(ct, k, u, classes);
                label[u] = c;
                long bt = ct.bClass[k * classes + c];
                long bi = ct.replicateInter(k, u, c);
                long bl = ct.replicateLoc(k, u, c);
                iou[u] = Scores.iou(ba, bt, bi);
                double iqr = bn == 0 ? 0.0 : Scores.iqr(ba, bt, bi, bn * pixels);
                spec[u] = iqr > DissectionReport.IQR_THRESHOLD && iou[u] > DissectionReport.IOU_THRESHOLD;
                double bLift = iou[u] - Scores.iou(area[u] * bn, bt, bl);
                double var = LocationTest.variance(bn, bi, ba + bt - bi, bl, area[u] * bn + bt - bl, ct.bMom, ct.replicateMomentOffset(k, u, c));
                p[u] = LocationTest.pValue(bLift, var);
                effect[u] = minEffect(iou[u], bLift, nullIou(ba, bt, bn * pixels));
            }
            double[] q = BenjaminiHochberg.qValues(p);
            for (int u = 0; u < units; u++) {
                if (!spec[u]) {
                    continue;
                }
                boolean ctl = q[u] <= BenjaminiHochberg.Q && effect[u];
                funnelRep[0][k]++;
                funnelRep[1][k] += p[u] <= BenjaminiHochberg.Q ? 1 : 0;
                funnelRep[2][k] += q[u] <= BenjaminiHochberg.Q ? 1 : 0;
                funnelRep[3][k] += ctl ? 1 : 0;
                int cat = keys.indexOf(categoryOfClass.get(label[u]));
                for (int j : cat < 0 ? new int[] {keys.size() - 1} : new int[] {cat, keys.size() - 1}) {
                    plainRep[j][k]++;
                    if (ctl) {
                        controlledRep[j][k]++;
                    }
                }
            }
        }
        Map<String, double[]> plainCi = new LinkedHashMap<>();
        Map<String, double[]> controlledCi = new LinkedHashMap<>();
        for (int j = 0; j < keys.size(); j++) {
            plainCi.put(keys.get(j), Bootstrap.interval(plainRep[j]));
            controlledCi.put(keys.get(j), Bootstrap.interval(controlledRep[j]));
        }
        double[][] funnelCi = new double[FUNNEL_STEPS.size()][];
        for (int j = 0; j < funnelCi.length; j++) {
            funnelCi[j] = Bootstrap.interval(funnelRep[j]);
        }
        ThresholdTally topTally = ThresholdTally.ofCounts(ct.heldOut().topThresholds(), classes, ct.topOn, totals(classPixels, units));
        DissectionReport top = DissectionReport.byIou(topTally);
        Map<String, Integer> topBy = counts(top.interpretable(), top.bestLabel(), categoryOfClass);
        return new UnitControls(nullIou, meanArea, area.clone(), loc, lift, low, high, liftLow, liftSe, pValue, qValue, beats, minEffect,
                controlled, b, controlledBy, perClass, plainCi, controlledCi, funnelCi, top, topBy);
    }

    /** Quantile mode: the replicate's IoU argmax over classes {@code >= 1} (first max), as {@link DissectionReport#byIou}. */
    private static int replicateLabel(ControlTally ct, int k, int u, int classes) {
        long ba = ct.bOn[k * ct.heldOut().units() + u];
        int best = 1;
        double bestIou = Scores.iou(ba, ct.bClass[k * classes + 1], ct.replicateInter(k, u, 1));
        for (int c = 2; c < classes; c++) {
            double v = Scores.iou(ba, ct.bClass[k * classes + c], ct.replicateInter(k, u, c));
            if (v > bestIou) {
                bestIou = v;
                best = c;
            }
        }
        return best;
    }

    /** {@code a s / (a + s - a s)} with {@code a = A/n}, {@code s = T/n}; 0 when {@code n} or both shares are 0. */
    public static double nullIou(long a, long t, long n) {
        if (n == 0) {
            return 0.0;
        }
        double as = (double) a / n;
        double ts = (double) t / n;
        double union = as + ts - as * ts;
        return union == 0 ? 0.0 : as * ts / union;
    }

    private static long[] totals(long[] classPixels, int units) {
        long[] total = new long[units * classPixels.length];
        for (int u = 0; u < units; u++) {
            System.arraycopy(classPixels, 0, total, u * classPixels.length, classPixels.length);
        }
        return total;
    }

    /** Units flagged, by category of their label (object, part, material) plus "total". */
    static Map<String, Integer> counts(boolean[] flag, int[] label, List<String> categoryOfClass) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (String c : CATEGORIES) {
            m.put(c, 0);
        }
        int total = 0;
        for (int u = 0; u < flag.length; u++) {
            if (flag[u]) {
                m.merge(categoryOfClass.get(label[u]), 1, Integer::sum);
                total++;
            }
        }
        m.put(TOTAL, total);
        return m;
    }

    public int controlledTotal() {
        return controlledByCategory.get(TOTAL);
    }

    /** Units that beat their location baseline after BH (whatever the SPEC rule and minimum effect). */
    public int beatsTotal() {
        int n = 0;
        for (boolean x : beatsLocation) {
            n += x ? 1 : 0;
        }
        return n;
    }

    /**
     * The decision step by step over the units of {@code r}: {@code [SPEC rule (without control),
     * ... and location p <= 0.05 uncorrected, ... and beating the location baseline after BH,
     * ... and the minimum effect (= controlled)]}; their 95% intervals, the whole decision per
     * replicate, are {@link #funnelInterval} in the same order ({@link #FUNNEL_STEPS}).
     */
    public int[] funnel(DissectionReport r) {
        int[] f = new int[4];
        for (int u = 0; u < locationP.length; u++) {
            if (r.interpretable()[u]) {
                f[0]++;
                f[1] += locationP[u] <= BenjaminiHochberg.Q ? 1 : 0;
                if (beatsLocation[u]) {
                    f[2]++;
                    f[3] += minEffect[u] ? 1 : 0;
                }
            }
        }
        return f;
    }

    public int topRuleTotal() {
        return topRuleByCategory.get(TOTAL);
    }
}
