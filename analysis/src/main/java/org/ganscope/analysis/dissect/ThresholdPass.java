package org.ganscope.analysis.dissect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.ganscope.analysis.Progress;
import org.ganscope.analysis.model.LayerModel;

/**
 * First pass of a dissection: over the separate threshold seed set, fix one threshold
 * per unit, and the held-out set of the controls ({@link HeldOut}: class map, unit areas,
 * top-1% thresholds). Quantile mode: the Hazen quantile at 1 - q of the unit's raw activations
 * (SPEC section 2). IQR mode: levels = quantiles of the upsampled activations at 100
 * fractions, counts per label and level, and the IQR-maximising level (SPEC section 4),
 * per unit in two sweeps over its raw planes ({@link UnitIqrStats}).
 *
 * <p>Holds the threshold set's raw activations (and label maps in IQR mode) in memory:
 * its size is the threshold-set size, independent of the number of evaluation samples.
 * Units are processed in parallel.
 */
public final class ThresholdPass {
    private ThresholdPass() {
    }

    public static Thresholds run(LayerModel model, DissectParams p) {
        return run(model, p, Progress.NONE);
    }

    /** Progress of a threshold pass as one count: {@code done} of {@code total} (called from several threads; never changes the result). */
    public interface Report {
        void report(long done, long total);
    }

    /**
     * As {@link #run(LayerModel, DissectParams)}, reporting one count for the step timeline:
     * the threshold set's n images, then the selection as n items more, so {@code total} is 2n.
     */
    public static Thresholds run(LayerModel model, DissectParams p, Report report) {
        long n = p.thresholdSamples();
        return run(model, p, new Progress() {
            private final AtomicLong done = new AtomicLong();
            private volatile long phaseTotal = 1;
            private volatile int phase = -1;

            @Override
            public void begin(String name, long total, String unit) {
                phase++;
                phaseTotal = Math.max(1, total);
                done.set(0);
            }

            @Override
            public void advance(long k) {
                long d = done.addAndGet(k);
                report.report(phase == 0 ? Math.min(n, d) : n + n * Math.min(d, phaseTotal) / phaseTotal, 2 * n);
            }

            @Override
            public void end() {
                if (phase > 0) {
                    report.report(2 * n, 2 * n);
                }
            }
        });
    }

    /** As above, reporting the threshold set's images and then its units' statistics. */
    public static Thresholds run(LayerModel model, DissectParams p, Progress progress) {
        var layer = model.layer();
        int units = layer.units();
        int hw = layer.pixels();
        int n = p.thresholdSamples();
        int segPixels = model.segPixels();
        boolean iqr = p.method() == DissectParams.Method.IQR;
        float[] acts = new float[Math.multiplyExact(Math.multiplyExact(n, units), hw)];
        int classes = model.numClasses();
        LabelMaps labels = new LabelMaps(n, segPixels, classes); // also the controls' held-out class map
        progress.begin("threshold set", n, "img");
        for (int start = 0; start < n; start += p.batch()) {
            int b = Math.min(p.batch(), n - start);
            model.generate(p.thresholdSeed(), start, b);
            labels.put(start, model.labels(), 0, b);
            float[] r = model.activations();
            EvalShard.checkFinite(r, b * units * hw, p.thresholdSeed(), start);
            System.arraycopy(r, 0, acts, start * units * hw, b * units * hw);
            progress.advance(b);
        }
        progress.end();
        int res = (int) Math.round(Math.sqrt(segPixels));
        double[] top = !iqr && p.quantile() == HeldOut.TOP_QUANTILE ? null : quantileThresholds(acts, n, units, hw, HeldOut.TOP_QUANTILE);
        if (!iqr) {
            progress.begin("quantiles", 2, "step"); // the top-1% quantiles (above), then the unit thresholds
            progress.advance(1);
            double[] thr = quantileThresholds(acts, n, units, hw, p.quantile());
            progress.advance(1);
            progress.end();
            int[] none = new int[units];
            Arrays.fill(none, -1);
            return new Thresholds(thr, null, HeldOut.of(acts, labels, n, units, layer.height(), layer.width(), res,
                    classes, thr, top == null ? thr : top, none, null));
        }
        double[][] levels = new double[units][];
        long[][] hists = new long[units][];
        CellGrid grid = new CellGrid(layer.height(), layer.width(), res, res);
        int[] uniform = UnitIqrStats.uniformLabels(grid, labels, n);
        ThreadLocal<UnitIqrStats> stats = ThreadLocal.withInitial(() -> new UnitIqrStats(grid));
        progress.begin("IQR levels", units, "unit");
        IntStream.range(0, units).parallel().forEach(u -> {
            UnitIqrStats.Result r = stats.get().unit(acts, u, units, hw, n, labels, uniform, classes);
            levels[u] = r.levels();
            hists[u] = r.histogram();
            progress.advance(1);
        });
        progress.end();
        LevelTally tally = new LevelTally(levels, classes);
        for (int u = 0; u < units; u++) {
            tally.addHistogram(u, hists[u]);
        }
        IqrSelection sel = IqrSelection.select(tally);
        ThresholdTally chosen = tally.atLevels(sel.chosenLevel());
        long[] on = new long[units];
        for (int u = 0; u < units; u++) {
            on[u] = chosen.activeCount(u);
        }
        return new Thresholds(sel.thresholds(), sel, HeldOut.of(acts, labels, n, units, layer.height(), layer.width(), res,
                classes, sel.thresholds(), top, sel.bestLabel(), on));
    }

    /**
     * Quantile-mode thresholds, exactly {@link Quantiles#thresholds}: per unit the Hazen
     * quantile at 1 - q of its n*hw raw values, from the two order statistics it reads
     * ({@link ExactSelect}) instead of a full sort; units in parallel.
     */
    static double[] quantileThresholds(float[] acts, int n, int units, int hw, double q) {
        int m = n * hw;
        double[] out = new double[units];
        ThreadLocal<double[]> bufs = ThreadLocal.withInitial(() -> new double[m]);
        ThreadLocal<ExactSelect> selects = ThreadLocal.withInitial(ExactSelect::new);
        IntStream.range(0, units).parallel().forEach(u -> {
            double[] buf = bufs.get();
            for (int i = 0; i < n; i++) {
                int off = (i * units + u) * hw;
                for (int k = 0; k < hw; k++) {
                    buf[i * hw + k] = acts[off + k];
                }
            }
            out[u] = hazenBySelection(buf, m, 1 - q, selects.get());
        });
        return out;
    }

    private static double hazenBySelection(double[] values, int m, double p, ExactSelect select) {
        TreeSet<Integer> read = new TreeSet<>();
        Quantiles.hazen(k -> {
            read.add(k);
            return 0.0;
        }, m, p);
        int[] ranks = read.stream().mapToInt(Integer::intValue).toArray();
        double[] picked = select.select(values, m, ranks);
        return Quantiles.hazen(k -> picked[Arrays.binarySearch(ranks, k)], m, p);
    }

    /**
     * The 100 IQR levels of {@code values[0..m)}, exactly as {@link IqrLevels#levels} on a
     * full sort: exact zeros (frequent after ReLU) are placed virtually between negatives
     * and positives, and only the order statistics that the Hazen formula reads are
     * selected ({@link ExactSelect}) instead of sorting everything.
     */
    static double[] levels(double[] values, int m, ExactSelect select) {
        int nz = 0;
        int neg = 0;
        for (int i = 0; i < m; i++) {
            double v = values[i];
            if (v != 0.0) {
                nz++;
                if (v < 0) {
                    neg++;
                }
            }
        }
        int[] ranks = nonZeroRanks(m, neg, m - nz);
        double[] picked = ranks.length == 0 ? new double[0] : select.select(values, m, ranks, true); // among the nz non-zeros
        return assemble(m, neg, m - nz, ranks, picked);
    }

    /** The ranks among the non-zero values that the Hazen formula reads for the levels of m values with these many negatives and zeros. */
    private static int[] nonZeroRanks(int m, int negatives, int zeros) {
        // which ranks of the full sorted sequence does the Hazen formula read? ask it.
        TreeSet<Integer> read = new TreeSet<>();
        IqrLevels.levels(k -> {
            read.add(k);
            return 0.0;
        }, m);
        List<Integer> nonZeroRanks = new ArrayList<>();
        for (int k : read) {
            if (k < negatives) {
                nonZeroRanks.add(k);
            } else if (k >= negatives + zeros) {
                nonZeroRanks.add(k - zeros);
            }
        }
        return nonZeroRanks.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The levels from the selected non-zero order statistics ({@code picked[i]} has rank {@code ranks[i]} among the non-zeros). */
    static double[] assemble(int m, int negatives, int zeros, int[] ranks, double[] picked) {
        Map<Integer, Double> byRank = new HashMap<>();
        for (int i = 0; i < ranks.length; i++) {
            byRank.put(ranks[i], picked[i]);
        }
        return IqrLevels.levels(k -> k < negatives ? byRank.get(k) : k < negatives + zeros ? 0.0 : byRank.get(k - zeros), m);
    }
}
