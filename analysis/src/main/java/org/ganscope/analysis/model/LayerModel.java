package org.ganscope.analysis.model;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.Manifest;
import org.ganscope.analysis.ort.Graph;
import org.ganscope.analysis.ort.OrtRuntime;
import org.ganscope.analysis.sample.Latents;

/**
 * A bundle's generator split at one layer (h_L, f_L) plus its segmenter, with buffers
 * for batches of up to {@code maxBatch} samples allocated once. {@link #generate}
 * computes z -> r -> x -> class probabilities -> label map for samples
 * [start, start + count) of a seed; the results stay in the buffers until the next call.
 * Not thread-safe: one instance per worker thread (the ORT sessions share one
 * environment and thread pool).
 */
public final class LayerModel implements AutoCloseable {
    private final Bundle bundle;
    private final Manifest.Layer layer;
    private final Graph h;
    private final Graph f;
    private final Graph seg;
    private final int maxBatch;
    private final int zdim;
    private final int imagePixels;
    private final int numClasses;
    private final int segPixels;
    private final FloatBuffer z;
    private final FloatBuffer r;
    private final FloatBuffer x;
    private final FloatBuffer probs;
    private final float[] rHeap;
    private final int[] labels;
    private final float[] probHeap;
    private final float[] bestValue;
    private int count;

    public LayerModel(Bundle bundle, String layerName, int maxBatch) {
        this.bundle = bundle;
        this.layer = bundle.layer(layerName);
        Manifest m = bundle.manifest();
        this.maxBatch = maxBatch;
        this.zdim = m.zdim();
        this.imagePixels = m.imageSize() * m.imageSize();
        this.numClasses = m.numClasses();
        int res = m.segmenter().resolution();
        this.segPixels = res * res;
        Graph hh = null;
        Graph ff = null;
        boolean arena = OrtRuntime.arenaFor((long) maxBatch * 3 * imagePixels * Float.BYTES);
        try {
            hh = new Graph(layer.hFile(), bundle.file(layer.hFile()), arena);
            ff = new Graph(layer.fFile(), bundle.file(layer.fFile()), arena);
            this.seg = new Graph(m.segmenter().file(), bundle.file(m.segmenter().file()), arena);
        } catch (RuntimeException e) {
            if (hh != null) {
                hh.close();
            }
            if (ff != null) {
                ff.close();
            }
            throw e;
        }
        this.h = hh;
        this.f = ff;
        int rSize = layer.units() * layer.pixels();
        z = Graph.directFloats((long) maxBatch * zdim);
        r = Graph.directFloats((long) maxBatch * rSize);
        x = Graph.directFloats((long) maxBatch * 3 * imagePixels);
        probs = Graph.directFloats((long) maxBatch * numClasses * segPixels);
        rHeap = new float[maxBatch * rSize];
        labels = new int[maxBatch * segPixels];
        probHeap = new float[maxBatch * numClasses * segPixels];
        bestValue = new float[segPixels];
    }

    public Bundle bundle() {
        return bundle;
    }

    public Manifest.Layer layer() {
        return layer;
    }

    public int maxBatch() {
        return maxBatch;
    }

    /** Runs h, f and the segmenter on samples [start, start+count) of {@code seed}. */
    public void generate(long seed, long start, int count) {
        represent(seed, start, count);
        render(count);
    }

    /**
     * Runs the three graphs (h, f, segmenter) on samples [start, start+count) and
     * nothing else: the raw-inference baseline of the benchmarks.
     */
    public void inferOnly(long seed, long start, int count) {
        if (count < 1 || count > maxBatch) {
            throw new IllegalArgumentException("batch of " + count + " outside 1.." + maxBatch);
        }
        Latents.fillBatch(seed, start, count, zdim, z);
        h.run(z, count, r);
        f.runTail(r, z, count, x);
        seg.run(x, count, probs);
    }

    /** Runs h only: fills {@link #activations()} for samples [start, start+count). */
    public void represent(long seed, long start, int count) {
        if (count < 1 || count > maxBatch) {
            throw new IllegalArgumentException("batch of " + count + " outside 1.." + maxBatch);
        }
        this.count = count;
        Latents.fillBatch(seed, start, count, zdim, z);
        h.run(z, count, r);
        r.position(0);
        r.get(rHeap, 0, count * layer.units() * layer.pixels());
        r.position(0);
    }

    /** Runs f and the segmenter on the representation currently in the r buffer. */
    private void render(int count) {
        f.runTail(r, z, count, x);
        seg.run(x, count, probs);
        argmax(count);
    }

    /**
     * Replaces the representation by {@code edited} (same layout as {@link #activations()})
     * and renders it: the intervention path, f and the segmenter only, h is not re-run.
     * Row i is an edit of sample i of the last generated batch; when that batch was a
     * single sample, every row is an edit of it. This matters for tails that take z
     * ({@link Manifest.Layer#fTakesLatent()}): row i is rendered with that sample's z.
     */
    public void renderEdited(float[] edited, int count) {
        if (count < 1 || count > maxBatch) {
            throw new IllegalArgumentException("batch of " + count + " outside 1.." + maxBatch);
        }
        if (f.takesLatent() && count > this.count) {
            if (this.count != 1) {
                throw new IllegalStateException("layer " + layer.name() + " renders with each sample's z: " + count
                        + " edited rows, but the last generated batch has " + this.count + " samples");
            }
            for (int i = 1; i < count; i++) {
                for (int k = 0; k < zdim; k++) {
                    z.put(i * zdim + k, z.get(k));
                }
            }
        }
        this.count = count;
        r.position(0);
        r.put(edited, 0, count * layer.units() * layer.pixels());
        r.position(0);
        render(count);
    }

    /** Label map = first argmax over classes; class-major over a heap copy, so the inner loop is over pixels. */
    private void argmax(int count) {
        int n = count * numClasses * segPixels;
        probs.position(0);
        probs.get(probHeap, 0, n);
        probs.position(0);
        for (int b = 0; b < count; b++) {
            int base = b * numClasses * segPixels;
            int lo = b * segPixels;
            System.arraycopy(probHeap, base, bestValue, 0, segPixels);
            Arrays.fill(labels, lo, lo + segPixels, 0);
            for (int c = 1; c < numClasses; c++) {
                int off = base + c * segPixels;
                for (int p = 0; p < segPixels; p++) {
                    float v = probHeap[off + p];
                    if (v > bestValue[p]) {
                        bestValue[p] = v;
                        labels[lo + p] = c;
                    }
                }
            }
        }
    }

    /** r of the current batch, [count][units][h][w], float32 (a view: do not keep across calls). */
    public float[] activations() {
        return rHeap;
    }

    /** Label maps of the current batch, [count][R][R] (a view: do not keep across calls). */
    public int[] labels() {
        return labels;
    }

    /** Class probabilities of the current batch, [count][C][R][R] (a direct buffer view). */
    public FloatBuffer probabilities() {
        return probs;
    }

    /** Generated images of the current batch, [count][3][S][S] in [-1, 1] (a direct buffer view). */
    public FloatBuffer images() {
        return x;
    }

    public int count() {
        return count;
    }

    public int segPixels() {
        return segPixels;
    }

    public int numClasses() {
        return numClasses;
    }

    @Override
    public void close() {
        h.close();
        f.close();
        seg.close();
    }
}
