package org.ganscope.analysis.dissect;

/**
 * Per-unit labels and interpretable units, SPEC section 5 (gandissect {@code generate_report}).
 * With thresholds {@code thr[u]}: {@code iou[u][l]} and {@code iqr[u][l]} of section 3
 * (label 0 reported as 0), {@code bestIou = iou[u][bestLabel]},
 * {@code bestIqr = iqr[u][bestLabel]}; a unit is interpretable iff
 * {@code bestIqr > 0.01 && bestIou > 0.05}.
 *
 * @param thresholds {@code [U]}
 * @param iou {@code [U][C]}
 * @param iqr {@code [U][C]}
 * @param bestLabel {@code [U]}, always {@code >= 1}
 * @param bestIou {@code [U]}
 * @param bestIqr {@code [U]}
 * @param interpretable {@code [U]}
 * @param nInterpretable number of interpretable units
 * @param labelUndetermined {@code [U]}: every candidate score of the unit was 0
 */
public record DissectionReport(double[] thresholds, double[][] iou, double[][] iqr, int[] bestLabel,
        double[] bestIou, double[] bestIqr, boolean[] interpretable, int nInterpretable,
        boolean[] labelUndetermined) {

    /** gandissect's {@code iqr_threshold}. */
    public static final double IQR_THRESHOLD = 0.01;
    /** gandissect's {@code iou_threshold}. */
    public static final double IOU_THRESHOLD = 0.05;

    /** Quantile mode: {@code bestLabel[u]} = first max over {@code l >= 1} of {@code iou[u][l]}. */
    public static DissectionReport byIou(ThresholdTally tally) {
        Scored s = score(tally);
        int units = tally.units();
        int[] best = new int[units];
        boolean[] undetermined = new boolean[units];
        for (int u = 0; u < units; u++) {
            int b = 1;
            for (int l = 2; l < tally.numClasses(); l++) {
                if (s.iou[u][l] > s.iou[u][b]) {
                    b = l;
                }
            }
            best[u] = b;
            undetermined[u] = s.iou[u][b] == 0;
        }
        return build(tally, s, best, undetermined);
    }

    /** IQR mode: the labels chosen by {@link IqrSelection} (not the IoU argmax). */
    public static DissectionReport withLabels(ThresholdTally tally, int[] bestLabel, boolean[] labelUndetermined) {
        if (bestLabel.length != tally.units() || labelUndetermined.length != tally.units()) {
            throw new IllegalArgumentException("one label per unit expected");
        }
        return build(tally, score(tally), bestLabel.clone(), labelUndetermined.clone());
    }

    /** IQR mode from a selection and the counts at its thresholds. */
    public static DissectionReport fromSelection(ThresholdTally tally, IqrSelection selection) {
        return withLabels(tally, selection.bestLabel(), selection.labelUndetermined());
    }

    private record Scored(double[][] iou, double[][] iqr) {
    }

    private static Scored score(ThresholdTally tally) {
        int units = tally.units();
        int classes = tally.numClasses();
        if (classes < 2) {
            throw new IllegalArgumentException("a report needs at least 2 classes");
        }
        double[][] iou = new double[units][classes];
        double[][] iqr = new double[units][classes];
        for (int u = 0; u < units; u++) {
            long a = tally.activeCount(u);
            long n = tally.pixelCount(u);
            for (int l = 1; l < classes; l++) {
                long t = tally.labelCount(u, l);
                long i = tally.intersection(u, l);
                iou[u][l] = Scores.iou(a, t, i);
                iqr[u][l] = n == 0 ? 0.0 : Scores.iqr(a, t, i, n);
            }
        }
        return new Scored(iou, iqr);
    }

    private static DissectionReport build(ThresholdTally tally, Scored s, int[] best, boolean[] undetermined) {
        int units = tally.units();
        double[] bestIou = new double[units];
        double[] bestIqr = new double[units];
        boolean[] interp = new boolean[units];
        int count = 0;
        for (int u = 0; u < units; u++) {
            int b = best[u];
            if (b < 1 || b >= tally.numClasses()) {
                throw new IllegalArgumentException("label " + b + " of unit " + u + " is not in [1, C)");
            }
            bestIou[u] = s.iou[u][b];
            bestIqr[u] = s.iqr[u][b];
            interp[u] = bestIqr[u] > IQR_THRESHOLD && bestIou[u] > IOU_THRESHOLD;
            if (interp[u]) {
                count++;
            }
        }
        return new DissectionReport(tally.thresholds(), s.iou, s.iqr, best, bestIou, bestIqr, interp, count,
                undetermined);
    }
}
