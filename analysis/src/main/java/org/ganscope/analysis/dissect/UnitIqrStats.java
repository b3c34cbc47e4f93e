package org.ganscope.analysis.dissect;

import java.util.Arrays;
import java.util.TreeSet;

/**
 * One unit's IQR statistics over the threshold set, SPEC section 4: its 100 levels (Hazen
 * quantiles of all upsampled values) and its label x level-bucket histogram
 * ({@link LevelTally#addHistogram}), exactly as a full sort and a per-pixel count would give
 * them, in two sweeps over the raw planes, cell by cell ({@link CellGrid}):
 * <ol>
 * <li>a histogram of the non-zero values over the top bits of their sortable keys
 * ({@link ExactSelect}'s bins). A cell whose four corners are zero is skipped; one whose
 * range lies inside one bin is counted without computing its pixels.</li>
 * <li>The bins that hold an order statistic the levels read are now known ("ambiguous"
 * bins, plus those of +-0). Every other bin lies wholly between two consecutive levels, so
 * its bucket is known before the levels' values are: a value there is counted by a table
 * lookup; a cell whose range stays inside one run of such bins adds its pixels to that
 * bucket at once. Only values in ambiguous bins are kept, with their labels; the levels are
 * selected from them ({@link ExactSelect}) and they are then bucketed exactly.</li>
 * </ol>
 * The table is exact when each level lies in the bins of the two order statistics it
 * interpolates; rounding could in principle put it one bin off, which is checked, and the
 * second sweep is then redone with that bin ambiguous too. One instance per thread.
 */
final class UnitIqrStats {
    private static final int B = IqrLevels.COUNT + 1;

    private final CellGrid grid;
    private final ExactSelect select = new ExactSelect();
    private final int[] bins = new int[1 << ExactSelect.BITS];
    private final int[] code = new int[1 << ExactSelect.BITS]; // -1: ambiguous; else run << 8 | bucket
    private final double[] lo;
    private final double[] hi;
    private final boolean[] zero;
    private final double[] vals;
    private double[] gv = new double[4096];
    private int[] gl = new int[4096];
    private int glen;
    /** Test hook: treat the first check of the levels' bins as failed, so the second sweep runs twice. */
    boolean forceRecheck;

    UnitIqrStats(CellGrid grid) {
        this.grid = grid;
        lo = new double[grid.cells()];
        hi = new double[grid.cells()];
        zero = new boolean[grid.cells()];
        vals = new double[grid.maxCell()];
    }

    /** Levels {@code [100]} and histogram {@code [classes * 101]} of one unit. */
    record Result(double[] levels, long[] histogram) {
    }

    /**
     * @param acts raw activations {@code [n][units][hw]}
     * @param uniform per image and cell, the cell's label when all its pixels have it, else -1
     */
    Result unit(float[] acts, int u, int units, int hw, int n, LabelMaps labels, int[] uniform, int classes) {
        int seg = labels.pixels();
        long m = (long) n * seg;
        int mi = Math.toIntExact(m);
        int bits = Math.max(12, Math.min(ExactSelect.BITS, 64 - Long.numberOfLeadingZeros(Math.max(1, m)) - 2));
        int shift = 64 - bits;
        int size = 1 << bits;
        int cells = grid.cells();

        // sweep 1: histogram of the non-zero values
        Arrays.fill(bins, 0, size, 0);
        long counted = 0;
        long negatives = 0;
        for (int i = 0; i < n; i++) {
            int off = (i * units + u) * hw;
            grid.ranges(acts, off, lo, hi, zero);
            for (int c = 0; c < cells; c++) {
                if (zero[c]) {
                    continue;
                }
                double l = lo[c];
                double h = hi[c];
                if (l > 0 || h < 0) {
                    int bl = (int) (SortableKeys.key(l) >>> shift);
                    if (bl == (int) (SortableKeys.key(h) >>> shift)) {
                        int s = grid.size(c);
                        bins[bl] += s;
                        counted += s;
                        if (h < 0) {
                            negatives += s;
                        }
                        continue;
                    }
                }
                int k = grid.values(acts, off, c, vals);
                for (int q = 0; q < k; q++) {
                    double v = vals[q];
                    if (v == 0.0) {
                        continue;
                    }
                    counted++;
                    if (v < 0) {
                        negatives++;
                    }
                    bins[(int) (SortableKeys.key(v) >>> shift)]++;
                }
            }
        }
        int neg = Math.toIntExact(negatives);
        int zeros = Math.toIntExact(m - counted);
        int zeroBin = (int) (SortableKeys.key(0.0) >>> shift);
        int negZeroBin = (int) (SortableKeys.key(-0.0) >>> shift);

        // the order statistics each level reads (ranks of the full sorted sequence) and their bins
        int[][] read = new int[IqrLevels.COUNT][];
        TreeSet<Integer> nonZeroRanks = new TreeSet<>();
        for (int j = 0; j < IqrLevels.COUNT; j++) {
            TreeSet<Integer> r = new TreeSet<>();
            Quantiles.hazen(k -> {
                r.add(k);
                return 0.0;
            }, mi, 1 - IqrLevels.fraction(j));
            read[j] = r.stream().mapToInt(Integer::intValue).toArray();
            for (int k : read[j]) {
                if (k < neg) {
                    nonZeroRanks.add(k);
                } else if (k >= neg + zeros) {
                    nonZeroRanks.add(k - zeros);
                }
            }
        }
        int[] ranks = nonZeroRanks.stream().mapToInt(Integer::intValue).toArray();
        int[] rankBin = new int[ranks.length];
        long[] below = new long[ranks.length]; // non-zero values in bins below the rank's bin
        long before = 0;
        int r = 0;
        for (int b = 0; b < size && r < ranks.length; b++) {
            int c = bins[b];
            while (r < ranks.length && ranks[r] < before + c) {
                rankBin[r] = b;
                below[r] = before;
                r++;
            }
            before += c;
        }
        if (r < ranks.length) {
            throw new IllegalStateException("rank " + ranks[r] + " outside the " + counted + " non-zero values");
        }
        int[] lowBin = new int[IqrLevels.COUNT];
        int[] highBin = new int[IqrLevels.COUNT];
        TreeSet<Integer> ambiguous = new TreeSet<>();
        ambiguous.add(zeroBin);
        ambiguous.add(negZeroBin);
        for (int j = 0; j < IqrLevels.COUNT; j++) {
            lowBin[j] = Integer.MAX_VALUE;
            highBin[j] = Integer.MIN_VALUE;
            for (int k : read[j]) {
                int b = k < neg ? rankBin[Arrays.binarySearch(ranks, k)]
                        : k < neg + zeros ? zeroBin : rankBin[Arrays.binarySearch(ranks, k - zeros)];
                lowBin[j] = Math.min(lowBin[j], b);
                highBin[j] = Math.max(highBin[j], b);
                ambiguous.add(b);
            }
        }

        boolean recheck = forceRecheck;
        while (true) {
            // sweep 2: buckets by table where the bin decides, values of ambiguous bins kept
            table(ambiguous, highBin, size);
            long[] hist = new long[classes * B];
            long[] zeroCount = new long[classes];
            glen = 0;
            for (int i = 0; i < n; i++) {
                int off = (i * units + u) * hw;
                int uo = i * cells;
                grid.ranges(acts, off, lo, hi, zero);
                for (int c = 0; c < cells; c++) {
                    if (zero[c]) {
                        addCell(zeroCount, 1, 0, labels, i, c, uniform[uo + c]);
                        continue;
                    }
                    int cl = code[(int) (SortableKeys.key(lo[c]) >>> shift)];
                    if (cl >= 0 && cl == code[(int) (SortableKeys.key(hi[c]) >>> shift)]) {
                        addCell(hist, B, cl & 0xFF, labels, i, c, uniform[uo + c]);
                        continue;
                    }
                    int k = grid.values(acts, off, c, vals);
                    for (int q = 0; q < k; q++) {
                        double v = vals[q];
                        int lab = labels.get(i, grid.pixel(c, q));
                        if (v == 0.0) {
                            zeroCount[lab]++;
                            continue;
                        }
                        int cc = code[(int) (SortableKeys.key(v) >>> shift)];
                        if (cc >= 0) {
                            hist[lab * B + (cc & 0xFF)]++;
                        } else {
                            keep(v, lab);
                        }
                    }
                }
            }
            // the wanted ranks among the kept values: kept bins below the rank's bin, then its rank inside the bin
            long keptBelow = 0;
            int[] keptRanks = new int[ranks.length];
            Integer[] amb = ambiguous.toArray(new Integer[0]);
            int a = 0;
            for (int q = 0; q < ranks.length; q++) {
                while (a < amb.length && amb[a] < rankBin[q]) {
                    keptBelow += bins[amb[a]];
                    a++;
                }
                keptRanks[q] = Math.toIntExact(keptBelow + ranks[q] - below[q]);
            }
            long keptTotal = 0;
            for (int b : amb) {
                keptTotal += bins[b];
            }
            if (keptTotal != glen) {
                throw new IllegalStateException("kept " + glen + " values of ambiguous bins holding " + keptTotal);
            }
            double[] keptValues = Arrays.copyOf(gv, glen); // the selection reorders its input
            double[] picked = ranks.length == 0 ? new double[0] : select.select(keptValues, glen, keptRanks);
            double[] levels = ThresholdPass.assemble(mi, neg, zeros, ranks, picked);
            // the table's premise: each level in (or next to, inside an ambiguous or empty stretch) its order statistics' bins
            boolean ok = !recheck;
            recheck = false;
            for (int j = 0; j < IqrLevels.COUNT; j++) {
                int p = (int) (SortableKeys.key(levels[j]) >>> shift);
                if (p < lowBin[j] || p > highBin[j]) {
                    for (int b = Math.min(p, lowBin[j]); b <= Math.max(p, highBin[j]); b++) {
                        if ((b < lowBin[j] || b > highBin[j]) && bins[b] != 0 && ambiguous.add(b)) {
                            ok = false;
                        }
                    }
                }
            }
            if (!ok) {
                continue;
            }
            double[] asc = levels.clone();
            Arrays.sort(asc);
            for (int q = 0; q < glen; q++) {
                hist[gl[q] * B + countBelow(asc, gv[q])]++;
            }
            int zb = countBelow(asc, 0.0);
            for (int l = 0; l < classes; l++) {
                hist[l * B + zb] += zeroCount[l];
            }
            return new Result(levels, hist);
        }
    }

    /** code[b] = -1 for ambiguous bins, else (index of its run of non-ambiguous bins) << 8 | #levels whose high bin is below b. */
    private void table(TreeSet<Integer> ambiguous, int[] highBin, int size) {
        int[] high = highBin.clone();
        Arrays.sort(high);
        int run = 0;
        int from = 0;
        int h = 0;
        for (int a : ambiguous) {
            while (h < high.length && high[h] < from) {
                h++;
            }
            Arrays.fill(code, from, a, (run << 8) | h);
            code[a] = -1;
            run++;
            from = a + 1;
        }
        while (h < high.length && high[h] < from) {
            h++;
        }
        Arrays.fill(code, from, size, (run << 8) | h);
    }

    /** Adds cell c's pixels of image i to {@code counts[label * stride + bucket]}. */
    private void addCell(long[] counts, int stride, int bucket, LabelMaps labels, int i, int c, int uniformLabel) {
        if (uniformLabel >= 0) {
            counts[uniformLabel * stride + bucket] += grid.size(c);
            return;
        }
        int s = grid.size(c);
        for (int q = 0; q < s; q++) {
            counts[labels.get(i, grid.pixel(c, q)) * stride + bucket]++;
        }
    }

    private void keep(double v, int label) {
        if (glen == gv.length) {
            gv = Arrays.copyOf(gv, glen * 2);
            gl = Arrays.copyOf(gl, glen * 2);
        }
        gv[glen] = v;
        gl[glen] = label;
        glen++;
    }

    /** Per image of the threshold set and cell of the grid: the cell's label if all its pixels share it, else -1. */
    static int[] uniformLabels(CellGrid grid, LabelMaps labels, int n) {
        int cells = grid.cells();
        int[] out = new int[Math.multiplyExact(n, cells)];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < cells; c++) {
                int first = labels.get(i, grid.pixel(c, 0));
                int s = grid.size(c);
                for (int q = 1; q < s && first >= 0; q++) {
                    if (labels.get(i, grid.pixel(c, q)) != first) {
                        first = -1;
                    }
                }
                out[i * cells + c] = first;
            }
        }
        return out;
    }

    /** Number of entries of ascending {@code a} strictly below {@code v} ({@link LevelTally}'s bucket). */
    private static int countBelow(double[] a, double v) {
        int l = 0;
        int h = a.length;
        while (l < h) {
            int mid = (l + h) >>> 1;
            if (a[mid] < v) {
                l = mid + 1;
            } else {
                h = mid;
            }
        }
        return l;
    }
}
