package org.ganscope.analysis.artifacts;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.ganscope.analysis.Progress;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.Manifest;
import org.ganscope.analysis.dissect.TopK;
import org.ganscope.analysis.metrics.Frechet;
import org.ganscope.analysis.metrics.RealFeatures;
import org.ganscope.analysis.ort.Graph;
import org.ganscope.analysis.sample.Latents;

/**
 * Automatic artifact-unit scores (METHOD.md step 6; the paper found these units by
 * hand): for every unit of a layer, the Frechet distance, in the bundle's feature space,
 * between the unit's top-k activating generated images (by maximum activation over
 * {@code samples} samples) and the real data's statistics. Higher = the images this unit
 * fires on most look least real. Features of all samples are computed once; each unit's
 * score reuses them.
 */
public final class ArtifactScores {
    /** Scores per unit and the units ordered worst first. */
    public record Result(double[] scores, int[] worstFirst, int samples, int topK) {
    }

    private ArtifactScores() {
    }

    public static Result compute(Bundle b, String layerName, int samples, long seed, int topK, int batch) {
        return compute(b, layerName, samples, seed, topK, batch, Progress.NONE);
    }

    /**
     * As above, reporting two phases to {@code progress}: the generated images (their
     * features and each unit's maximum) and the per-unit Frechet distances (units).
     */
    public static Result compute(Bundle b, String layerName, int samples, long seed, int topK, int batch, Progress progress) {
        Manifest m = b.manifest();
        Manifest.Layer layer = b.layer(layerName);
        int units = layer.units();
        int hw = layer.pixels();
        int dim = m.features().dim();
        int s = m.imageSize();
        float[] features = new float[Math.multiplyExact(samples, dim)];
        TopK top = new TopK(units, topK);
        try (Graph h = new Graph(layer.hFile(), b.file(layer.hFile()));
             Graph f = new Graph(layer.fFile(), b.file(layer.fFile()));
             Graph feat = new Graph(m.features().file(), b.file(m.features().file()))) {
            FloatBuffer z = Graph.directFloats((long) batch * m.zdim());
            FloatBuffer r = Graph.directFloats((long) batch * units * hw);
            FloatBuffer x = Graph.directFloats((long) batch * 3 * s * s);
            FloatBuffer fv = Graph.directFloats((long) batch * dim);
            float[] rh = new float[batch * units * hw];
            progress.begin("top-k scoring", samples, "images");
            for (int start = 0; start < samples; start += batch) {
                int n = Math.min(batch, samples - start);
                Latents.fillBatch(seed, start, n, m.zdim(), z);
                h.run(z, n, r);
                r.position(0);
                r.get(rh, 0, n * units * hw);
                r.position(0);
                for (int i = 0; i < n; i++) {
                    for (int u = 0; u < units; u++) {
                        float max = Float.NEGATIVE_INFINITY;
                        int off = (i * units + u) * hw;
                        for (int p = 0; p < hw; p++) {
                            max = Math.max(max, rh[off + p]);
                        }
                        top.offer(u, start + i, max);
                    }
                }
                f.runTail(r, z, n, x);
                feat.run(x, n, fv);
                fv.position(0);
                fv.get(features, start * dim, n * dim);
                fv.position(0);
                progress.advance(n);
            }
            progress.end();
        }
        RealFeatures real = RealFeatures.of(b);
        double[] scores = new double[units];
        progress.begin("top-k scores", units, "units");
        IntStream.range(0, units).parallel().forEach(u -> {
            long[] idx = top.indices(u);
            float[] sel = new float[idx.length * dim];
            for (int j = 0; j < idx.length; j++) {
                System.arraycopy(features, (int) idx[j] * dim, sel, j * dim, dim);
            }
            Frechet.Stats st = Frechet.Stats.of(sel, idx.length, dim);
            scores[u] = Frechet.distance(real.mean(), real.cov(), st.mean(), st.cov());
            progress.advance(1);
        });
        progress.end();
        int[] worst = IntStream.range(0, units).boxed()
                .sorted(Comparator.comparingDouble((Integer u) -> -scores[u]).thenComparingInt(u -> u))
                .mapToInt(Integer::intValue).toArray();
        return new Result(scores, worst, samples, topK);
    }

    public static int[] worst(Result r, int n) {
        int[] w = Arrays.copyOf(r.worstFirst(), Math.min(n, r.worstFirst().length));
        Arrays.sort(w);
        return w;
    }
}
