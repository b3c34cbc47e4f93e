package org.ganscope.analysis.explain;

/** A fixed-length bit set over all pixels of a data set; formula masks are word operations on these. */
public final class BitMask {
    final long[] words;
    final int bits;

    public BitMask(int bits) {
        this.bits = bits;
        this.words = new long[(bits + 63) >>> 6];
    }

    public void set(int i) {
        words[i >>> 6] |= 1L << (i & 63);
    }

    public boolean get(int i) {
        return (words[i >>> 6] & (1L << (i & 63))) != 0;
    }

    public int size() {
        return bits;
    }

    public long count() {
        long n = 0;
        for (long w : words) {
            n += Long.bitCount(w);
        }
        return n;
    }

    /** |this AND other| without materialising the result. */
    public long countAnd(BitMask other) {
        long n = 0;
        long[] o = other.words;
        for (int i = 0; i < words.length; i++) {
            n += Long.bitCount(words[i] & o[i]);
        }
        return n;
    }

    /** |this| over the bit range [from, to). */
    public long count(int from, int to) {
        return countAnd(this, from, to);
    }

    /** |this AND other| over the bit range [from, to). */
    public long countAnd(BitMask other, int from, int to) {
        long n = 0;
        for (int i = from; i < to; ) {
            int w = i >>> 6;
            int hi = Math.min(to, (w + 1) << 6);
            long range = (hi - i == 64 ? -1L : ((1L << (hi - i)) - 1)) << (i & 63);
            n += Long.bitCount(words[w] & other.words[w] & range);
            i = hi;
        }
        return n;
    }

    /** out = a op b (op: AND, OR, AND NOT). */
    static void combine(BitMask a, BitMask b, Formula.Op op, BitMask out) {
        long[] x = a.words;
        long[] y = b.words;
        long[] z = out.words;
        switch (op) {
            case AND -> {
                for (int i = 0; i < z.length; i++) {
                    z[i] = x[i] & y[i];
                }
            }
            case OR -> {
                for (int i = 0; i < z.length; i++) {
                    z[i] = x[i] | y[i];
                }
            }
            case AND_NOT -> {
                for (int i = 0; i < z.length; i++) {
                    z[i] = x[i] & ~y[i];
                }
            }
            default -> throw new IllegalArgumentException(op.toString());
        }
    }

    BitMask copy() {
        BitMask m = new BitMask(bits);
        System.arraycopy(words, 0, m.words, 0, words.length);
        return m;
    }
}
