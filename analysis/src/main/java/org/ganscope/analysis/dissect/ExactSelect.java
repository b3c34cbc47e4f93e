package org.ganscope.analysis.dissect;

import java.util.Arrays;

/**
 * Exact order statistics of a double array without sorting all of it: a histogram over
 * the top bits of each value's sortable key (12 to 20 bits, growing with the data size)
 * finds the bins that hold the wanted ranks; only those bins' values are gathered, grouped
 * by bin. A small bin is sorted; a large one (activations crowd into few bins) is refined
 * by a second histogram over the next {@value #SUB_BITS} key bits, and only the sub-bins
 * holding wanted ranks are sorted. Gives exactly the elements a full sort would put at
 * those ranks (the key order is {@link Arrays#sort(double[])}'s order). One instance per
 * thread (it owns a few MiB of bins).
 */
final class ExactSelect {
    static final int BITS = 20;
    static final int SUB_BITS = 12;
    private static final int SMALL = 256;
    private final int[] bins = new int[1 << BITS];
    private final int[] group = new int[1 << BITS]; // bin -> 1 + its index among the needed bins, 0 if not needed
    private final int[] sub = new int[1 << SUB_BITS];
    private double[] gathered = new double[1024];
    private double[] scratch = new double[1024];

    /**
     * @param values the data, {@code values[0..n)}; not modified
     * @param ranks ascending ranks in [0, n)
     * @return the element of each rank in ascending order of the data
     */
    double[] select(double[] values, int n, int[] ranks) {
        return select(values, n, ranks, false);
    }

    /**
     * As {@link #select(double[], int, int[])} over the non-zero values of {@code values[0..n)}
     * only (+0.0 and -0.0 skipped) when {@code skipZeros}: ranks count among those values. Saves
     * copying them out (after ReLU most are zeros).
     */
    double[] select(double[] values, int n, int[] ranks, boolean skipZeros) {
        begin(n);
        count(values, 0, n, skipZeros);
        want(ranks);
        gather(values, 0, n, skipZeros);
        return picked();
    }

    // the streaming form: begin, count every value, want the ranks, gather every value (same
    // values, same order of chunks not required), picked. The data need not be in one array:
    // the threshold pass feeds one upsampled image at a time, twice, instead of holding a
    // unit's threshold-set values (n x segmentation pixels doubles) in memory.
    private int bits;
    private long counted;
    private long negatives;
    private int[] ranks;
    private int[] bin;
    private int[] within;
    private int[] start;
    private int[] fill;
    private int groups;

    /** Starts a selection over about {@code n} values (sizes the histogram; any n gives the same result). */
    void begin(long n) {
        bits = Math.max(12, Math.min(BITS, 64 - Long.numberOfLeadingZeros(Math.max(1, n)) - 2));
        Arrays.fill(bins, 0, 1 << bits, 0);
        counted = 0;
        negatives = 0;
    }

    /** Counts {@code values[off .. off+len)} (without +0.0 and -0.0 when {@code skipZeros}) into the histogram. */
    void count(double[] values, int off, int len, boolean skipZeros) {
        int shift = 64 - bits;
        long c = 0;
        long neg = 0;
        for (int i = off; i < off + len; i++) {
            double v = values[i];
            if (skipZeros && v == 0.0) {
                continue;
            }
            c++;
            if (v < 0) {
                neg++;
            }
            bins[(int) (SortableKeys.key(v) >>> shift)]++;
        }
        counted += c;
        negatives += neg;
    }

    /** Values counted so far. */
    long counted() {
        return counted;
    }

    /** Negative values counted so far. */
    long negatives() {
        return negatives;
    }

    /** After counting: the ascending ranks (among the counted values) to select; then {@link #gather} the same values again. */
    void want(int[] wanted) {
        this.ranks = wanted;
        int size = 1 << bits;
        bin = new int[wanted.length];
        within = new int[wanted.length];
        // locate each rank's bin and its rank inside the bin
        long before = 0;
        int r = 0;
        for (int b = 0; b < size && r < wanted.length; b++) {
            int c = bins[b];
            while (r < wanted.length && wanted[r] < before + c) {
                bin[r] = b;
                within[r] = (int) (wanted[r] - before);
                r++;
            }
            before += c;
        }
        if (r < wanted.length) {
            throw new IllegalArgumentException("rank " + wanted[r] + " outside the " + counted + " counted values");
        }
        // the needed bins in ascending order, and where each one's values go
        groups = 0;
        start = new int[wanted.length + 1];
        int total = 0;
        for (int i = 0; i < wanted.length; i++) {
            if (i == 0 || bin[i] != bin[i - 1]) {
                group[bin[i]] = ++groups;
                start[groups - 1] = total;
                total += bins[bin[i]];
            }
        }
        start[groups] = total;
        if (gathered.length < total) {
            gathered = new double[Math.max(total, gathered.length * 2)];
        }
        fill = Arrays.copyOf(start, groups);
    }

    /** Gathers the values of the wanted bins from {@code values[off .. off+len)} (the same values as counted, in any chunks). */
    void gather(double[] values, int off, int len, boolean skipZeros) {
        int shift = 64 - bits;
        for (int i = off; i < off + len; i++) {
            double v = values[i];
            int g = group[(int) (SortableKeys.key(v) >>> shift)];
            if (g != 0 && !(skipZeros && v == 0.0)) {
                gathered[fill[g - 1]++] = v;
            }
        }
    }

    /** The selected values, in the order of the wanted ranks; ends the selection. */
    double[] picked() {
        double[] out = new double[ranks.length];
        int i = 0;
        for (int g = 0; g < groups; g++) {
            if (fill[g] != start[g + 1]) {
                throw new IllegalStateException("gathered other values than were counted");
            }
            int j = i;
            while (j < ranks.length && group[bin[j]] == g + 1) {
                j++;
            }
            pick(gathered, start[g], start[g + 1] - start[g], bits, within, i, j, out);
            i = j;
        }
        for (int b : bin) {
            group[b] = 0;
        }
        return out;
    }

    /** Order statistics {@code within[from..to)} of the segment {@code a[off .. off+len)} (one top-bits bin) into {@code out}. */
    private void pick(double[] a, int off, int len, int bits, int[] within, int from, int to, double[] out) {
        if (len <= SMALL || bits + SUB_BITS > 64) {
            Arrays.sort(a, off, off + len);
            for (int k = from; k < to; k++) {
                out[k] = a[off + within[k]];
            }
            return;
        }
        int shift = 64 - bits - SUB_BITS;
        int mask = (1 << SUB_BITS) - 1;
        Arrays.fill(sub, 0);
        for (int k = 0; k < len; k++) {
            sub[(int) (SortableKeys.key(a[off + k]) >>> shift) & mask]++;
        }
        // for each wanted rank: its sub-bin and rank inside; gather the wanted sub-bins in order
        int m = to - from;
        int[] sb = new int[m];
        int[] sw = new int[m];
        int before = 0;
        int r = 0;
        for (int s = 0; s <= mask && r < m; s++) {
            int c = sub[s];
            while (r < m && within[from + r] < before + c) {
                sb[r] = s;
                sw[r] = within[from + r] - before;
                r++;
            }
            before += c;
        }
        // offsets of the wanted sub-bins inside the scratch buffer (sub[] reused: -1 - offset marks a wanted sub-bin)
        int total = 0;
        for (int k = 0; k < m; k++) {
            if (k == 0 || sb[k] != sb[k - 1]) {
                int c = sub[sb[k]];
                sub[sb[k]] = -1 - total;
                total += c;
            }
        }
        if (scratch.length < total) {
            scratch = new double[Math.max(total, scratch.length * 2)];
        }
        int[] next = new int[1 << SUB_BITS];
        for (int k = 0; k < len; k++) {
            double v = a[off + k];
            int s = (int) (SortableKeys.key(v) >>> shift) & mask;
            if (sub[s] < 0) {
                scratch[-1 - sub[s] + next[s]++] = v;
            }
        }
        int k = 0;
        while (k < m) {
            int s = sb[k];
            int o = -1 - sub[s];
            int c = next[s];
            Arrays.sort(scratch, o, o + c);
            while (k < m && sb[k] == s) {
                out[from + k] = scratch[o + sw[k]];
                k++;
            }
        }
    }
}
