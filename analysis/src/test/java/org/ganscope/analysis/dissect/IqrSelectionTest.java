package org.ganscope.analysis.dissect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** SPEC section 4: the conventions of IQR threshold selection. */
class IqrSelectionTest {

    private static double[] descendingLevels(double top) {
        double[] l = new double[IqrLevels.COUNT];
        for (int j = 0; j < l.length; j++) {
            l[j] = top - j;
        }
        return l;
    }

    private static LevelTally tally(double[] levels, int classes, double[] vals, int[] seg) {
        LevelTally t = new LevelTally(new double[][] {levels}, classes);
        t.addPlane(0, vals, 0, seg, 0, vals.length);
        return t;
    }

    @Test
    void filtersOfOneCandidate() {
        assertEquals(1.0, IqrSelection.candidate(1, 1, 1, 10, false, 1.0), 1e-15);
        assertEquals(0.0, IqrSelection.candidate(1, 1, 1, 10, true, 1.0), 0);        // j = 99 or rare label
        assertEquals(0.0, IqrSelection.candidate(1, 1, 0, 10, false, 1.0), 0);       // agreement exactly 0.8
        assertTrue(IqrSelection.candidate(10, 10, 1, 100, false, 1.0) > 0);          // agreement 0.82
        assertEquals(0.0, IqrSelection.candidate(1, 1, 1, 10, false, 0.0), 0);       // level <= 0
        assertEquals(0.0, IqrSelection.candidate(1, 1, 1, 10, false, -2.0), 0);
        assertTrue(IqrSelection.candidate(1, 1, 1, 10, false, Double.MIN_VALUE) > 0);
        assertEquals(0.0, IqrSelection.candidate(0, 0, 0, 0, false, 1.0), 0);
    }

    @Test
    void tiesPickTheFirstLevelThatIsTheHigherThreshold() {
        double[] vals = {200, 200, .5, .5, .5, .5, .5, .5, .5, .5};
        int[] seg = {1, 1, 0, 0, 0, 0, 0, 0, 0, 0};
        IqrSelection s = IqrSelection.select(tally(descendingLevels(100), 3, vals, seg));
        assertEquals(1.0, s.maxIqr()[0][1], 1e-15);
        assertEquals(0, s.levelIndex()[0][1]);
        assertEquals(1, s.bestLabel()[0]);
        assertEquals(100.0, s.thresholds()[0], 0);
        assertEquals(0.0, s.maxIqr()[0][2], 0);                          // absent label: T/n < 1e-3
        assertFalse(s.labelUndetermined()[0]);
    }

    @Test
    void rareLabelsHaveNoMutualInformation() {
        int n = 2000;
        double[] vals = new double[n];
        int[] seg = new int[n];
        vals[0] = 500;
        seg[0] = 1;                                                       // T/n = 5e-4 < 1e-3
        vals[1] = 500;
        vals[2] = 500;
        seg[1] = 2;
        seg[2] = 2;                                                       // T/n = 1e-3: kept
        IqrSelection s = IqrSelection.select(tally(descendingLevels(100), 3, vals, seg));
        assertEquals(0.0, s.maxIqr()[0][1], 0);
        assertTrue(s.maxIqr()[0][2] > 0);
        assertEquals(2, s.bestLabel()[0]);
    }

    @Test
    void lastLevelAndNonPositiveLevelsScoreZero() {
        double[] vals = {5, 5, -5, -5};
        int[] seg = {1, 1, 0, 0};
        double[] levels = descendingLevels(0);                           // 0, -1, ..., -99
        IqrSelection s = IqrSelection.select(tally(levels, 2, vals, seg));
        assertEquals(0.0, s.maxIqr()[0][1], 0);
        assertTrue(s.labelUndetermined()[0]);
        assertEquals(1, s.bestLabel()[0]);                               // reference: label 1
        assertEquals(0, s.chosenLevel()[0]);
        levels[IqrLevels.COUNT - 1] = 1;                                 // only j = 99 positive
        s = IqrSelection.select(tally(levels, 2, vals, seg));
        assertEquals(0.0, s.maxIqr()[0][1], 0);
    }

    @Test
    void labelZeroTakesPartButIsNeverChosen() {
        double[] vals = {200, 200, .5, .5, .5, .5, .5, .5, .5, .5};
        int[] seg = {0, 0, 1, 1, 1, 1, 1, 1, 1, 1};
        IqrSelection s = IqrSelection.select(tally(descendingLevels(100), 2, vals, seg));
        assertEquals(1.0, s.maxIqr()[0][0], 1e-15);
        assertEquals(0.0, s.maxIqr()[0][1], 0);
        assertEquals(1, s.bestLabel()[0]);
        assertTrue(s.labelUndetermined()[0]);
    }

    @Test
    void histogramCountsMatchBruteForceAtEveryLevel() {
        int classes = 5;
        ArrayDissection d = TallyTest.random(5, 17, 6, 4, 3, 9, 10, 5);
        double[][] levels = d.iqrLevels();
        LevelTally lt = new LevelTally(levels, classes);
        d.addTo(lt, 0, d.images());
        IqrSelection s = IqrSelection.select(lt);
        int units = levels.length;
        double[][] max = new double[units][classes];
        int[][] arg = new int[units][classes];
        for (double[] row : max) {
            java.util.Arrays.fill(row, -1);
        }
        for (int j = 0; j < IqrLevels.COUNT; j++) {
            double[] thr = new double[units];
            for (int u = 0; u < units; u++) {
                thr[u] = levels[u][j];
            }
            ThresholdTally t = d.tally(thr);
            for (int u = 0; u < units; u++) {
                long n = t.pixelCount(u);
                long a = t.activeCount(u);
                for (int l = 0; l < classes; l++) {
                    long tl = t.labelCount(u, l);
                    long i = t.intersection(u, l);
                    double[] p = Scores.table(a, tl, i, n);
                    double mi = Scores.mutualInformation(p);
                    if (j == IqrLevels.COUNT - 1 || (double) tl / n < 1e-3) {
                        mi = 0;
                    }
                    double je = Scores.jointEntropy(p);
                    double q = je == 0 ? 0 : mi / je;
                    if ((double) (i + n - a - tl + i) / n <= 0.8 || thr[u] <= 0) {
                        q = 0;
                    }
                    if (q > max[u][l]) {
                        max[u][l] = q;
                        arg[u][l] = j;
                    }
                }
            }
        }
        int positive = 0;
        for (int u = 0; u < units; u++) {
            assertArrayEquals(max[u], s.maxIqr()[u], "unit " + u);
            assertArrayEquals(arg[u], s.levelIndex()[u], "unit " + u);
            int best = 1;
            for (int l = 2; l < classes; l++) {
                if (max[u][l] > max[u][best]) {
                    best = l;
                }
            }
            assertEquals(best, s.bestLabel()[u]);
            assertEquals(levels[u][arg[u][best]], s.thresholds()[u], 0);
            positive += max[u][best] > 0 ? 1 : 0;
        }
        assertTrue(positive > 0, "the random case exercises positive scores");
    }
}
