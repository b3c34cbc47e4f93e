package org.ganscope.analysis.dissect;

import java.util.Arrays;

/**
 * Counts a unit's upsampled values into {@link LevelTally}'s buckets
 * ({@code c(v) = #{k : L[k] < v}}) with a 1 MiB lookup table on the top 20 bits of the
 * value's sortable key: a bin that holds no level decides the bucket by itself, only
 * values in bins that hold a level are compared with the levels. Same counts as
 * {@link LevelTally#addPlane}, several times faster. One instance per thread.
 */
final class FastLevelCounter {
    private static final int BITS = 20;
    private static final int B = IqrLevels.COUNT + 1;
    private static final byte AMBIGUOUS = -1;
    private final byte[] table = new byte[1 << BITS];
    private final int[] first = new int[1 << BITS];
    private double[] asc;
    private int zeroBucket;
    private int[] touched = new int[0];

    /** Prepares the table for ascending levels {@code ascending} (at most 127 of them). */
    void levels(double[] ascending) {
        this.asc = ascending;
        zeroBucket = 0;
        while (zeroBucket < ascending.length && ascending[zeroBucket] < 0.0) {
            zeroBucket++;
        }
        // table[p] = #levels with prefix < p where no level has prefix p, else AMBIGUOUS
        for (int p : touched) {
            first[p] = 0;
        }
        int[] bins = new int[ascending.length];
        for (int k = 0; k < ascending.length; k++) {
            bins[k] = SortableKeys.prefix(ascending[k], BITS);
        }
        int k = 0;
        int p = 0;
        while (p < table.length) {
            int next = k < bins.length ? bins[k] : table.length;
            Arrays.fill(table, p, next, (byte) k);
            if (next == table.length) {
                break;
            }
            table[next] = AMBIGUOUS;
            first[next] = k;
            while (k < bins.length && bins[k] == next) {
                k++;
            }
            p = next + 1;
        }
        touched = bins;
    }

    int bucket(double v) {
        if (v == 0.0) {
            return zeroBucket; // also for -0.0, whose key sorts below +0.0 levels
        }
        int p = SortableKeys.prefix(v, BITS);
        byte t = table[p];
        if (t != AMBIGUOUS) {
            return t;
        }
        int a = first[p];
        while (a < asc.length && asc[a] < v) {
            a++;
        }
        return a;
    }

    /** Adds {@code len} values with their labels to {@code hist[label * 101 + bucket]}. */
    void count(double[] up, int upOff, int[] labels, int labOff, int len, long[] hist) {
        for (int k = 0; k < len; k++) {
            hist[labels[labOff + k] * B + bucket(up[upOff + k])]++;
        }
    }
}
