package org.ganscope.analysis.artifacts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.function.Consumer;
import org.ganscope.analysis.Progress;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.dissect.UnitImages;
import org.ganscope.analysis.intervene.Edits;
import org.ganscope.analysis.intervene.UnitRanking;
import org.ganscope.analysis.metrics.SampleMetrics;
import org.ganscope.analysis.model.LayerModel;

/**
 * METHOD step 6 as JSON: every unit of a layer scored for artifacts, then the worst n
 * units ablated (n in ns) and the sample metrics recomputed, against n random units
 * (several draws); plus before/after images of the largest ablation. Shared by
 * {@code ganscope artifacts} and the workflow's artifacts step.
 */
public final class ArtifactStudy {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code causal}: the causal scoring and validation ({@link CausalArtifacts}); null for the top-k FD study alone. */
    public record Params(int samples, long seed, int topK, int[] ns, int draws, int metricSamples, CausalArtifacts.Params causal) {
        public Params(int samples, long seed, int topK, int[] ns, int draws, int metricSamples) {
            this(samples, seed, topK, ns, draws, metricSamples, null);
        }

        public String key() {
            return "samples=" + samples + ";seed=" + seed + ";topK=" + topK + ";ns=" + Arrays.toString(ns) + ";draws=" + draws
                    + ";metricSamples=" + metricSamples + (causal == null ? "" : ";" + causal.key());
        }

        /**
         * The causal part's defaults for a study of seed {@code seed}: {@code images} samples of
         * seed + 200 score each unit, {@code validateImages} of seed + 300 validate, 20 random sets.
         */
        public static CausalArtifacts.Params causalDefaults(long seed, int images, int validateImages, int[] ns) {
            return new CausalArtifacts.Params(images, seed + 200, validateImages, seed + 300, ns, 20, 32);
        }
    }

    private ArtifactStudy() {
    }

    /** The study; {@code progress} is told a short text after each metric computation. */
    public static ObjectNode run(Bundle b, String layer, Params p, Consumer<String> progress) {
        return run(b, layer, p, progress, Progress.NONE);
    }

    /**
     * As above, also reporting counts to {@code counts}: the top-k scoring (generated images,
     * then units), the metrics without ablation and, per n, of the worst n and the random
     * sets (generated images: {@code metricSamples} per set), and the causal study's phases;
     * every phase ends before the text {@code progress} is told after it.
     */
    public static ObjectNode run(Bundle b, String layer, Params p, Consumer<String> progress, Progress counts) {
        int units = b.layer(layer).units();
        int[] ns = Arrays.stream(p.ns()).filter(n -> n >= 1 && n <= units).toArray();
        ArtifactScores.Result r = ArtifactScores.compute(b, layer, p.samples(), p.seed(), p.topK(), 32, counts);
        progress.accept("scored " + units + " units");
        ObjectNode root = JSON.createObjectNode();
        root.put("schema", "ganscope.artifacts/1").put("bundle", b.name()).put("bundle_hash", b.hash()).put("layer", layer)
                .put("samples", p.samples()).put("top_k", p.topK()).put("metric_samples", p.metricSamples());
        ArrayNode sc = root.putArray("scores");
        for (double v : r.scores()) {
            sc.add(v);
        }
        ArrayNode worst = root.putArray("worst_first");
        for (int u : r.worstFirst()) {
            worst.add(u);
        }
        long metricSeed = p.seed() + 100;
        Progress inner = Progress.within(counts);
        counts.begin("metrics, no ablation", p.metricSamples(), "images");
        root.set("baseline", metricsJson(SampleMetrics.compute(b, layer, new int[0], p.metricSamples(), metricSeed, 32, null, inner)));
        counts.end();
        progress.accept("baseline metrics");
        ArrayNode rows = root.putArray("ablations");
        for (int n : ns) {
            counts.begin("metrics, worst " + n + " + " + p.draws() + " random sets", (1L + p.draws()) * p.metricSamples(), "images");
            SampleMetrics w = SampleMetrics.compute(b, layer, ArtifactScores.worst(r, n), p.metricSamples(), metricSeed, 32, null, inner);
            double sum = 0;
            ArrayNode rd = JSON.createArrayNode();
            for (int d = 0; d < p.draws(); d++) {
                SampleMetrics rm = SampleMetrics.compute(b, layer, UnitRanking.random(units, n, p.seed() + 7919L * d + n), p.metricSamples(),
                        metricSeed, 32, null, inner);
                sum += rm.domainFd();
                rd.add(metricsJson(rm));
            }
            ObjectNode row = rows.addObject().put("n", n).put("random_fd_mean", p.draws() > 0 ? sum / p.draws() : Double.NaN);
            row.set("worst", metricsJson(w));
            row.set("random", rd);
            counts.end();
            progress.accept("ablated the worst " + n);
        }
        root.put("before_after_units", ns.length == 0 ? 0 : ns[ns.length - 1]);
        if (p.causal() != null) {
            root.set("causal", causalJson(CausalArtifacts.run(b, layer, p.causal(), progress, counts), p.causal()));
        }
        return root;
    }

    /** The causal study as JSON (schema ganscope.artifacts.causal/1). */
    public static ObjectNode causalJson(CausalArtifacts.Result r, CausalArtifacts.Params p) {
        ObjectNode c = JSON.createObjectNode();
        c.put("schema", "ganscope.artifacts.causal/1").put("method",
                "each unit ablated alone on the scoring images; effect = domain FD without the unit - domain FD of the same images;"
                        + " worst-n = the n most negative effects; validated on held-out images against random sets of n units,"
                        + " p = (1 + #{random FD <= worst FD}) / (1 + draws)")
                .put("score_images", p.images()).put("score_seed", p.scoreSeed()).put("validate_images", p.validateImages())
                .put("validate_seed", p.validateSeed()).put("draws", p.draws()).put("score_base_fd", r.scoreBaseFd())
                .put("validate_base_fd", r.validateBaseFd());
        ArrayNode eff = c.putArray("effect");
        for (double v : r.effect()) {
            eff.add(v);
        }
        ArrayNode wf = c.putArray("worst_first");
        for (int u : r.worstFirst()) {
            wf.add(u);
        }
        ArrayNode rows = c.putArray("validation");
        for (CausalArtifacts.Validation v : r.validation()) {
            ObjectNode row = rows.addObject().put("n", v.n()).put("worst_fd", v.worstFd()).put("random_fd_mean", v.randomMean())
                    .put("random_fd_sd", v.randomSd()).put("p_value", v.pValue());
            ArrayNode u = row.putArray("units");
            for (int x : v.units()) {
                u.add(x);
            }
            ArrayNode d = row.putArray("random_fd");
            for (double x : v.randomFd()) {
                d.add(x);
            }
        }
        return c;
    }

    private static ObjectNode metricsJson(SampleMetrics m) {
        return JSON.createObjectNode().put("domain_fd", m.domainFd()).put("swd", m.swd().mean()).put("precision", m.prdc().precision())
                .put("recall", m.prdc().recall()).put("density", m.prdc().density()).put("coverage", m.prdc().coverage());
    }

    /** The worst units of a study, worst first: the causal ranking when the study has one, else the top-k FD ranking. */
    public static int[] worst(ObjectNode study, int n) {
        JsonNode wf = study.has("causal") ? study.get("causal").get("worst_first") : study.get("worst_first");
        int[] out = new int[Math.min(n, wf.size())];
        for (int i = 0; i < out.length; i++) {
            out[i] = wf.get(i).asInt();
        }
        return out;
    }

    /** Row 1: 8 generated samples; row 2: the same with the units ablated. */
    public static BufferedImage beforeAfter(Bundle b, String layer, int[] ablate, long seed) {
        int s = b.manifest().imageSize();
        int n = 8;
        BufferedImage img = new BufferedImage(n * s, 2 * s, BufferedImage.TYPE_INT_RGB);
        try (LayerModel m = new LayerModel(b, layer, n)) {
            m.generate(seed, 0, n);
            paint(img, m.images(), n, s, 0);
            float[] r = m.activations().clone();
            var l = m.layer();
            Edits.ablate(r, n, l.units(), l.pixels(), ablate);
            m.renderEdited(r, n);
            paint(img, m.images(), n, s, s);
        }
        return img;
    }

    private static void paint(BufferedImage img, FloatBuffer x, int n, int s, int y0) {
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < s * s; p++) {
                img.setRGB(i * s + p % s, y0 + p / s, UnitImages.rgb(x, i, s, p, 1.0));
            }
        }
    }
}
