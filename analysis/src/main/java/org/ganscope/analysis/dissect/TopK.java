package org.ganscope.analysis.dissect;

import java.util.Arrays;

/**
 * Per unit, the k samples with the highest maximum activation, ordered by value
 * descending and sample index ascending (so ties are deterministic). Mergeable:
 * any split of the samples into shards, merged in any order, gives the same result.
 */
public final class TopK {
    private final int units;
    private final int k;
    private final float[] values;   // [units][k], -inf where empty
    private final long[] indices;   // [units][k], -1 where empty

    public TopK(int units, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be positive");
        }
        this.units = units;
        this.k = k;
        this.values = new float[units * k];
        this.indices = new long[units * k];
        Arrays.fill(values, Float.NEGATIVE_INFINITY);
        Arrays.fill(indices, -1);
    }

    public int units() {
        return units;
    }

    public int k() {
        return k;
    }

    private static boolean better(float v, long i, float v2, long i2) {
        if (i2 < 0) {
            return true; // an empty slot is worse than any sample
        }
        return v != v2 ? v > v2 : i < i2;
    }

    /** Offers sample {@code index} with maximum activation {@code value} for unit {@code u}. */
    public void offer(int u, long index, float value) {
        int base = u * k;
        int last = base + k - 1;
        if (!better(value, index, values[last], indices[last])) {
            return;
        }
        int pos = last;
        while (pos > base && better(value, index, values[pos - 1], indices[pos - 1])) {
            values[pos] = values[pos - 1];
            indices[pos] = indices[pos - 1];
            pos--;
        }
        values[pos] = value;
        indices[pos] = index;
    }

    public void merge(TopK other) {
        if (other.units != units || other.k != k) {
            throw new IllegalArgumentException("cannot merge top-k of different shapes");
        }
        for (int u = 0; u < units; u++) {
            for (int j = 0; j < k; j++) {
                long i = other.indices[u * k + j];
                if (i >= 0) {
                    offer(u, i, other.values[u * k + j]);
                }
            }
        }
    }

    /** Sample indices of unit {@code u}, best first (fewer than k if fewer samples were seen). */
    public long[] indices(int u) {
        return Arrays.stream(indices, u * k, u * k + k).filter(i -> i >= 0).toArray();
    }

    public float[] values(int u) {
        int n = indices(u).length;
        return Arrays.copyOfRange(values, u * k, u * k + n);
    }
}
