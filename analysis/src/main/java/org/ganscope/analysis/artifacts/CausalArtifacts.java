package org.ganscope.analysis.artifacts;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.Progress;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.Manifest;
import org.ganscope.analysis.intervene.AblationCurve;
import org.ganscope.analysis.intervene.Edits;
import org.ganscope.analysis.intervene.UnitRanking;
import org.ganscope.analysis.metrics.Frechet;
import org.ganscope.analysis.metrics.MomentAccumulator;
import org.ganscope.analysis.metrics.RealFeatures;
import org.ganscope.analysis.ort.Graph;
import org.ganscope.analysis.sample.Latents;

/**
 * Artifact units found causally (issue 15 item 6), in place of ranking by the Frechet
 * distance of each unit's top-k images (rank-deficient at k = 30..50 in 128 dimensions,
 * and it favours units of over-produced classes):
 * <ol>
 * <li><b>Scoring</b> on {@code images} samples of {@code scoreSeed}: each unit is ablated
 * alone (set to 0 at every pixel) and the domain FD of the same images is recomputed;
 * {@code effect[u] = FD(without u) - FD(none)}. Negative = removing the unit makes the
 * samples more real. The images are the same for every unit (paired), so the FD's
 * small-sample bias is common to all and cancels in the difference.</li>
 * <li><b>Selection</b>: units ranked by their single-unit effect, most negative first
 * (ties by index); the worst-n set is the first n. This is the first step of a forward
 * greedy search taken for every n (a full greedy search re-scores all remaining units
 * after each pick: n times the cost).</li>
 * <li><b>Validation</b> on {@code validateImages} samples of {@code validateSeed}, a seed
 * the scoring never saw: the domain FD with the worst-n ablated against {@code draws}
 * random sets of n units, with the empirical one-sided p-value
 * {@code (1 + #{random FD <= worst FD}) / (1 + draws)}.</li>
 * </ol>
 * h_L runs once per batch; only f_L and the feature network run per ablation. All sets
 * and seeds are fixed by the parameters, so a rerun is bit-identical.
 */
public final class CausalArtifacts {
    /** Parameters; the result key names all of them. */
    public record Params(int images, long scoreSeed, int validateImages, long validateSeed, int[] ns, int draws, int batch) {
        public Params {
            if (images < 2) {
                throw new AnalysisException("images (per-unit scoring samples) must be >= 2, got " + images);
            }
            if (validateImages < 2) {
                throw new AnalysisException("validateImages must be >= 2, got " + validateImages);
            }
            if (validateSeed == scoreSeed) {
                throw new AnalysisException("validateSeed must differ from scoreSeed (" + scoreSeed + ")");
            }
            if (draws < 0) {
                throw new AnalysisException("draws must be >= 0, got " + draws);
            }
            if (batch < 1) {
                throw new AnalysisException("batch must be >= 1, got " + batch);
            }
        }

        public String key() {
            return "causal=1;images=" + images + ";scoreSeed=" + scoreSeed + ";validateImages=" + validateImages + ";validateSeed="
                    + validateSeed + ";ns=" + Arrays.toString(ns) + ";draws=" + draws;
        }
    }

    /** One validated set size. */
    public record Validation(int n, int[] units, double worstFd, double[] randomFd, double randomMean, double randomSd, double pValue) {
    }

    /** Scores, ranking and validation. */
    public record Result(double scoreBaseFd, double[] effect, int[] worstFirst, double validateBaseFd, List<Validation> validation) {
    }

    private CausalArtifacts() {
    }

    public static Result run(Bundle b, String layer, Params p, Consumer<String> progress) {
        return run(b, layer, p, progress, Progress.NONE);
    }

    /**
     * As above, also reporting two phases to {@code counts}: the scoring and the validation,
     * each counted in edited images (images x unit sets, the unedited set included).
     */
    public static Result run(Bundle b, String layer, Params p, Consumer<String> progress, Progress counts) {
        int units = b.layer(layer).units();
        RealFeatures real = RealFeatures.of(b);
        int[][] singles = new int[units + 1][];
        singles[0] = new int[0];
        for (int u = 0; u < units; u++) {
            singles[u + 1] = new int[] {u};
        }
        counts.begin("causal scoring", (long) singles.length * p.images(), "edited images");
        double[] fd = domainFds(b, layer, real, singles, p.images(), p.scoreSeed(), p.batch(), counts);
        counts.end();
        double[] effect = new double[units];
        for (int u = 0; u < units; u++) {
            effect[u] = fd[u + 1] - fd[0];
        }
        int[] worst = rank(effect);
        progress.accept("scored " + units + " units on " + p.images() + " images");
        int[] ns = Arrays.stream(p.ns()).filter(n -> n >= 1 && n <= units).toArray();
        int per = 1 + p.draws();
        int[][] sets = new int[1 + ns.length * per][];
        sets[0] = new int[0];
        for (int i = 0; i < ns.length; i++) {
            int[] w = Arrays.copyOf(worst, ns[i]);
            Arrays.sort(w);
            sets[1 + i * per] = w;
            for (int d = 0; d < p.draws(); d++) {
                sets[2 + i * per + d] = UnitRanking.random(units, ns[i], p.validateSeed() + 7919L * d + ns[i]);
            }
        }
        counts.begin("causal validation", (long) sets.length * p.validateImages(), "edited images");
        double[] vfd = domainFds(b, layer, real, sets, p.validateImages(), p.validateSeed(), p.batch(), counts);
        counts.end();
        List<Validation> rows = new ArrayList<>();
        for (int i = 0; i < ns.length; i++) {
            double w = vfd[1 + i * per];
            double[] r = Arrays.copyOfRange(vfd, 2 + i * per, 2 + i * per + p.draws());
            rows.add(new Validation(ns[i], sets[1 + i * per], w, r, mean(r), sd(r), pValueLower(w, r)));
        }
        progress.accept("validated " + ns.length + " set sizes on " + p.validateImages() + " images");
        return new Result(fd[0], effect, worst, vfd[0], rows);
    }

    /** Units ordered by effect, most negative (ablation helps most) first, ties by index. */
    public static int[] rank(double[] effect) {
        return IntStream.range(0, effect.length).boxed().sorted(Comparator.comparingDouble((Integer u) -> effect[u]).thenComparingInt(u -> u))
                .mapToInt(Integer::intValue).toArray();
    }

    /** {@code (1 + #{d : draws[d] <= value}) / (1 + draws.length)}: lower is better. */
    public static double pValueLower(double value, double[] draws) {
        double[] neg = new double[draws.length];
        for (int i = 0; i < draws.length; i++) {
            neg[i] = -draws[i];
        }
        return AblationCurve.pValue(-value, neg);
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return v.length == 0 ? Double.NaN : s / v.length;
    }

    static double sd(double[] v) {
        if (v.length < 2) {
            return 0;
        }
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1));
    }

    /**
     * Domain FD of {@code samples} images of {@code seed} with each set of units ablated
     * (an empty set: no ablation): one entry per set.
     */
    public static double[] domainFds(Bundle b, String layerName, RealFeatures real, int[][] sets, int samples, long seed, int batch) {
        return domainFds(b, layerName, real, sets, samples, seed, batch, Progress.NONE);
    }

    /** As above, advancing {@code progress} by each batch's images after every set's render ({@code sets.length x samples} in all). */
    public static double[] domainFds(Bundle b, String layerName, RealFeatures real, int[][] sets, int samples, long seed, int batch,
            Progress progress) {
        Manifest m = b.manifest();
        Manifest.Layer layer = b.layer(layerName);
        int units = layer.units();
        int hw = layer.pixels();
        int rSize = units * hw;
        int s = m.imageSize();
        int dim = m.features().dim();
        MomentAccumulator[] acc = new MomentAccumulator[sets.length];
        for (int k = 0; k < sets.length; k++) {
            acc[k] = new MomentAccumulator(dim);
        }
        try (Graph h = new Graph(layer.hFile(), b.file(layer.hFile()));
             Graph f = new Graph(layer.fFile(), b.file(layer.fFile()));
             Graph feat = new Graph(m.features().file(), b.file(m.features().file()))) {
            FloatBuffer z = Graph.directFloats((long) batch * m.zdim());
            FloatBuffer r = Graph.directFloats((long) batch * rSize);
            FloatBuffer x = Graph.directFloats((long) batch * 3 * s * s);
            FloatBuffer fv = Graph.directFloats((long) batch * dim);
            float[] orig = new float[batch * rSize];
            float[] edit = new float[batch * rSize];
            float[] feats = new float[batch * dim];
            for (int start = 0; start < samples; start += batch) {
                int n = Math.min(batch, samples - start);
                Latents.fillBatch(seed, start, n, m.zdim(), z);
                h.run(z, n, r);
                r.position(0);
                r.get(orig, 0, n * rSize);
                for (int k = 0; k < sets.length; k++) {
                    System.arraycopy(orig, 0, edit, 0, n * rSize);
                    Edits.ablate(edit, n, units, hw, sets[k]);
                    r.position(0);
                    r.put(edit, 0, n * rSize);
                    r.position(0);
                    z.position(0);
                    f.runTailSubBatched(r, z, n, Graph.defaultSubBatch(), x);
                    x.position(0);
                    feat.runSubBatched(x, n, Graph.defaultSubBatch(), fv);
                    fv.position(0);
                    fv.get(feats, 0, n * dim);
                    fv.position(0);
                    acc[k].addAll(feats, n);
                    progress.advance(n);
                }
            }
        }
        double[] out = new double[sets.length];
        IntStream.range(0, sets.length).parallel()
                .forEach(k -> out[k] = Frechet.distance(real.mean(), real.cov(), acc[k].mean(), acc[k].cov()));
        return out;
    }
}
