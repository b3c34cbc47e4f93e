package org.ganscope.analysis.dissect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.ganscope.analysis.AnalysisException;
import org.junit.jupiter.api.Test;

/** The streaming counters of sections 3 and 4: strictness, merging of shards, consistency. */
class TallyTest {
    private static final int[] SHARDS = {0, 3, 17, 30, 51, 52, 80, 100};

    /** Random data with many ties (quarter steps) and labels correlated with some units. */
    static ArrayDissection random(long seed, int n, int units, int h, int w, int outH, int outW, int classes) {
        Random rnd = new Random(seed);
        float[] acts = new float[n * units * h * w];
        for (int i = 0; i < acts.length; i++) {
            acts[i] = Math.round(rnd.nextGaussian() * 4) / 4f + (i / (h * w)) % units * 0.25f - 0.5f;
        }
        int[] seg = new int[n * outH * outW];
        Upsampler up = new Upsampler(h, w, outH, outW);
        double[] plane = new double[outH * outW];
        for (int i = 0; i < n; i++) {
            up.apply(acts, (i * units + (i % units)) * h * w, plane, 0);
            for (int k = 0; k < plane.length; k++) {
                int l = rnd.nextInt(classes);
                if (plane[k] > 1.0 && rnd.nextDouble() < 0.8) {
                    l = 1 + i % (classes - 1);
                } else if (rnd.nextDouble() < 0.4) {
                    l = 0;
                }
                seg[i * plane.length + k] = l;
            }
        }
        return ArrayDissection.of(acts, n, units, h, w, seg, outH, outW, classes);
    }

    @Test
    void onIsStrictlyAboveTheThreshold() {
        ThresholdTally t = new ThresholdTally(new double[] {1.0}, 2);
        t.addPlane(0, new double[] {1.0, Math.nextUp(1.0), 0.5, 2.0}, 0, new int[] {1, 1, 0, 1}, 0, 4);
        assertEquals(2, t.activeCount(0));
        assertEquals(2, t.intersection(0, 1));
        assertEquals(3, t.labelCount(0, 1));
        assertEquals(1, t.labelCount(0, 0));
        assertEquals(4, t.pixelCount(0));
    }

    @Test
    void levelTallyIsStrictAtEveryLevel() {
        double[] levels = new double[IqrLevels.COUNT];
        for (int j = 0; j < levels.length; j++) {
            levels[j] = 99 - j;                          // 99, 98, ..., 0
        }
        LevelTally t = new LevelTally(new double[][] {levels}, 2);
        double[] vals = {50, 50.5, 99, 100, -1, 0};
        t.addPlane(0, vals, 0, new int[] {1, 1, 1, 0, 0, 1}, 0, vals.length);
        long[][] isect = t.intersections(0);
        for (int j = 0; j < levels.length; j++) {
            long expect1 = 0;
            long expect0 = 0;
            int[] labels = {1, 1, 1, 0, 0, 1};
            for (int k = 0; k < vals.length; k++) {
                if (vals[k] > levels[j]) {
                    if (labels[k] == 1) {
                        expect1++;
                    } else {
                        expect0++;
                    }
                }
            }
            assertEquals(expect1, isect[1][j], "label 1 level " + j);
            assertEquals(expect0, isect[0][j], "label 0 level " + j);
        }
        assertArrayEquals(new long[] {2, 4}, t.labelCounts(0));
    }

    @Test
    void levelTallyHandlesUnsortedLevels() {
        double[] levels = new double[IqrLevels.COUNT];
        Random rnd = new Random(3);
        for (int j = 0; j < levels.length; j++) {
            levels[j] = rnd.nextInt(20) / 2.0;           // arbitrary order, many duplicates
        }
        LevelTally t = new LevelTally(new double[][] {levels}, 3);
        double[] vals = new double[500];
        int[] seg = new int[500];
        for (int k = 0; k < vals.length; k++) {
            vals[k] = rnd.nextInt(24) / 2.0 - 1;
            seg[k] = rnd.nextInt(3);
        }
        t.addPlane(0, vals, 0, seg, 0, vals.length);
        long[][] isect = t.intersections(0);
        for (int j = 0; j < levels.length; j++) {
            for (int l = 0; l < 3; l++) {
                long c = 0;
                for (int k = 0; k < vals.length; k++) {
                    if (seg[k] == l && vals[k] > levels[j]) {
                        c++;
                    }
                }
                assertEquals(c, isect[l][j]);
            }
        }
    }

    @Test
    void sevenShardsMergeBitIdenticallyToOnePass() {
        ArrayDissection d = SpecFixtureTest.load(SpecCase.bundledCase1());
        double[] thr = d.quantileThresholds(0.01);
        ThresholdTally one = d.tally(thr);
        ThresholdTally merged = new ThresholdTally(thr, 6);
        for (int s = 0; s < SHARDS.length - 1; s++) {
            ThresholdTally shard = new ThresholdTally(thr, 6);
            d.addTo(shard, SHARDS[s], SHARDS[s + 1]);
            merged.merge(shard);
        }
        assertSameCounts(one, merged);
        assertSameReport(DissectionReport.byIou(one), DissectionReport.byIou(merged));

        double[][] levels = d.iqrLevels();
        LevelTally lone = new LevelTally(levels, 6);
        d.addTo(lone, 0, 100);
        LevelTally lmerged = new LevelTally(levels, 6);
        for (int s = SHARDS.length - 2; s >= 0; s--) {                // any order
            LevelTally shard = new LevelTally(levels, 6);
            d.addTo(shard, SHARDS[s], SHARDS[s + 1]);
            lmerged.merge(shard);
        }
        IqrSelection a = IqrSelection.select(lone);
        IqrSelection b = IqrSelection.select(lmerged);
        for (int u = 0; u < levels.length; u++) {
            assertArrayEquals(a.maxIqr()[u], b.maxIqr()[u]);
            assertArrayEquals(a.levelIndex()[u], b.levelIndex()[u]);
        }
        assertArrayEquals(a.thresholds(), b.thresholds());
        assertArrayEquals(a.bestLabel(), b.bestLabel());
        assertSameReport(DissectionReport.fromSelection(lone.atLevels(a.chosenLevel()), a),
                DissectionReport.fromSelection(lmerged.atLevels(b.chosenLevel()), b));
    }

    @Test
    void countsAtChosenLevelsEqualASecondPass() {
        ArrayDissection d = random(11, 13, 4, 3, 5, 7, 11, 4);
        double[][] levels = d.iqrLevels();
        LevelTally lt = new LevelTally(levels, 4);
        d.addTo(lt, 0, d.images());
        int[] idx = {0, 17, 50, 99};
        ThresholdTally fromLevels = lt.atLevels(idx);
        double[] thr = new double[4];
        for (int u = 0; u < 4; u++) {
            thr[u] = levels[u][idx[u]];
        }
        assertSameCounts(d.tally(thr), fromLevels);
    }

    @Test
    void batchAddEqualsPlaneAdds() {
        double[] up = {0.5, 2, 3, -1, 4, 4, 0, 1};                   // [B=2][U=2][2]
        int[] seg = {0, 1, 1, 1};                                    // [B=2][2]
        ThresholdTally a = new ThresholdTally(new double[] {1, 3.5}, 2);
        a.add(up, seg, 2, 2);
        assertEquals(3, a.intersection(0, 1));                       // 2 (img0), 4 and 4 (img1)
        assertEquals(3, a.activeCount(0));
        assertEquals(1, a.labelCount(0, 0));
        assertEquals(0, a.activeCount(1));                           // 3 > 3.5 fails
        assertEquals(3, a.labelCount(1, 1));
        assertEquals(4, a.pixelCount(1));
        ThresholdTally b = new ThresholdTally(new double[] {1, 3.5}, 2);
        b.addPlane(1, up, 2, seg, 0, 2);
        b.addPlane(0, up, 4, seg, 2, 2);
        b.addPlane(0, up, 0, seg, 0, 2);
        b.addPlane(1, up, 6, seg, 2, 2);
        assertSameCounts(a, b);
    }

    @Test
    void labelsOutsideTheClassesAreRejected() {
        ThresholdTally t = new ThresholdTally(new double[] {0}, 3);
        AnalysisException e = assertThrows(AnalysisException.class,
                () -> t.addPlane(0, new double[] {1, 2}, 0, new int[] {0, 3}, 0, 2));
        assertTrue(e.getMessage().contains("label 3"), e.getMessage());
        LevelTally lt = new LevelTally(new double[][] {new double[IqrLevels.COUNT]}, 3);
        assertThrows(AnalysisException.class, () -> lt.addPlane(0, new double[] {1}, 0, new int[] {-1}, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> t.merge(new ThresholdTally(new double[] {1}, 3)));
    }

    static void assertSameCounts(ThresholdTally a, ThresholdTally b) {
        assertArrayEquals(a.thresholds(), b.thresholds());
        for (int u = 0; u < a.units(); u++) {
            assertEquals(a.activeCount(u), b.activeCount(u));
            assertEquals(a.pixelCount(u), b.pixelCount(u));
            for (int l = 0; l < a.numClasses(); l++) {
                assertEquals(a.intersection(u, l), b.intersection(u, l));
                assertEquals(a.labelCount(u, l), b.labelCount(u, l));
            }
        }
    }

    static void assertSameReport(DissectionReport a, DissectionReport b) {
        assertArrayEquals(a.thresholds(), b.thresholds());
        for (int u = 0; u < a.thresholds().length; u++) {
            assertArrayEquals(a.iou()[u], b.iou()[u]);
            assertArrayEquals(a.iqr()[u], b.iqr()[u]);
        }
        assertArrayEquals(a.bestLabel(), b.bestLabel());
        assertArrayEquals(a.bestIou(), b.bestIou());
        assertArrayEquals(a.bestIqr(), b.bestIqr());
        assertArrayEquals(a.interpretable(), b.interpretable());
        assertArrayEquals(a.labelUndetermined(), b.labelUndetermined());
        assertEquals(a.nInterpretable(), b.nInterpretable());
    }
}
