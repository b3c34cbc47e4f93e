package org.ganscope.analysis.intervene;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.Progress;
import org.ganscope.analysis.model.LayerModel;
import org.ganscope.analysis.ort.Graph;

/**
 * Ablation curve of one class (METHOD.md section 4): for n in {@code ns}, the top-n
 * units by IoU with the class are set to 0 at all pixels and the fraction of the class's
 * pixels removed is measured over the images that contained the class (dataset level:
 * (sum before - sum after) / sum before); the same for n random units over several
 * seeded draws (mean, standard deviation, every draw) and the empirical one-sided p-value
 * of top-n against them: {@code (1 + #{draws removing at least as much}) / (1 + draws)}
 * (1 with no draws; at best 1/21 with 20 draws). h_L runs once per batch; only f_L and the
 * segmenter run per intervention.
 */
public final class AblationCurve {
    /** One point of the curve. */
    public record Point(int n, double topRemoved, double randomMean, double randomStd, double[] randomDraws, double pValue) {
    }

    /** {@code (1 + #{d : draws[d] >= top}) / (1 + draws.length)}. */
    public static double pValue(double top, double[] draws) {
        int atLeast = 0;
        for (double d : draws) {
            if (d >= top) {
                atLeast++;
            }
        }
        return (1.0 + atLeast) / (1.0 + draws.length);
    }

    public record Result(int classIndex, long imagesWithClass, long classPixels, List<Point> points) {
    }

    private AblationCurve() {
    }

    public static Result run(LayerModel m, int classIndex, double[] iouWithClass, int[] ns, int samples, long seed,
            int randomDraws, long randomSeed) {
        return run(m, classIndex, iouWithClass, ns, samples, seed, randomDraws, randomSeed, Progress.NONE);
    }

    /**
     * As above, reporting to {@code progress} one phase, "ablation curve", counted in edited
     * images ({@code samples} x the selections: n values x (top + draws)).
     */
    public static Result run(LayerModel m, int classIndex, double[] iouWithClass, int[] ns, int samples, long seed,
            int randomDraws, long randomSeed, Progress progress) {
        int units = m.layer().units();
        int hw = m.layer().pixels();
        if (classIndex < 1 || classIndex >= m.numClasses()) {
            throw new AnalysisException("class index " + classIndex + " is outside 1.." + (m.numClasses() - 1));
        }
        if (iouWithClass.length != units) {
            throw new AnalysisException("IoU vector has " + iouWithClass.length + " entries for " + units + " units");
        }
        int configs = ns.length * (1 + randomDraws);
        int[][] selection = new int[configs][];
        for (int i = 0; i < ns.length; i++) {
            if (ns[i] < 1 || ns[i] > units) {
                throw new AnalysisException("n = " + ns[i] + " units is outside 1.." + units);
            }
            selection[i * (1 + randomDraws)] = UnitRanking.top(iouWithClass, ns[i]);
            for (int d = 0; d < randomDraws; d++) {
                selection[i * (1 + randomDraws) + 1 + d] = UnitRanking.random(units, ns[i], randomSeed + 1_000_003L * d + ns[i]);
            }
        }
        long[] counts = m.rowsRenderAlike(seed) ? stacked(m, classIndex, selection, samples, seed, progress)
                : perSelection(m, classIndex, selection, samples, seed, progress);
        long before = counts[0];
        long imagesWith = counts[1];
        long[] after = Arrays.copyOfRange(counts, 2, counts.length);
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < ns.length; i++) {
            int base = i * (1 + randomDraws);
            double top = removed(before, after[base]);
            double[] draws = new double[randomDraws];
            double mean = 0;
            for (int d = 0; d < randomDraws; d++) {
                draws[d] = removed(before, after[base + 1 + d]);
                mean += draws[d] / randomDraws;
            }
            double var = 0;
            for (double v : draws) {
                var += (v - mean) * (v - mean);
            }
            double std = randomDraws > 1 ? Math.sqrt(var / (randomDraws - 1)) : 0;
            points.add(new Point(ns[i], top, mean, std, draws, pValue(top, draws)));
        }
        return new Result(classIndex, imagesWith, before, points);
    }

    /**
     * The class's pixels before ({@code [0]}), the images with the class ({@code [1]}) and its
     * pixels after each selection's ablation ({@code [2 + k]}), one f_L batch per selection and
     * image batch: the original path, kept for generators whose rows do not render alike in
     * batches of any size ({@link LayerModel#rowsRenderAlike}) and as the reference of the batched path.
     */
    static long[] perSelection(LayerModel m, int classIndex, int[][] selection, int samples, long seed, Progress progress) {
        int units = m.layer().units();
        int hw = m.layer().pixels();
        int configs = selection.length;
        long before = 0;
        long imagesWith = 0;
        long[] after = new long[configs];
        int seg = m.segPixels();
        int batch = m.maxBatch();
        float[] orig = new float[batch * units * hw];
        float[] edit = new float[orig.length];
        boolean[] has = new boolean[batch];
        progress.begin("ablation curve", (long) samples * configs, "edited images");
        for (long s = 0; s < samples; s += batch) {
            int b = (int) Math.min(batch, samples - s);
            m.generate(seed, s, b);
            System.arraycopy(m.activations(), 0, orig, 0, b * units * hw);
            int[] labels = m.labels();
            for (int i = 0; i < b; i++) {
                long c = count(labels, i * seg, seg, classIndex);
                has[i] = c > 0;
                if (has[i]) {
                    before += c;
                    imagesWith++;
                }
            }
            for (int k = 0; k < configs; k++) {
                System.arraycopy(orig, 0, edit, 0, b * units * hw);
                Edits.ablate(edit, b, units, hw, selection[k]);
                m.renderEdited(edit, b);
                int[] la = m.labels();
                for (int i = 0; i < b; i++) {
                    if (has[i]) {
                        after[k] += count(la, i * seg, seg, classIndex);
                    }
                }
                progress.advance(b);
            }
        }
        progress.end();
        long[] out = new long[2 + configs];
        out[0] = before;
        out[1] = imagesWith;
        System.arraycopy(after, 0, out, 2, configs);
        return out;
    }

    /**
     * As {@link #perSelection}, bit for bit, faster: h_L, f_L and the segmenter run once per image
     * batch for the unedited images; then the edited rows that a result needs (every selection of
     * every image that contains the class: the others' counts are never read) are stacked, several
     * selections and images per f_L batch of up to {@code maxBatch} rows, and the segmenter runs in
     * sub-batches. A row renders to the same bits in any batch of two or more rows
     * ({@link LayerModel#rowsRenderAlike}), so only the grouping changes; a row that the original path rendered
     * alone (an image batch of one image) is rendered alone here too, and a lone row of a larger
     * image batch gets a duplicate beside it.
     */
    static long[] stacked(LayerModel m, int classIndex, int[][] selection, int samples, long seed, Progress progress) {
        int units = m.layer().units();
        int hw = m.layer().pixels();
        int rSize = units * hw;
        int configs = selection.length;
        long before = 0;
        long imagesWith = 0;
        long[] after = new long[configs];
        int seg = m.segPixels();
        int batch = m.maxBatch();
        m.segmentInSubBatches(Graph.defaultSubBatch());
        float[] orig = new float[batch * rSize];
        float[] edit = new float[batch * rSize];
        int[] rowImage = new int[batch];
        int[] rowConfig = new int[batch];
        int[] with = new int[batch];
        progress.begin("ablation curve", (long) samples * configs, "edited images");
        for (long s = 0; s < samples; s += batch) {
            int b = (int) Math.min(batch, samples - s);
            m.generate(seed, s, b);
            System.arraycopy(m.activations(), 0, orig, 0, b * rSize);
            int[] labels = m.labels();
            int nWith = 0;
            for (int i = 0; i < b; i++) {
                long c = count(labels, i * seg, seg, classIndex);
                if (c > 0) {
                    before += c;
                    imagesWith++;
                    with[nWith++] = i;
                }
            }
            // rows (selection k, image with[i]) in selection-major order, maxBatch at a time
            long rows = (long) configs * nWith;
            long done = 0;
            while (done < rows) {
                int n = (int) Math.min(b == 1 ? 1 : batch, rows - done);
                for (int j = 0; j < n; j++) {
                    int k = (int) ((done + j) / nWith);
                    int i = with[(int) ((done + j) % nWith)];
                    rowConfig[j] = k;
                    rowImage[j] = i;
                    System.arraycopy(orig, i * rSize, edit, j * rSize, rSize);
                    Edits.ablateRow(edit, j, units, hw, selection[k]);
                }
                int rendered = n;
                if (n == 1 && b > 1) { // the original path rendered this row beside others: never alone
                    System.arraycopy(edit, 0, edit, rSize, rSize);
                    rowImage[1] = rowImage[0];
                    rendered = 2;
                }
                m.renderRows(edit, rowImage, rendered);
                int[] la = m.labels();
                for (int j = 0; j < n; j++) {
                    after[rowConfig[j]] += count(la, j * seg, seg, classIndex);
                }
                done += n;
            }
            progress.advance((long) b * configs);
        }
        progress.end();
        long[] out = new long[2 + configs];
        out[0] = before;
        out[1] = imagesWith;
        System.arraycopy(after, 0, out, 2, configs);
        return out;
    }

    private static double removed(long before, long after) {
        return before == 0 ? 0 : (double) (before - after) / before;
    }

    /** Pixels of class {@code c} in {@code labels[off, off + len)}. */
    public static long count(int[] labels, int off, int len, int c) {
        long n = 0;
        for (int p = off; p < off + len; p++) {
            if (labels[p] == c) {
                n++;
            }
        }
        return n;
    }
}
