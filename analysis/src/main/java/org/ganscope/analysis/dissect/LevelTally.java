package org.ganscope.analysis.dissect;

import java.util.Arrays;

/**
 * Streaming counts for IQR threshold selection, SPEC section 4: the counts
 * {@code A, T, I} of section 3 for every unit, label and each of the unit's 100 fixed
 * levels {@code L[u][j]} (see {@link IqrLevels}), all at once.
 *
 * <p>Each pixel value {@code v} is put in bucket {@code c(v) = #{k : L[u][k] < v}}
 * (binary search over the sorted levels), one histogram per (unit, label). Since
 * {@code v > L[u][j]} iff {@code c(v) > r_j} with {@code r_j = #{k : L[u][k] < L[u][j]}},
 * every count at every level is a suffix sum of the histogram: O(log 100) work per pixel.
 *
 * <p>Counts are longs, so {@link #merge} of shards is exact. Each unit must see every
 * pixel of the data set once. Not thread-safe, except that {@link #addPlane} calls for
 * <em>different</em> units touch disjoint counters and may run concurrently.
 */
public final class LevelTally {
    private static final int L = IqrLevels.COUNT;
    private static final int B = L + 1;

    private final int classes;
    private final double[][] levels;
    private final double[][] ascending;
    private final int[][] rank;
    private final long[][] hist;

    /**
     * @param levels {@code [U][100]} levels per unit, from {@link IqrLevels#levels}
     */
    public LevelTally(double[][] levels, int numClasses) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses must be positive");
        }
        this.classes = numClasses;
        int units = levels.length;
        this.levels = new double[units][];
        this.ascending = new double[units][];
        this.rank = new int[units][L];
        this.hist = new long[units][Math.multiplyExact(numClasses, B)];
        for (int u = 0; u < units; u++) {
            if (levels[u].length != L) {
                throw new IllegalArgumentException("unit " + u + " has " + levels[u].length + " levels, not " + L);
            }
            this.levels[u] = levels[u].clone();
            double[] asc = levels[u].clone();
            Arrays.sort(asc);
            ascending[u] = asc;
            for (int j = 0; j < L; j++) {
                rank[u][j] = countBelow(asc, levels[u][j]);
            }
        }
    }

    public int units() {
        return levels.length;
    }

    public int numClasses() {
        return classes;
    }

    /** {@code L[u][j]}, a copy. */
    public double[][] levels() {
        double[][] out = new double[levels.length][];
        for (int u = 0; u < levels.length; u++) {
            out[u] = levels[u].clone();
        }
        return out;
    }

    /** Counts {@code len} pixels of unit {@code unit}: values {@code up[upOff ..]}, labels {@code seg[segOff ..]}. */
    public void addPlane(int unit, double[] up, int upOff, int[] seg, int segOff, int len) {
        double[] asc = ascending[unit];
        long[] h = hist[unit];
        int zeroBucket = countBelow(asc, 0.0); // exact zeros are common after ReLU: no search for them
        for (int k = 0; k < len; k++) {
            int l = seg[segOff + k];
            if (l < 0 || l >= classes) {
                throw Labels.outOfRange(l, classes, segOff + k);
            }
            double v = up[upOff + k];
            h[l * B + (v == 0.0 ? zeroBucket : countBelow(asc, v))]++;
        }
    }

    /** Counts a batch {@code up[B][U][H][W]} against {@code seg[B][H][W]}, {@code planeSize = H*W}. */
    public void add(double[] up, int[] seg, int batch, int planeSize) {
        int units = units();
        for (int b = 0; b < batch; b++) {
            for (int u = 0; u < units; u++) {
                addPlane(u, up, (b * units + u) * planeSize, seg, b * planeSize, planeSize);
            }
        }
    }

    /** Unit {@code u}'s levels in ascending order (the bucket boundaries); do not modify. */
    double[] ascendingLevels(int u) {
        return ascending[u];
    }

    /** Adds a histogram {@code h[label * 101 + bucket]} of unit {@code u} counted elsewhere with the same buckets. */
    void addHistogram(int u, long[] h) {
        long[] mine = hist[u];
        if (h.length != mine.length) {
            throw new IllegalArgumentException("histogram of " + h.length + " counts, expected " + mine.length);
        }
        for (int k = 0; k < h.length; k++) {
            mine[k] += h[k];
        }
    }

    /** Adds the counts of {@code other} (same levels and classes). */
    public void merge(LevelTally other) {
        if (other.classes != classes || !Arrays.deepEquals(other.levels, levels)) {
            throw new IllegalArgumentException("cannot merge level tallies with different levels or classes");
        }
        for (int u = 0; u < hist.length; u++) {
            long[] a = hist[u];
            long[] b = other.hist[u];
            for (int k = 0; k < a.length; k++) {
                a[k] += b[k];
            }
        }
    }

    /** {@code I[l][j]} of unit {@code u}: pixels of label {@code l} with value above {@code L[u][j]}. */
    public long[][] intersections(int u) {
        long[] h = hist[u];
        long[][] out = new long[classes][L];
        long[] suffix = new long[B + 1];
        for (int l = 0; l < classes; l++) {
            suffix[B] = 0;
            for (int c = B - 1; c >= 0; c--) {
                suffix[c] = suffix[c + 1] + h[l * B + c];
            }
            for (int j = 0; j < L; j++) {
                out[l][j] = suffix[rank[u][j] + 1];
            }
        }
        return out;
    }

    /** {@code T[l]} of unit {@code u}: pixels of label {@code l} it has counted. */
    public long[] labelCounts(int u) {
        long[] h = hist[u];
        long[] out = new long[classes];
        for (int l = 0; l < classes; l++) {
            long s = 0;
            for (int c = 0; c < B; c++) {
                s += h[l * B + c];
            }
            out[l] = s;
        }
        return out;
    }

    /**
     * The counts at one chosen level per unit, as a {@link ThresholdTally} with thresholds
     * {@code L[u][levelIndex[u]]}: identical to a second pass at those thresholds.
     */
    public ThresholdTally atLevels(int[] levelIndex) {
        int units = units();
        double[] thr = new double[units];
        long[] on = new long[units * classes];
        long[] total = new long[units * classes];
        for (int u = 0; u < units; u++) {
            int j = levelIndex[u];
            thr[u] = levels[u][j];
            long[][] isect = intersections(u);
            long[] t = labelCounts(u);
            for (int l = 0; l < classes; l++) {
                on[u * classes + l] = isect[l][j];
                total[u * classes + l] = t[l];
            }
        }
        return ThresholdTally.ofCounts(thr, classes, on, total);
    }

    /** Number of entries of ascending {@code a} strictly below {@code v}. */
    private static int countBelow(double[] a, double v) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
