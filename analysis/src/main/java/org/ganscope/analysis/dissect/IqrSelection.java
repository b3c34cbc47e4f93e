package org.ganscope.analysis.dissect;

/**
 * IQR threshold selection, SPEC section 4 (gandissect {@code collect_iqr} + {@code dissect}).
 * For each unit {@code u}, label {@code l} and level {@code j}, with the counts of a
 * {@link LevelTally}:
 * <ul>
 *   <li>{@code MI = 0} at {@code j = 99} and for labels with {@code T/n < 1e-3};</li>
 *   <li>{@code IQR = MI/JE} (0/0 -> 0), then 0 where the agreement
 *       {@code (I + (n-A-T+I))/n <= 0.8} and where {@code L[u][j] <= 0};</li>
 *   <li>{@code maxIqr[u][l] = max_j IQR}, {@code levelIndex[u][l]} = first max (the higher
 *       threshold on ties);</li>
 *   <li>{@code bestLabel[u]} = first max over labels {@code l >= 1} (label 0 takes part in
 *       {@code maxIqr} but is never chosen); {@code thresholds[u] = L[u][levelIndex[u][best]]}.</li>
 * </ul>
 * {@code labelUndetermined[u]} is true when every {@code maxIqr[u][l >= 1]} is 0 (then the
 * label is 1, by the first-max rule).
 *
 * @param levels {@code [U][100]} candidate levels
 * @param maxIqr {@code [U][C]} best filtered IQR per unit and label (label 0 included)
 * @param levelIndex {@code [U][C]} level index of that maximum
 * @param bestLabel {@code [U]} chosen label ({@code >= 1})
 * @param chosenLevel {@code [U]} {@code levelIndex[u][bestLabel[u]]}
 * @param thresholds {@code [U]} {@code levels[u][chosenLevel[u]]}
 * @param labelUndetermined {@code [U]}
 */
public record IqrSelection(double[][] levels, double[][] maxIqr, int[][] levelIndex, int[] bestLabel,
        int[] chosenLevel, double[] thresholds, boolean[] labelUndetermined) {

    /** Minimum label fraction {@code T/n} for which MI is trusted. */
    public static final double MIN_LABEL_FRACTION = 1e-3;
    /** Agreement at or below which a candidate is discarded. */
    public static final double MIN_AGREEMENT = 0.8;

    /** Selects thresholds from merged counts (the labels need {@code numClasses >= 2}). */
    public static IqrSelection select(LevelTally tally) {
        int units = tally.units();
        int classes = tally.numClasses();
        if (classes < 2) {
            throw new IllegalArgumentException("IQR selection needs at least 2 classes");
        }
        double[][] levels = tally.levels();
        double[][] maxIqr = new double[units][classes];
        int[][] levelIndex = new int[units][classes];
        int[] best = new int[units];
        int[] chosen = new int[units];
        double[] thr = new double[units];
        boolean[] undetermined = new boolean[units];
        int last = IqrLevels.COUNT - 1;
        for (int u = 0; u < units; u++) {
            long[][] isect = tally.intersections(u);
            long[] t = tally.labelCounts(u);
            long n = 0;
            for (long x : t) {
                n += x;
            }
            long[] a = new long[IqrLevels.COUNT];
            for (int l = 0; l < classes; l++) {
                for (int j = 0; j < IqrLevels.COUNT; j++) {
                    a[j] += isect[l][j];
                }
            }
            for (int l = 0; l < classes; l++) {
                boolean rare = (double) t[l] / n < MIN_LABEL_FRACTION;
                double bestScore = Double.NEGATIVE_INFINITY;
                int bestJ = 0;
                for (int j = 0; j < IqrLevels.COUNT; j++) {
                    double s = candidate(a[j], t[l], isect[l][j], n, rare || j == last, levels[u][j]);
                    if (s > bestScore) {
                        bestScore = s;
                        bestJ = j;
                    }
                }
                maxIqr[u][l] = bestScore;
                levelIndex[u][l] = bestJ;
            }
            int b = 1;
            for (int l = 2; l < classes; l++) {
                if (maxIqr[u][l] > maxIqr[u][b]) {
                    b = l;
                }
            }
            best[u] = b;
            chosen[u] = levelIndex[u][b];
            thr[u] = levels[u][chosen[u]];
            undetermined[u] = maxIqr[u][b] == 0;
        }
        return new IqrSelection(levels, maxIqr, levelIndex, best, chosen, thr, undetermined);
    }

    /** The filtered IQR of one (unit, label, level) candidate. */
    static double candidate(long a, long t, long i, long n, boolean zeroMi, double level) {
        if (n == 0) {
            return 0.0;
        }
        double agreement = (double) (i + (n - a - t + i)) / n;
        if (agreement <= MIN_AGREEMENT || level <= 0) {
            return 0.0;
        }
        if (zeroMi) {
            return 0.0;
        }
        double[] p = Scores.table(a, t, i, n);
        double je = Scores.jointEntropy(p);
        return je == 0 ? 0.0 : Scores.mutualInformation(p) / je;
    }
}
