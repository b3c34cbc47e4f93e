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
import org.ganscope.analysis.model.RenderAhead;

/**
 * First pass of a dissection: over the separate threshold seed set, fix one threshold
 * per unit, and the held-out set of the controls ({@link HeldOut}: class map, unit areas,
 * top-1% thresholds). Quantile mode: the Hazen quantile at 1 - q of the unit's raw activations
 * (SPEC section 2). IQR mode: levels = quantiles of the upsampled activations at 100
 * fractions, counts per label and level, and the IQR-maximising level (SPEC section 4).
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
        return run(model, p, progress, BUFFER_BYTES);
    }

    /** As above, keeping at most {@code bufferBytes} of upsampled values over all threads (see {@link #BUFFER_BYTES}; the result does not depend on it). */
    static Thresholds run(LayerModel model, DissectParams p, Progress progress, long bufferBytes) {
        try (RenderAhead ahead = RenderAhead.start(model, List.of(range(p)), p.batch())) {
            return run(ahead, p, progress, bufferBytes);
        }
    }

    /** The samples of the threshold set. */
    public static RenderAhead.Range range(DissectParams p) {
        return new RenderAhead.Range(p.thresholdSeed(), 0, p.thresholdSamples());
    }

    /**
     * As {@link #run(LayerModel, DissectParams, Progress)}, taking the threshold set's batches
     * from {@code ahead}, whose plan must begin with {@link #range}; rendering may go on with
     * the rest of its plan while this pass computes its statistics.
     */
    public static Thresholds run(RenderAhead ahead, DissectParams p, Progress progress) {
        return run(ahead, p, progress, BUFFER_BYTES);
    }

    static Thresholds run(RenderAhead ahead, DissectParams p, Progress progress, long bufferBytes) {
        LayerModel model = ahead.model(); // immutable properties only: the producer runs it
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
        for (int start = 0; start < n; ) {
            RenderAhead.Batch batch = ahead.next(p.thresholdSeed(), start, n);
            int b = batch.count();
            labels.put(start, batch.labels(), 0, b);
            float[] r = batch.activations();
            EvalShard.checkFinite(r, b * units * hw, p.thresholdSeed(), start);
            System.arraycopy(r, 0, acts, start * units * hw, b * units * hw);
            ahead.release(batch);
            start += b;
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
        long bufferValues = bufferBytes / Double.BYTES / Math.max(1, java.util.concurrent.ForkJoinPool.getCommonPoolParallelism() + 1);
        ThreadLocal<UnitScratch> scratch = ThreadLocal.withInitial(() -> new UnitScratch(layer.height(), layer.width(), res, bufferValues));
        progress.begin("IQR levels", units, "unit");
        IntStream.range(0, units).parallel().forEach(u -> {
            UnitScratch s = scratch.get();
            boolean kept = s.keep(acts, u, units, hw, n, segPixels);
            levels[u] = kept ? keptLevels(s, n, segPixels) : unitLevels(s, acts, u, units, hw, n, segPixels);
            hists[u] = unitHistogram(s, kept, levels[u], acts, labels, u, units, hw, n, classes);
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
     * Upsampled values a threshold pass may keep, over all its threads (system property
     * {@code ganscope.threshold.buffer-mb}, MiB; default 64): a unit whose n x segmentation-pixels
     * values fit its thread's share is upsampled once and kept for its three passes (demo
     * bundles: 16 MB at 500 images of 64 x 64); a larger one is upsampled anew for each pass, one
     * image at a time (ProGAN-256 layer4 at 1,000 images: 131 MB per thread not held).
     * Same values either way, so the same result.
     */
    static final long BUFFER_BYTES = Long.getLong("ganscope.threshold.buffer-mb", 64) << 20;

    /**
     * A thread's working set for one unit's IQR statistics: one upsampled image and one
     * widened label map at a time, and the unit's upsampled values when they fit
     * {@code bufferValues}.
     */
    private static final class UnitScratch {
        final Upsampler up;
        final double[] plane;
        final int[] lab;
        final ExactSelect select = new ExactSelect();
        final FastLevelCounter counter = new FastLevelCounter();
        final int bufferValues;
        double[] kept;        // the unit's non-zero planes, upsampled, back to back (null: streaming)
        int[] keptOffset;     // per image: its plane's offset in kept, or -1 for an all-zero plane
        int keptLength;

        UnitScratch(int h, int w, int res, long bufferValues) {
            up = new Upsampler(h, w, res, res);
            plane = new double[res * res];
            lab = new int[res * res];
            this.bufferValues = (int) Math.min(Integer.MAX_VALUE - 16, bufferValues);
        }

        /** Upsamples every non-zero plane of unit u into {@link #kept} when they fit; returns whether they did. */
        boolean keep(float[] acts, int u, int units, int hw, int n, int segPixels) {
            if ((long) n * segPixels > bufferValues) {
                return false;
            }
            if (kept == null || kept.length < n * segPixels) {
                kept = new double[n * segPixels];
                keptOffset = new int[n];
            }
            if (keptOffset.length < n) {
                keptOffset = new int[n];
            }
            int o = 0;
            for (int i = 0; i < n; i++) {
                int off = (i * units + u) * hw;
                if (zeroPlane(acts, off, hw)) {
                    keptOffset[i] = -1;
                } else {
                    up.apply(acts, off, kept, o);
                    keptOffset[i] = o;
                    o += segPixels;
                }
            }
            keptLength = o;
            return true;
        }
    }

    /** Whether the raw plane is all zeros (+0.0 or -0.0): then so is every upsampled value, a convex combination of them. */
    private static boolean zeroPlane(float[] acts, int off, int hw) {
        for (int k = off; k < off + hw; k++) {
            if (acts[k] != 0f) {
                return false;
            }
        }
        return true;
    }

    /**
     * The unit's 100 IQR levels over its upsampled threshold-set values, exactly as
     * {@link IqrLevels#levels} on a full sort: the non-zero values are streamed twice
     * through {@link ExactSelect} (histogram, then the wanted bins), one image at a time, and
     * the zeros are placed virtually between negatives and positives.
     */
    private static double[] unitLevels(UnitScratch s, float[] acts, int u, int units, int hw, int n, int segPixels) {
        long m = (long) n * segPixels;
        ExactSelect select = s.select;
        select.begin(m);
        for (int i = 0; i < n; i++) {
            int off = (i * units + u) * hw;
            if (!zeroPlane(acts, off, hw)) {
                s.up.apply(acts, off, s.plane, 0);
                select.count(s.plane, 0, segPixels, true);
            }
        }
        int[] ranks = nonZeroRanks(Math.toIntExact(m), (int) select.negatives(), Math.toIntExact(m - select.counted()));
        if (ranks.length == 0) {
            return assemble(Math.toIntExact(m), (int) select.negatives(), Math.toIntExact(m - select.counted()), ranks, new double[0]);
        }
        select.want(ranks);
        for (int i = 0; i < n; i++) {
            int off = (i * units + u) * hw;
            if (!zeroPlane(acts, off, hw)) {
                s.up.apply(acts, off, s.plane, 0);
                select.gather(s.plane, 0, segPixels, true);
            }
        }
        return assemble(Math.toIntExact(m), (int) select.negatives(), Math.toIntExact(m - select.counted()), ranks, select.picked());
    }

    /** As {@link #unitLevels} over the unit's kept upsampled values. */
    private static double[] keptLevels(UnitScratch s, int n, int segPixels) {
        int m = Math.multiplyExact(n, segPixels);
        ExactSelect select = s.select;
        select.begin(m);
        select.count(s.kept, 0, s.keptLength, true);
        int negatives = (int) select.negatives();
        int zeros = Math.toIntExact(m - select.counted());
        int[] ranks = nonZeroRanks(m, negatives, zeros);
        if (ranks.length == 0) {
            return assemble(m, negatives, zeros, ranks, new double[0]);
        }
        select.want(ranks);
        select.gather(s.kept, 0, s.keptLength, true);
        return assemble(m, negatives, zeros, ranks, select.picked());
    }

    /** The unit's label x level-bucket counts ({@link LevelTally#addHistogram}) over its upsampled threshold-set values. */
    private static long[] unitHistogram(UnitScratch s, boolean kept, double[] unitLevels, float[] acts, LabelMaps labels, int u, int units, int hw,
            int n, int classes) {
        double[] ascending = unitLevels.clone();
        Arrays.sort(ascending); // exactly LevelTally's ascending levels
        FastLevelCounter counter = s.counter;
        counter.levels(ascending);
        int zeroBucket = counter.bucket(0.0);
        int seg = labels.pixels();
        long[] hist = new long[classes * (IqrLevels.COUNT + 1)];
        for (int i = 0; i < n; i++) {
            int off = (i * units + u) * hw;
            labels.image(i, s.lab);
            if (kept ? s.keptOffset[i] < 0 : zeroPlane(acts, off, hw)) {
                for (int p = 0; p < seg; p++) {
                    hist[s.lab[p] * (IqrLevels.COUNT + 1) + zeroBucket]++;
                }
            } else if (kept) {
                counter.count(s.kept, s.keptOffset[i], s.lab, 0, seg, hist);
            } else {
                s.up.apply(acts, off, s.plane, 0);
                counter.count(s.plane, 0, s.lab, 0, seg, hist);
            }
        }
        return hist;
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
    private static double[] assemble(int m, int negatives, int zeros, int[] ranks, double[] picked) {
        Map<Integer, Double> byRank = new HashMap<>();
        for (int i = 0; i < ranks.length; i++) {
            byRank.put(ranks[i], picked[i]);
        }
        return IqrLevels.levels(k -> k < negatives ? byRank.get(k) : k < negatives + zeros ? 0.0 : byRank.get(k - zeros), m);
    }
}
