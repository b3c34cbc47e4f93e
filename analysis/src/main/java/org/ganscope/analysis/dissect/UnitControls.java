package org.ganscope.analysis.dissect;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The controls of a dissection, for each unit's label {@code c} (all from the evaluation
 * images; {@code n} = evaluation pixels, {@code N} = evaluation images, {@code P} = pixels
 * per image):
 *
 * <ul>
 * <li><b>null IoU</b>: a mask independent of the image with the unit's area share
 *   {@code a = A/n} against class share {@code s = T/n}: {@code E[I]/E[U]} with
 *   {@code E[I] = a s n}, {@code E[U] = (a + s - a s) n}, i.e. {@code a s / (a + s - a s)}
 *   (0 when both are 0).</li>
 * <li><b>mean area</b>: the unit's on-pixels per evaluation image, {@code A/N} (its location
 *   mask has the threshold set's mean, {@code area[u]}, fixed before the evaluation pass).</li>
 * <li><b>location IoU</b>: the IoU of the unit's {@link HeldOut location mask} for
 *   {@code c} (the same {@code k = area[u]} pixels in every image, where {@code c} is most
 *   frequent on the threshold set): {@code L / (k N + T - L)}, {@code L} = class pixels
 *   inside the mask summed over images. <b>lift</b> = IoU - location IoU.</li>
 * <li><b>intervals</b>: Poisson bootstrap over images ({@link Bootstrap}), labels fixed; each
 *   replicate's IoU and location IoU from its weighted counts; 2.5% and 97.5% quantiles.</li>
 * <li><b>beats location</b>: the 2.5% quantile of the replicate lifts is above 0 (a
 *   one-sided 97.5% bound). A unit is <b>interpretable with control</b> when it is
 *   interpretable (SPEC section 5) and beats its location mask.</li>
 * <li><b>count intervals</b>: per replicate, the units whose replicate IQR and IoU pass the
 *   SPEC cut-offs, by category; with control, of those the units that beat their location
 *   mask (the decision above, fixed, as the labels are).</li>
 * <li><b>top-1% rule</b>: the SPEC quantile-mode report (IoU argmax labels) at the
 *   {@link HeldOut#topThresholds top-1% thresholds} of the same evaluation images.</li>
 * </ul>
 */
public record UnitControls(double[] nullIou, double[] meanArea, int[] locationArea, double[] locationIou, double[] lift, double[] iouLow, double[] iouHigh,
        double[] liftLow, boolean[] beatsLocation, boolean[] interpretableControlled, int replicates,
        Map<String, Integer> controlledByCategory, Map<String, double[]> countInterval,
        Map<String, double[]> controlledCountInterval, DissectionReport topRule, Map<String, Integer> topRuleByCategory) {

    /** Categories counted, in report order; "total" is every interpretable unit. */
    public static final List<String> CATEGORIES = List.of("object", "part", "material");
    public static final String TOTAL = "total";

    public static UnitControls of(DissectionReport r, EvalShard merged, List<String> categoryOfClass) {
        ControlTally ct = merged.controls();
        int units = r.thresholds().length;
        int classes = categoryOfClass.size();
        long[] classPixels = merged.classPixels();
        long images = merged.images();
        ThresholdTally tally = merged.tally();
        int[] area = ct.heldOut().area();
        double[] nullIou = new double[units];
        double[] meanArea = new double[units];
        double[] loc = new double[units];
        double[] lift = new double[units];
        double[] low = new double[units];
        double[] high = new double[units];
        double[] liftLow = new double[units];
        boolean[] beats = new boolean[units];
        boolean[] controlled = new boolean[units];
        int b = ct.replicates();
        double[][] repIou = new double[units][b];
        double[][] repLift = new double[units][b];
        double[][] repIqr = new double[units][b];
        long pixels = ct.heldOut().pixels();
        for (int u = 0; u < units; u++) {
            int c = r.bestLabel()[u];
            long a = tally.activeCount(u);
            long n = tally.pixelCount(u);
            long t = classPixels[c];
            nullIou[u] = nullIou(a, t, n);
            meanArea[u] = images == 0 ? 0 : (double) a / images;
            loc[u] = Scores.iou(area[u] * images, t, ct.loc[u * classes + c]);
            lift[u] = r.bestIou()[u] - loc[u];
            for (int k = 0; k < b; k++) {
                long bn = ct.bImages[k];
                long ba = ct.bOn[k * units + u];
                long bt = ct.bClass[k * classes + c];
                long bi = ct.replicateInter(k, u, c);
                repIou[u][k] = Scores.iou(ba, bt, bi);
                repIqr[u][k] = bn == 0 ? 0.0 : Scores.iqr(ba, bt, bi, bn * pixels);
                repLift[u][k] = repIou[u][k] - Scores.iou(area[u] * bn, bt, ct.replicateLoc(k, u, c));
            }
            double[] ci = Bootstrap.interval(repIou[u]);
            low[u] = ci[0];
            high[u] = ci[1];
            liftLow[u] = Bootstrap.lower(repLift[u]);
            beats[u] = liftLow[u] > 0;
            controlled[u] = r.interpretable()[u] && beats[u];
        }
        Map<String, Integer> controlledBy = counts(controlled, r.bestLabel(), categoryOfClass);
        Map<String, double[]> plainCi = new LinkedHashMap<>();
        Map<String, double[]> controlledCi = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>(CATEGORIES);
        keys.add(TOTAL);
        double[][] plainRep = new double[keys.size()][b];
        double[][] controlledRep = new double[keys.size()][b];
        for (int k = 0; k < b; k++) {
            for (int u = 0; u < units; u++) {
                boolean in = repIqr[u][k] > DissectionReport.IQR_THRESHOLD && repIou[u][k] > DissectionReport.IOU_THRESHOLD;
                int cat = keys.indexOf(categoryOfClass.get(r.bestLabel()[u]));
                for (int j : cat < 0 ? new int[] {keys.size() - 1} : new int[] {cat, keys.size() - 1}) {
                    if (in) {
                        plainRep[j][k]++;
                        if (beats[u]) {
                            controlledRep[j][k]++;
                        }
                    }
                }
            }
        }
        for (int j = 0; j < keys.size(); j++) {
            plainCi.put(keys.get(j), Bootstrap.interval(plainRep[j]));
            controlledCi.put(keys.get(j), Bootstrap.interval(controlledRep[j]));
        }
        ThresholdTally topTally = ThresholdTally.ofCounts(ct.heldOut().topThresholds(), classes, ct.topOn, totals(classPixels, units));
        DissectionReport top = DissectionReport.byIou(topTally);
        Map<String, Integer> topBy = counts(top.interpretable(), top.bestLabel(), categoryOfClass);
        return new UnitControls(nullIou, meanArea, area.clone(), loc, lift, low, high, liftLow, beats, controlled, b, controlledBy, plainCi, controlledCi,
                top, topBy);
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

    public int topRuleTotal() {
        return topRuleByCategory.get(TOTAL);
    }
}
