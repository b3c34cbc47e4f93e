package org.ganscope.analysis.dissect;

import java.util.Arrays;
import org.ganscope.analysis.AnalysisException;

/**
 * Streaming counts at fixed per-unit thresholds, SPEC section 3: for every unit {@code u}
 * and label {@code l}, the number of pixels with {@code seg == l} ({@code total}) and how
 * many of them have {@code up[u] > thr[u]} ({@code on}, strict). From these,
 * {@code T = total[u][l]}, {@code I = on[u][l]}, {@code A = sum_l on[u][l]},
 * {@code n = sum_l total[u][l]}.
 *
 * <p>Counts are longs, so {@link #merge} of shards is exact and order-independent.
 * Units are counted independently: each unit must see every pixel of the data set once.
 * Not thread-safe, except that {@link #addPlane} calls for <em>different</em> units touch
 * disjoint counters and may run concurrently (e.g. units in parallel).
 */
public final class ThresholdTally {
    private final double[] thresholds;
    private final int classes;
    private final long[] on;
    private final long[] total;

    public ThresholdTally(double[] thresholds, int numClasses) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses must be positive");
        }
        this.thresholds = thresholds.clone();
        this.classes = numClasses;
        this.on = new long[Math.multiplyExact(thresholds.length, numClasses)];
        this.total = new long[on.length];
    }

    /** A tally with given counts (used by {@link LevelTally#atLevels}). */
    static ThresholdTally ofCounts(double[] thresholds, int numClasses, long[] on, long[] total) {
        ThresholdTally t = new ThresholdTally(thresholds, numClasses);
        System.arraycopy(on, 0, t.on, 0, on.length);
        System.arraycopy(total, 0, t.total, 0, total.length);
        return t;
    }

    public int units() {
        return thresholds.length;
    }

    public int numClasses() {
        return classes;
    }

    public double[] thresholds() {
        return thresholds.clone();
    }

    /**
     * Counts {@code len} pixels of unit {@code unit}: upsampled values
     * {@code up[upOff ..]} against labels {@code seg[segOff ..]}.
     *
     * @throws AnalysisException on a label outside {@code [0, numClasses)}
     */
    public void addPlane(int unit, double[] up, int upOff, int[] seg, int segOff, int len) {
        double thr = thresholds[unit];
        int base = unit * classes;
        for (int k = 0; k < len; k++) {
            int l = seg[segOff + k];
            if (l < 0 || l >= classes) {
                throw Labels.outOfRange(l, classes, segOff + k);
            }
            total[base + l]++;
            if (up[upOff + k] > thr) {
                on[base + l]++;
            }
        }
    }

    /**
     * Counts a batch of upsampled activations {@code up[B][U][H][W]} against labels
     * {@code seg[B][H][W]}, {@code planeSize = H*W}.
     */
    public void add(double[] up, int[] seg, int batch, int planeSize) {
        int units = units();
        for (int b = 0; b < batch; b++) {
            for (int u = 0; u < units; u++) {
                addPlane(u, up, (b * units + u) * planeSize, seg, b * planeSize, planeSize);
            }
        }
    }

    /** Adds the counts of {@code other} (same thresholds and classes) to this tally. */
    public void merge(ThresholdTally other) {
        if (other.classes != classes || !Arrays.equals(other.thresholds, thresholds)) {
            throw new IllegalArgumentException("cannot merge tallies with different thresholds or classes");
        }
        for (int k = 0; k < on.length; k++) {
            on[k] += other.on[k];
            total[k] += other.total[k];
        }
    }

    /** {@code I}: pixels of label {@code l} where unit {@code u} is on. */
    public long intersection(int u, int l) {
        return on[u * classes + l];
    }

    /** {@code T}: pixels of label {@code l} (as seen by unit {@code u}). */
    public long labelCount(int u, int l) {
        return total[u * classes + l];
    }

    /** {@code A}: pixels where unit {@code u} is on. */
    public long activeCount(int u) {
        long s = 0;
        for (int l = 0; l < classes; l++) {
            s += on[u * classes + l];
        }
        return s;
    }

    /** {@code n}: pixels counted for unit {@code u}. */
    public long pixelCount(int u) {
        long s = 0;
        for (int l = 0; l < classes; l++) {
            s += total[u * classes + l];
        }
        return s;
    }
}
