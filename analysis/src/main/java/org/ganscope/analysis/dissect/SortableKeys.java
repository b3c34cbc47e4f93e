package org.ganscope.analysis.dissect;

/** Doubles as unsigned-sortable 64-bit keys: key(a) < key(b) (unsigned) iff a < b, for non-NaN a, b with -0.0 < 0.0. */
final class SortableKeys {
    private SortableKeys() {
    }

    static long key(double v) {
        long bits = Double.doubleToRawLongBits(v);
        return bits < 0 ? ~bits : bits | Long.MIN_VALUE;
    }

    /** The top {@code bits} bits of the key, as a non-negative int. */
    static int prefix(double v, int bits) {
        return (int) (key(v) >>> (64 - bits));
    }
}
