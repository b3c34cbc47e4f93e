package org.ganscope.analysis.dissect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link UnitIqrStats} against the brute force: every plane upsampled, one full sort, every pixel counted. */
class UnitIqrStatsTest {
    private static final int CLASSES = 5;

    @Test
    void levelsAndCountsEqualFullSortAndPerPixelCounting() {
        int[][] geometries = {{16, 16, 64}, {8, 8, 32}, {6, 5, 20}, {4, 4, 4}, {32, 32, 16}};
        Random rnd = new Random(11);
        for (int g = 0; g < geometries.length; g++) {
            int h = geometries[g][0];
            int w = geometries[g][1];
            int res = geometries[g][2];
            for (int kind = 0; kind < 5; kind++) {
                check(h, w, res, kind, rnd, false, "geometry " + g + " kind " + kind);
            }
        }
    }

    @Test
    void aRepeatedSecondSweepGivesTheSameResult() {
        Random rnd = new Random(12);
        for (int kind = 0; kind < 5; kind++) {
            check(16, 16, 64, kind, rnd, true, "kind " + kind);
        }
    }

    private static void check(int h, int w, int res, int kind, Random rnd, boolean recheck, String what) {
        int n = 12;
        int units = 3;
        int hw = h * w;
        int seg = res * res;
        float[] acts = new float[n * units * hw];
        for (int i = 0; i < acts.length; i++) {
            acts[i] = value(kind, rnd, i, w);
        }
        int[] lab = new int[n * seg];
        for (int i = 0; i < n; i++) { // blocky label maps: most cells uniform, some mixed
            int bx = 1 + rnd.nextInt(res);
            int by = 1 + rnd.nextInt(res);
            for (int p = 0; p < seg; p++) {
                int y = p / res;
                int x = p % res;
                lab[i * seg + p] = rnd.nextInt(50) == 0 ? rnd.nextInt(CLASSES) : ((x / bx) * 3 + (y / by) + i) % CLASSES;
            }
        }
        LabelMaps labels = new LabelMaps(n, seg, CLASSES);
        labels.put(0, lab, 0, n);
        CellGrid grid = new CellGrid(h, w, res, res);
        int[] uniform = UnitIqrStats.uniformLabels(grid, labels, n);
        UnitIqrStats stats = new UnitIqrStats(grid);
        stats.forceRecheck = recheck;
        Upsampler up = new Upsampler(h, w, res, res);
        for (int u = 0; u < units; u++) {
            double[] all = new double[n * seg];
            for (int i = 0; i < n; i++) {
                up.apply(acts, (i * units + u) * hw, all, i * seg);
            }
            double[] sorted = all.clone();
            Arrays.sort(sorted);
            double[] levels = IqrLevels.levels(sorted);
            LevelTally ref = new LevelTally(new double[][] {levels}, CLASSES);
            ref.addPlane(0, all, 0, lab, 0, all.length);

            UnitIqrStats.Result r = stats.unit(acts, u, units, hw, n, labels, uniform, CLASSES);
            assertArrayEquals(levels, r.levels(), 0.0, what + " unit " + u + ": levels"); // -0.0 == 0.0: zeros are placed as +0.0, as before
            LevelTally fast = new LevelTally(new double[][] {r.levels()}, CLASSES);
            fast.addHistogram(0, r.histogram());
            assertArrayEquals(ref.labelCounts(0), fast.labelCounts(0), what + " unit " + u + ": label counts");
            long[][] a = ref.intersections(0);
            long[][] b = fast.intersections(0);
            for (int l = 0; l < CLASSES; l++) {
                assertArrayEquals(a[l], b[l], what + " unit " + u + " label " + l);
            }
            assertEquals(n * seg, Arrays.stream(r.histogram()).sum(), what);
        }
    }

    /** Activation-like values: ReLU zeros in patches, smooth ramps (constant cells), negatives, ties on a coarse grid, -0.0. */
    private static float value(int kind, Random rnd, int i, int w) {
        int x = i % w;
        int y = (i / w) % w;
        switch (kind) {
            case 0:
                return (float) Math.max(0, rnd.nextGaussian());
            case 1: {
                double v = Math.sin(x * 0.3) + Math.cos(y * 0.2) + 0.01 * rnd.nextGaussian();
                return (float) Math.max(0, v);
            }
            case 2:
                return (float) (rnd.nextGaussian() * 0.2 + (x + y) * 0.05); // leaky: negatives, no exact zeros
            case 3:
                return Math.round(Math.max(0, rnd.nextGaussian()) * 4) / 4f; // many ties, exact zeros
            default: {
                double r = rnd.nextDouble();
                return r < 0.3 ? 0f : r < 0.4 ? -0f : r < 0.45 ? 1e-40f : (float) (1 + 1e-6 * rnd.nextInt(3)); // denormals, near-equal values
            }
        }
    }
}
