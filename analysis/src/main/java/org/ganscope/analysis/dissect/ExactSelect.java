package org.ganscope.analysis.dissect;

import java.util.Arrays;

/**
 * Exact order statistics of a double array without sorting all of it: a histogram over
 * the top bits of each value's sortable key (12 to 20 bits, growing with the data size)
 * finds the bins that hold the wanted ranks, then only those bins' values are gathered
 * and sorted. Gives exactly the elements a full sort would put at those ranks. One
 * instance per thread (it owns up to 5 MiB of bins).
 */
final class ExactSelect {
    static final int BITS = 20;
    private final int[] bins = new int[1 << BITS];
    private final boolean[] needed = new boolean[1 << BITS];
    private double[] gathered = new double[1024];

    /**
     * @param values the data, {@code values[0..n)}; not modified
     * @param ranks ascending ranks in [0, n)
     * @return the element of each rank in ascending order of the data
     */
    double[] select(double[] values, int n, int[] ranks) {
        int bits = Math.max(12, Math.min(BITS, 32 - Integer.numberOfLeadingZeros(Math.max(1, n)) - 2));
        int size = 1 << bits;
        int[] bin = new int[ranks.length];
        Arrays.fill(bins, 0, size, 0);
        for (int i = 0; i < n; i++) {
            bins[SortableKeys.prefix(values[i], bits)]++;
        }
        // locate each rank's bin and its rank inside the bin; mark the bins needed
        int[] within = new int[ranks.length];
        long before = 0;
        int r = 0;
        for (int b = 0; b < size && r < ranks.length; b++) {
            int c = bins[b];
            while (r < ranks.length && ranks[r] < before + c) {
                bin[r] = b;
                within[r] = (int) (ranks[r] - before);
                needed[b] = true;
                r++;
            }
            before += c;
        }
        // gather the needed bins' values; in sorted order they are contiguous per bin
        int total = 0;
        for (int i = 0; i < ranks.length; i++) {
            if (i == 0 || bin[i] != bin[i - 1]) {
                total += bins[bin[i]];
            }
        }
        if (gathered.length < total) {
            gathered = new double[Math.max(total, gathered.length * 2)];
        }
        int g = 0;
        for (int i = 0; i < n; i++) {
            if (needed[SortableKeys.prefix(values[i], bits)]) {
                gathered[g++] = values[i];
            }
        }
        Arrays.sort(gathered, 0, g);
        double[] out = new double[ranks.length];
        int offset = 0;
        for (int i = 0; i < ranks.length; i++) {
            if (i > 0 && bin[i] != bin[i - 1]) {
                offset += bins[bin[i - 1]];
            }
            out[i] = gathered[offset + within[i]];
        }
        for (int b : bin) {
            needed[b] = false;
        }
        return out;
    }
}
