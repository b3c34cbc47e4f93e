package org.ganscope.analysis.intervene;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.Progress;
import org.ganscope.analysis.dissect.Quantiles;
import org.ganscope.analysis.dissect.Upsampler;
import org.ganscope.analysis.model.LayerModel;
import org.ganscope.analysis.ort.Graph;

/**
 * Insertion of a concept (METHOD.md section 4): the chosen units are set to constants
 * k_u inside a region P of the feature grid (every non-overlapping tile of a given size,
 * in every image), and the segmenter's probability of the class inside P's footprint is
 * compared with the unedited image (insertion effect) and with the image whose units are
 * zeroed inside P (average causal effect, ACE). Effects are grouped by the class that
 * was at P before (the majority label of the footprint): doors should appear on
 * buildings, not in the sky.
 */
public final class Insertion {
    /** How k_u is estimated: the unit's mean activation inside the class, or its 99th percentile. */
    public enum KMode { MEAN, P99 }

    /** {@code sdInsertEffect}: the standard deviation of the regions' insert effects (divisor regions - 1; 0 for one region). */
    public record ContextRow(int classBefore, long regions, double meanInsertEffect, double meanAce, double sdInsertEffect) {
    }

    public record Result(int classIndex, int[] units, float[] k, long regions, double insertEffect, double ace,
            List<ContextRow> byContext) {
    }

    private Insertion() {
    }

    /**
     * k_u per unit: over {@code samples} images, the unit's upsampled activation at the
     * pixels labelled {@code classIndex} (mean, or Hazen 0.99 quantile).
     */
    public static float[] constants(LayerModel m, int classIndex, int[] units, int samples, long seed, KMode mode) {
        return constants(m, classIndex, units, samples, seed, mode, Progress.NONE);
    }

    /** As above, reporting to {@code progress} one phase, "insertion constants", counted in generated images. */
    public static float[] constants(LayerModel m, int classIndex, int[] units, int samples, long seed, KMode mode, Progress progress) {
        var layer = m.layer();
        int res = (int) Math.round(Math.sqrt(m.segPixels()));
        Upsampler up = new Upsampler(layer.height(), layer.width(), res, res);
        double[] plane = new double[m.segPixels()];
        double[] sum = new double[units.length];
        long count = 0;
        List<double[]> values = new ArrayList<>();
        int[] fill = new int[units.length];
        for (int i = 0; i < units.length; i++) {
            values.add(new double[1024]);
        }
        progress.begin("insertion constants", samples, "images");
        for (long s = 0; s < samples; s += m.maxBatch()) {
            int b = (int) Math.min(m.maxBatch(), samples - s);
            m.generate(seed, s, b);
            int[] labels = m.labels();
            float[] r = m.activations();
            for (int i = 0; i < b; i++) {
                int lo = i * m.segPixels();
                long here = AblationCurve.count(labels, lo, m.segPixels(), classIndex);
                if (here == 0) {
                    continue;
                }
                count += here;
                for (int j = 0; j < units.length; j++) {
                    up.apply(r, (i * layer.units() + units[j]) * layer.pixels(), plane, 0);
                    for (int p = 0; p < m.segPixels(); p++) {
                        if (labels[lo + p] == classIndex) {
                            sum[j] += plane[p];
                            if (mode == KMode.P99) {
                                double[] v = values.get(j);
                                if (fill[j] == v.length) {
                                    v = Arrays.copyOf(v, v.length * 2);
                                    values.set(j, v);
                                }
                                v[fill[j]++] = plane[p];
                            }
                        }
                    }
                }
            }
            progress.advance(b);
        }
        progress.end();
        if (count == 0) {
            throw new AnalysisException("class " + classIndex + " does not occur in " + samples
                    + " generated images, so its insertion constants cannot be estimated");
        }
        float[] k = new float[units.length];
        for (int j = 0; j < units.length; j++) {
            if (mode == KMode.MEAN) {
                k[j] = (float) (sum[j] / count);
            } else {
                double[] v = Arrays.copyOf(values.get(j), fill[j]);
                Arrays.sort(v);
                k[j] = (float) Quantiles.hazen(v, 0.99);
            }
        }
        return k;
    }

    /** Sample standard deviation (divisor n - 1) from the sum and sum of squares of n values; 0 for n < 2. */
    static double sd(double sum, double sumSq, long n) {
        if (n < 2) {
            return 0;
        }
        double mean = sum / n;
        return Math.sqrt(Math.max(0, (sumSq - n * mean * mean) / (n - 1)));
    }

    public static Result run(LayerModel m, int classIndex, int[] units, float[] k, int samples, long seed, int regionSize) {
        return run(m, classIndex, units, k, samples, seed, regionSize, Progress.NONE);
    }

    /** As above, reporting to {@code progress} one phase, "insertion", counted in regions ({@code samples} x tiles per image). */
    public static Result run(LayerModel m, int classIndex, int[] units, float[] k, int samples, long seed, int regionSize, Progress progress) {
        var layer = m.layer();
        int u = layer.units();
        int hw = layer.pixels();
        int seg = m.segPixels();
        int res = (int) Math.round(Math.sqrt(seg));
        int classes = m.numClasses();
        List<Region> regions = Region.tilesOf(layer, regionSize);
        if (m.rowsRenderAlike(seed)) { // the same bits with the segmenter in sub-batches, faster
            m.segmentInSubBatches(Graph.defaultSubBatch());
        }
        int perChunk = Math.max(1, m.maxBatch() / 2);
        float[] orig = new float[u * hw];
        float[] edit = new float[m.maxBatch() * u * hw];
        float[] origProb = new float[seg];
        int[] origLabels = new int[seg];
        float[] zeros = new float[units.length];
        double insertSum = 0;
        double aceSum = 0;
        long n = 0;
        double[] ctxInsert = new double[classes];
        double[] ctxAce = new double[classes];
        long[] ctxCount = new long[classes];
        double[] ctxSq = new double[classes];
        progress.begin("insertion", (long) samples * regions.size(), "regions");
        for (long s = 0; s < samples; s++) {
            m.generate(seed, s, 1);
            System.arraycopy(m.activations(), 0, orig, 0, u * hw);
            System.arraycopy(m.labels(), 0, origLabels, 0, seg);
            FloatBuffer pr = m.probabilities();
            for (int p = 0; p < seg; p++) {
                origProb[p] = pr.get(classIndex * seg + p);
            }
            for (int c0 = 0; c0 < regions.size(); c0 += perChunk) {
                int c1 = Math.min(regions.size(), c0 + perChunk);
                int cnt = c1 - c0;
                for (int j = 0; j < cnt; j++) {
                    Region reg = regions.get(c0 + j);
                    System.arraycopy(orig, 0, edit, (2 * j) * u * hw, u * hw);
                    System.arraycopy(orig, 0, edit, (2 * j + 1) * u * hw, u * hw);
                    Edits.setInRegion(edit, 2 * j, u, layer.height(), layer.width(), units, k, 1f, reg);
                    Edits.setInRegion(edit, 2 * j + 1, u, layer.height(), layer.width(), units, zeros, 1f, reg);
                }
                m.renderEdited(edit, 2 * cnt);
                FloatBuffer probs = m.probabilities();
                for (int j = 0; j < cnt; j++) {
                    int[] fp = regions.get(c0 + j).footprint(layer.height(), layer.width(), res);
                    double before = 0;
                    double inserted = 0;
                    double ablated = 0;
                    int[] votes = new int[classes];
                    for (int p : fp) {
                        before += origProb[p];
                        inserted += probs.get((2 * j * classes + classIndex) * seg + p);
                        ablated += probs.get(((2 * j + 1) * classes + classIndex) * seg + p);
                        votes[origLabels[p]]++;
                    }
                    double effect = (inserted - before) / fp.length;
                    double ace = (inserted - ablated) / fp.length;
                    int ctx = 0;
                    for (int c = 1; c < classes; c++) {
                        if (votes[c] > votes[ctx]) {
                            ctx = c;
                        }
                    }
                    insertSum += effect;
                    aceSum += ace;
                    n++;
                    ctxInsert[ctx] += effect;
                    ctxSq[ctx] += effect * effect;
                    ctxAce[ctx] += ace;
                    ctxCount[ctx]++;
                }
                progress.advance(cnt);
            }
        }
        progress.end();
        List<ContextRow> rows = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            if (ctxCount[c] > 0) {
                rows.add(new ContextRow(c, ctxCount[c], ctxInsert[c] / ctxCount[c], ctxAce[c] / ctxCount[c], sd(ctxInsert[c], ctxSq[c], ctxCount[c])));
            }
        }
        rows.sort((a, b) -> Double.compare(b.meanInsertEffect(), a.meanInsertEffect()));
        return new Result(classIndex, units.clone(), k.clone(), n, insertSum / n, aceSum / n, rows);
    }
}
