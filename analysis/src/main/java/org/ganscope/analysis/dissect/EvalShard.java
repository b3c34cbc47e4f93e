package org.ganscope.analysis.dissect;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.Progress;
import org.ganscope.analysis.model.LayerModel;
import org.ganscope.analysis.model.RenderAhead;

/**
 * Second pass of a dissection over evaluation samples [start, end) of a seed, at fixed
 * thresholds: per unit and label the count of on-pixels ({@code up > thr}, strict), per
 * label the pixel count, and the top-k samples per unit by maximum activation.
 * All counts are longs, so shards {@link #merge} exactly: any split of the samples gives
 * bit-identical totals. Memory is O(units x classes + units x k), independent of the
 * number of samples.
 *
 * <p>The counting kernel upsamples only the output rows whose two source rows can
 * exceed the threshold, with exactly the arithmetic of {@link Upsampler}, so it counts
 * the same pixels as the reference.
 */
public final class EvalShard {
    private final double[] thresholds;
    private final int classes;
    private final long[] on;          // [U][C]
    private final long[] classPixels; // [C]
    private final TopK topK;
    private final ControlTally controls; // null: SPEC counts only
    private final long[] imageOn;        // [U][C] per-image scratch (controls only)
    private final long[] imageTop;       // [U][C] per-image scratch (controls only)
    private long images;

    /** SPEC counts only, no controls. */
    public EvalShard(double[] thresholds, int numClasses, int k) {
        this(thresholds, numClasses, k, null);
    }

    /**
     * SPEC counts and, when the thresholds carry a {@link HeldOut} set, the control counts
     * ({@link ControlTally}) with bootstrap weights seeded by the evaluation {@code seed}.
     */
    public EvalShard(Thresholds t, int numClasses, int k, long seed) {
        this(t.values(), numClasses, k, t.heldOut() == null ? null : new ControlTally(t.heldOut(), seed, Bootstrap.REPLICATES));
    }

    private EvalShard(double[] thresholds, int numClasses, int k, ControlTally controls) {
        this.thresholds = thresholds.clone();
        this.classes = numClasses;
        this.on = new long[thresholds.length * numClasses];
        this.classPixels = new long[numClasses];
        this.topK = new TopK(thresholds.length, k);
        this.controls = controls;
        if (controls != null && (controls.heldOut().units() != thresholds.length || controls.heldOut().numClasses() != numClasses)) {
            throw new IllegalArgumentException("held-out set does not match the layer's units or classes");
        }
        this.imageOn = controls == null ? null : new long[on.length];
        this.imageTop = controls == null ? null : new long[on.length];
    }

    /** Runs the model over samples [start, end) of {@code seed} and counts them (SPEC counts only). */
    public static EvalShard run(LayerModel model, double[] thresholds, long seed, long start, long end, int k, int batch) {
        return run(model, new EvalShard(thresholds, model.numClasses(), k), seed, start, end, batch);
    }

    /** Runs the model over samples [start, end) of {@code seed} and counts them, with controls if {@code t} has them. */
    public static EvalShard run(LayerModel model, Thresholds t, long seed, long start, long end, int k, int batch) {
        return run(model, new EvalShard(t, model.numClasses(), k, seed), seed, start, end, batch);
    }

    /** As above, advancing {@code progress} by each batch's images (the caller begins and ends the phase). */
    public static EvalShard run(LayerModel model, Thresholds t, long seed, long start, long end, int k, int batch,
            Progress progress) {
        return run(model, new EvalShard(t, model.numClasses(), k, seed), seed, start, end, batch, progress);
    }

    private static EvalShard run(LayerModel model, EvalShard shard, long seed, long start, long end, int batch) {
        return run(model, shard, seed, start, end, batch, Progress.NONE);
    }

    private static EvalShard run(LayerModel model, EvalShard shard, long seed, long start, long end, int batch,
            Progress progress) {
        try (RenderAhead ahead = RenderAhead.start(model, List.of(new RenderAhead.Range(seed, start, end)), batch)) {
            return run(ahead, shard, seed, start, end, progress);
        }
    }

    /**
     * As {@link #run(LayerModel, Thresholds, long, long, long, int, int, Progress)}, taking the
     * batches from {@code ahead}, whose plan must go on with exactly samples [start, end) of
     * {@code seed} (in its batch size): counted while later batches render.
     */
    public static EvalShard run(RenderAhead ahead, Thresholds t, long seed, long start, long end, int k, Progress progress) {
        return run(ahead, new EvalShard(t, ahead.model().numClasses(), k, seed), seed, start, end, progress);
    }

    private static EvalShard run(RenderAhead ahead, EvalShard shard, long seed, long start, long end, Progress progress) {
        var layer = ahead.model().layer();
        int res = (int) Math.round(Math.sqrt(ahead.model().segPixels()));
        Kernel kernel = new Kernel(layer.height(), layer.width(), res);
        for (long s = start; s < end; ) {
            RenderAhead.Batch batch = ahead.next(seed, s, end);
            int b = batch.count();
            float[] r = batch.activations();
            checkFinite(r, b * layer.units() * layer.pixels(), seed, s);
            shard.add(kernel, r, batch.labels(), b, s);
            ahead.release(batch);
            s += b;
            progress.advance(b);
        }
        return shard;
    }

    /** Counts a batch: raw activations [b][U][h][w], labels [b][R][R], first sample index {@code first}. */
    void add(Kernel kernel, float[] r, int[] labels, int b, long first) {
        int units = thresholds.length;
        int hw = kernel.h * kernel.w;
        int seg = kernel.res * kernel.res;
        for (int i = 0; i < b; i++) {
            for (int p = 0; p < seg; p++) {
                classPixels[labels[i * seg + p]]++;
            }
            if (controls == null) {
                for (int u = 0; u < units; u++) {
                    int off = (i * units + u) * hw;
                    float max = kernel.count(r, off, thresholds[u], labels, i * seg, on, u * classes);
                    topK.offer(u, first + i, max);
                }
            } else {
                Arrays.fill(imageOn, 0);
                Arrays.fill(imageTop, 0);
                double[] top = controls.heldOut().topThresholds();
                for (int u = 0; u < units; u++) {
                    int off = (i * units + u) * hw;
                    float max;
                    if (top[u] == thresholds[u]) { // quantile mode at the top-1% rule itself
                        max = kernel.count(r, off, thresholds[u], labels, i * seg, imageOn, u * classes);
                        System.arraycopy(imageOn, u * classes, imageTop, u * classes, classes);
                    } else {
                        max = kernel.countTwo(r, off, thresholds[u], top[u], labels, i * seg, imageOn, imageTop, u * classes);
                    }
                    topK.offer(u, first + i, max);
                }
                for (int k = 0; k < on.length; k++) {
                    on[k] += imageOn[k];
                }
                controls.addImage(first + i, labels, i * seg, imageOn, imageTop);
            }
            images++;
        }
    }

    static void checkFinite(float[] r, int len, long seed, long first) {
        for (int k = 0; k < len; k++) {
            if (!Float.isFinite(r[k])) {
                throw new AnalysisException("the generator produced " + r[k] + " (NaN or Inf) in its activations for a sample of seed "
                        + seed + " near index " + first + "; the bundle's h graph is numerically broken for these inputs");
            }
        }
    }

    public void merge(EvalShard other) {
        if (other.classes != classes || !Arrays.equals(other.thresholds, thresholds)) {
            throw new IllegalArgumentException("cannot merge shards with different thresholds or classes");
        }
        for (int k = 0; k < on.length; k++) {
            on[k] += other.on[k];
        }
        for (int c = 0; c < classes; c++) {
            classPixels[c] += other.classPixels[c];
        }
        if ((controls == null) != (other.controls == null)) {
            throw new IllegalArgumentException("cannot merge a shard with controls and one without");
        }
        if (controls != null) {
            controls.merge(other.controls);
        }
        topK.merge(other.topK);
        images += other.images;
    }

    /** The control counts, or null when the thresholds had no held-out set. */
    public ControlTally controls() {
        return controls;
    }

    /** The counts as a reference {@link ThresholdTally}. */
    public ThresholdTally tally() {
        long[] total = new long[on.length];
        for (int u = 0; u < thresholds.length; u++) {
            System.arraycopy(classPixels, 0, total, u * classes, classes);
        }
        return ThresholdTally.ofCounts(thresholds, classes, on, total);
    }

    public long[] classPixels() {
        return classPixels.clone();
    }

    public TopK topK() {
        return topK;
    }

    public long images() {
        return images;
    }

    public double[] thresholds() {
        return thresholds.clone();
    }

    /** Binary form for checkpoints and artifact stores (exact; includes the thresholds). */
    public void write(DataOutputStream out) throws IOException {
        out.writeInt(controls == null ? MAGIC : MAGIC_CONTROLS);
        out.writeInt(thresholds.length);
        out.writeInt(classes);
        out.writeInt(topK.k());
        for (double t : thresholds) {
            out.writeDouble(t);
        }
        for (long v : on) {
            out.writeLong(v);
        }
        for (long v : classPixels) {
            out.writeLong(v);
        }
        out.writeLong(images);
        for (int u = 0; u < thresholds.length; u++) {
            long[] idx = topK.indices(u);
            float[] val = topK.values(u);
            out.writeInt(idx.length);
            for (int j = 0; j < idx.length; j++) {
                out.writeLong(idx[j]);
                out.writeFloat(val[j]);
            }
        }
        if (controls != null) {
            controls.write(out);
        }
    }

    private static final int MAGIC = 0x47535348; // "GSSH"
    private static final int MAGIC_CONTROLS = 0x47535333; // "GSS3": followed by the control counts with the location-test moments
    private static final int MAGIC_CONTROLS_V2 = 0x47535332; // "GSS2": control counts without the moments (no longer read)

    public static EvalShard read(DataInputStream in) throws IOException {
        int magic = in.readInt();
        if (magic == MAGIC_CONTROLS_V2) {
            throw new IOException("a dissection shard of an older ganscope (control counts without the location-test moments); count it again");
        }
        if (magic != MAGIC && magic != MAGIC_CONTROLS) {
            throw new IOException("not a ganscope dissection shard");
        }
        int units = in.readInt();
        int classes = in.readInt();
        int k = in.readInt();
        double[] thr = new double[units];
        for (int u = 0; u < units; u++) {
            thr[u] = in.readDouble();
        }
        // the control counts follow the SPEC counts; read everything, then assemble
        long[] on = new long[units * classes];
        for (int i = 0; i < on.length; i++) {
            on[i] = in.readLong();
        }
        long[] classPixels = new long[classes];
        for (int c = 0; c < classes; c++) {
            classPixels[c] = in.readLong();
        }
        long images = in.readLong();
        long[][] topIdx = new long[units][];
        float[][] topVal = new float[units][];
        for (int u = 0; u < units; u++) {
            int m = in.readInt();
            if (m < 0 || m > k) {
                throw new IOException("bad top-k length " + m);
            }
            topIdx[u] = new long[m];
            topVal[u] = new float[m];
            for (int j = 0; j < m; j++) {
                topIdx[u][j] = in.readLong();
                topVal[u][j] = in.readFloat();
            }
        }
        ControlTally controls = magic == MAGIC_CONTROLS ? ControlTally.read(in) : null;
        EvalShard s = new EvalShard(thr, classes, k, controls);
        System.arraycopy(on, 0, s.on, 0, on.length);
        System.arraycopy(classPixels, 0, s.classPixels, 0, classes);
        s.images = images;
        for (int u = 0; u < units; u++) {
            for (int j = 0; j < topIdx[u].length; j++) {
                s.topK.offer(u, topIdx[u][j], topVal[u][j]);
            }
        }
        return s;
    }

    /** The sparse counting kernel for one layer geometry; one per thread. */
    static final class Kernel {
        final int h;
        final int w;
        final int res;
        private final Upsampler.Axis ys;
        private final Upsampler.Axis xs;
        private final double[] tmp;
        private final float[] rowMax;

        Kernel(int h, int w, int res) {
            this.h = h;
            this.w = w;
            this.res = res;
            this.ys = Upsampler.Axis.of(h, res);
            this.xs = Upsampler.Axis.of(w, res);
            this.tmp = new double[w];
            this.rowMax = new float[h];
        }

        /** An upsampled value is a convex combination of its sources: it cannot exceed their maximum (up to rounding). */
        private static boolean cannotExceed(double max, double thr) {
            return max + Math.abs(max) * 1e-9 < thr;
        }

        /** Fills {@code rowMax} with the raw maximum of each row of the plane at {@code off}; returns the plane's maximum. */
        private float rowMaxima(float[] r, int off) {
            float max = Float.NEGATIVE_INFINITY;
            for (int y = 0; y < h; y++) {
                float m = Float.NEGATIVE_INFINITY;
                int o = off + y * w;
                for (int x = 0; x < w; x++) {
                    if (r[o + x] > m) {
                        m = r[o + x];
                    }
                }
                rowMax[y] = m;
                if (m > max) {
                    max = m;
                }
            }
            return max;
        }

        /** Adds on-pixel counts of one plane to {@code on[base + label]}; returns the plane's raw maximum. */
        float count(float[] r, int off, double thr, int[] labels, int labOff, long[] on, int base) {
            float max = rowMaxima(r, off);
            if (cannotExceed(max, thr)) {
                return max;
            }
            int[] yi0 = ys.i0();
            int[] yi1 = ys.i1();
            double[] yw0 = ys.w0();
            double[] yw1 = ys.w1();
            int[] xi0 = xs.i0();
            int[] xi1 = xs.i1();
            double[] xw0 = xs.w0();
            double[] xw1 = xs.w1();
            for (int y = 0; y < res; y++) {
                int i0 = yi0[y];
                int i1 = yi1[y];
                if (cannotExceed(Math.max(rowMax[i0], rowMax[i1]), thr)) {
                    continue;
                }
                int r0 = off + i0 * w;
                int r1 = off + i1 * w;
                double a = yw0[y];
                double b = yw1[y];
                for (int x = 0; x < w; x++) {
                    tmp[x] = a * r[r0 + x] + b * r[r1 + x];
                }
                int lo = labOff + y * res;
                for (int x = 0; x < res; x++) {
                    double v = xw0[x] * tmp[xi0[x]] + xw1[x] * tmp[xi1[x]];
                    if (v > thr) {
                        on[base + labels[lo + x]]++;
                    }
                }
            }
            return max;
        }

        /**
         * {@link #count} at two thresholds in one sweep (the dissection's and the top-1%
         * rule's): the same rows skipped per threshold and the same upsampled values, so the
         * counts are exactly those of two {@link #count} calls, at the cost of about one.
         */
        float countTwo(float[] r, int off, double thrA, double thrB, int[] labels, int labOff, long[] onA, long[] onB, int base) {
            float max = rowMaxima(r, off);
            if (cannotExceed(max, thrA) && cannotExceed(max, thrB)) {
                return max;
            }
            int[] yi0 = ys.i0();
            int[] yi1 = ys.i1();
            double[] yw0 = ys.w0();
            double[] yw1 = ys.w1();
            int[] xi0 = xs.i0();
            int[] xi1 = xs.i1();
            double[] xw0 = xs.w0();
            double[] xw1 = xs.w1();
            for (int y = 0; y < res; y++) {
                int i0 = yi0[y];
                int i1 = yi1[y];
                float rm = Math.max(rowMax[i0], rowMax[i1]);
                boolean a = !cannotExceed(rm, thrA);
                boolean b = !cannotExceed(rm, thrB);
                if (!a && !b) {
                    continue;
                }
                int r0 = off + i0 * w;
                int r1 = off + i1 * w;
                double wa = yw0[y];
                double wb = yw1[y];
                for (int x = 0; x < w; x++) {
                    tmp[x] = wa * r[r0 + x] + wb * r[r1 + x];
                }
                int lo = labOff + y * res;
                if (a && b) {
                    for (int x = 0; x < res; x++) {
                        double v = xw0[x] * tmp[xi0[x]] + xw1[x] * tmp[xi1[x]];
                        if (v > thrA) {
                            onA[base + labels[lo + x]]++;
                        }
                        if (v > thrB) {
                            onB[base + labels[lo + x]]++;
                        }
                    }
                } else {
                    double t = a ? thrA : thrB;
                    long[] on = a ? onA : onB;
                    for (int x = 0; x < res; x++) {
                        double v = xw0[x] * tmp[xi0[x]] + xw1[x] * tmp[xi1[x]];
                        if (v > t) {
                            on[base + labels[lo + x]]++;
                        }
                    }
                }
            }
            return max;
        }
    }
}
