package org.ganscope.analysis.model;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
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
 *
 * <p>{@link #labels()} is the main concept group's label map; the other groups of a schema 2
 * bundle ({@link #groupLabels(int)}) are computed on request, per batch, from the
 * segmenter's other outputs or by their exact rule on the image, so a caller that uses
 * only the main group pays nothing for them.
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
    private final List<Manifest.ConceptGroup> groups;
    /** Every segmenter output in the graph's order (a schema 1 segmenter has one: probs). */
    private final FloatBuffer[] segOutputs;
    /** Per group: its output's position in segOutputs, or -1 for a rule group. */
    private final int[] groupOutput;
    private final int[][] groupLabels;
    private final boolean[] groupFresh;
    private float[] imageHeap;
    private float[] groupHeap;
    private int[] unrealistic;
    private int count;
    /** Rows per tail and segmenter run ({@link #segmentInSubBatches}); 0: the whole batch in one run. */
    private int subBatch;
    /** The latents of the last generated batch, for {@link #renderRows} on tails that take z. */
    private float[] zHeap;

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
        groups = m.groups();
        segOutputs = new FloatBuffer[seg.outputCount()];
        groupOutput = new int[groups.size()];
        groupLabels = new int[groups.size()][];
        groupFresh = new boolean[groups.size()];
        int mainOutput = groups.size() == 1 && segOutputs.length == 1 ? 0 : seg.outputIndex(Manifest.MAIN_OUTPUT);
        probs = Graph.directFloats((long) maxBatch * numClasses * segPixels);
        segOutputs[mainOutput] = probs;
        for (int g = 0; g < groups.size(); g++) {
            Manifest.ConceptGroup group = groups.get(g);
            groupOutput[g] = g == 0 ? mainOutput : group.bySegmenter() ? seg.outputIndex(group.segmenterOutput()) : -1;
            if (g > 0 && groupOutput[g] >= 0) {
                segOutputs[groupOutput[g]] = Graph.directFloats((long) maxBatch * group.numClasses() * segPixels);
            }
        }
        for (int o = 0; o < segOutputs.length; o++) {
            if (segOutputs[o] == null) { // an output no group reads: still written, so it needs a buffer of its size
                long item = 1;
                for (long d : seg.outputItemShape(o)) {
                    item *= d;
                }
                segOutputs[o] = Graph.directFloats(maxBatch * item);
            }
        }
        rHeap = new float[maxBatch * rSize];
        labels = new int[maxBatch * segPixels];
        groupLabels[0] = labels;
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

    /**
     * From now on the tail f and the segmenter of {@link #renderEdited} and {@link #renderRows}
     * (and of {@link #generate}) run in sub-batches of about {@code rows} rows (never one unless
     * the batch is one; {@link Graph#runChunked}): the same bits wherever they render a row alike
     * in any batch of two or more ({@link #rowsRenderAlike}, BatchInvarianceTest), and faster.
     * Returns this.
     */
    public LayerModel segmentInSubBatches(int rows) {
        this.subBatch = rows;
        return this;
    }

    /**
     * Whether this generator's tail and segmenter render a row to the same bits in batches of
     * two or more rows of any size and order, with the segmenter in sub-batches or not: the
     * premise of {@link #renderRows} regrouping and of {@link #segmentInSubBatches}. Probed on
     * the first min(6, maxBatch) samples of {@code seed} (one batch in order with the segmenter
     * whole, the same rows reversed with the segmenter in sub-batches of two, all but the first
     * row); true on every demo bundle (BatchInvarianceTest), which the causal steps then render
     * faster; false sends them down their original paths. Leaves the buffers overwritten and
     * the sub-batch setting as it was.
     */
    public boolean rowsRenderAlike(long seed) {
        int n = Math.min(maxBatch, 6);
        if (n < 2) {
            return false;
        }
        int saved = subBatch;
        try {
            int rSize = layer.units() * layer.pixels();
            int xItem = 3 * imagePixels;
            int pItem = numClasses * segPixels;
            represent(seed, 0, n);
            float[] rows = Arrays.copyOf(rHeap, n * rSize);
            int[] order = new int[n];
            for (int j = 0; j < n; j++) {
                order[j] = j;
            }
            subBatch = 0;
            renderRows(rows, order, n);
            float[] xRef = new float[n * xItem];
            float[] pRef = new float[n * pItem];
            x.position(0);
            x.get(xRef);
            x.position(0);
            probs.position(0);
            probs.get(pRef);
            probs.position(0);
            float[] reversed = new float[n * rSize];
            for (int j = 0; j < n; j++) {
                order[j] = n - 1 - j;
                System.arraycopy(rows, (n - 1 - j) * rSize, reversed, j * rSize, rSize);
            }
            subBatch = 2;
            renderRows(reversed, order, n);
            if (!sameRows(order, n, xRef, xItem, pRef, pItem)) {
                return false;
            }
            if (n > 2) {
                subBatch = 0;
                for (int j = 0; j < n - 1; j++) {
                    order[j] = j + 1;
                }
                renderRows(Arrays.copyOfRange(rows, rSize, n * rSize), order, n - 1);
                return sameRows(order, n - 1, xRef, xItem, pRef, pItem);
            }
            return true;
        } finally {
            subBatch = saved;
        }
    }

    private boolean sameRows(int[] order, int n, float[] xRef, int xItem, float[] pRef, int pItem) {
        for (int j = 0; j < n; j++) {
            for (int q = 0; q < xItem; q++) {
                if (Float.floatToRawIntBits(x.get(j * xItem + q)) != Float.floatToRawIntBits(xRef[order[j] * xItem + q])) {
                    return false;
                }
            }
            for (int q = 0; q < pItem; q++) {
                if (Float.floatToRawIntBits(probs.get(j * pItem + q)) != Float.floatToRawIntBits(pRef[order[j] * pItem + q])) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Whether f takes each sample's z besides r. */
    public boolean tailTakesLatent() {
        return f.takesLatent();
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
        seg.run(x, count, segOutputs);
    }

    /** Runs h only: fills {@link #activations()} for samples [start, start+count). */
    public void represent(long seed, long start, int count) {
        if (count < 1 || count > maxBatch) {
            throw new IllegalArgumentException("batch of " + count + " outside 1.." + maxBatch);
        }
        this.count = count;
        Latents.fillBatch(seed, start, count, zdim, z);
        if (f.takesLatent()) {
            if (zHeap == null) {
                zHeap = new float[maxBatch * zdim];
            }
            z.position(0);
            z.get(zHeap, 0, count * zdim);
            z.position(0);
        }
        h.run(z, count, r);
        r.position(0);
        r.get(rHeap, 0, count * layer.units() * layer.pixels());
        r.position(0);
    }

    /** Runs f and the segmenter on the representation currently in the r buffer. */
    private void render(int count) {
        f.runTailChunked(r, z, count, subBatch, x);
        seg.runChunked(x, count, subBatch, segOutputs);
        argmax(count);
        Arrays.fill(groupFresh, 1, groupFresh.length, false);
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

    /**
     * Renders {@code count} edited rows of which row j is an edit of sample {@code sample[j]} of
     * the last generated batch (rows of several edits of several samples stacked in one batch):
     * as {@link #renderEdited}, with each row's own z for a tail that takes it.
     */
    public void renderRows(float[] edited, int[] sample, int count) {
        if (count < 1 || count > maxBatch) {
            throw new IllegalArgumentException("batch of " + count + " outside 1.." + maxBatch);
        }
        if (f.takesLatent()) {
            for (int j = 0; j < count; j++) {
                z.position(j * zdim);
                z.put(zHeap, sample[j] * zdim, zdim);
            }
            z.position(0);
        }
        this.count = count;
        r.position(0);
        r.put(edited, 0, count * layer.units() * layer.pixels());
        r.position(0);
        render(count);
    }

    /** Label map = first argmax over classes; class-major over a heap copy, so the inner loop is over pixels. */
    private void argmax(int count) {
        firstArgmax(probs, numClasses, count, labels, probHeap, bestValue);
    }

    /**
     * The "unrealistic region" concept of the current batch, [count][R][R] (a view: do not keep
     * across calls): 1 where the segmenter cannot label the pixel with confidence, i.e. its
     * largest main-group probability is below {@code confidence}, else 0.
     */
    public int[] unrealistic(float confidence) {
        if (unrealistic == null) {
            unrealistic = new int[maxBatch * segPixels];
        }
        for (int b = 0; b < count; b++) {
            int base = b * numClasses * segPixels;
            int lo = b * segPixels;
            for (int p = 0; p < segPixels; p++) {
                float best = probHeap[base + p];
                for (int c = 1; c < numClasses; c++) {
                    best = Math.max(best, probHeap[base + c * segPixels + p]);
                }
                unrealistic[lo + p] = best < confidence ? 1 : 0;
            }
        }
        return unrealistic;
    }

    /** The bundle's concept groups (the main group first). */
    public List<Manifest.ConceptGroup> groups() {
        return groups;
    }

    /**
     * Label maps of group {@code g} for the current batch, [count][R][R] (a view: do not keep
     * across calls): group 0 is {@link #labels()}; a segmenter group is the first argmax of its
     * output, the colour group the exact rule on the image quantised to uint8.
     */
    public int[] groupLabels(int g) {
        if (g == 0) {
            return labels;
        }
        if (!groupFresh[g]) {
            if (groupLabels[g] == null) {
                groupLabels[g] = new int[maxBatch * segPixels];
            }
            if (groupOutput[g] >= 0) {
                int classes = groups.get(g).numClasses();
                if (groupHeap == null || groupHeap.length < maxBatch * classes * segPixels) {
                    groupHeap = new float[maxBatch * classes * segPixels];
                }
                firstArgmax(segOutputs[groupOutput[g]], classes, count, groupLabels[g], groupHeap, bestValue);
            } else {
                if (segPixels != imagePixels) {
                    throw new IllegalStateException("group " + groups.get(g).name() + ": a rule group needs the segmenter resolution "
                            + "to equal the image size");
                }
                if (imageHeap == null) {
                    imageHeap = new float[maxBatch * 3 * imagePixels];
                }
                x.position(0);
                x.get(imageHeap, 0, count * 3 * imagePixels);
                x.position(0);
                ColorRule.label(imageHeap, count, imagePixels, groupLabels[g]);
            }
            groupFresh[g] = true;
        }
        return groupLabels[g];
    }

    /**
     * First argmax over the classes of a [count][C][P] probability buffer into out [count][P]
     * (ties go to the lower class); heap and best are scratch of at least count*C*P and P floats.
     */
    private void firstArgmax(FloatBuffer buffer, int classes, int count, int[] out, float[] heap, float[] best) {
        buffer.position(0);
        buffer.get(heap, 0, count * classes * segPixels);
        buffer.position(0);
        for (int b = 0; b < count; b++) {
            int base = b * classes * segPixels;
            int lo = b * segPixels;
            System.arraycopy(heap, base, best, 0, segPixels);
            Arrays.fill(out, lo, lo + segPixels, 0);
            for (int c = 1; c < classes; c++) {
                int off = base + c * segPixels;
                for (int p = 0; p < segPixels; p++) {
                    if (heap[off + p] > best[p]) {
                        best[p] = heap[off + p];
                        out[lo + p] = c;
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
