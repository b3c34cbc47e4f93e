package org.ganscope.analysis.artifacts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.ganscope.analysis.bundle.Bundle;
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

    public record Params(int samples, long seed, int topK, int[] ns, int draws, int metricSamples) {
        public String key() {
            return "samples=" + samples + ";seed=" + seed + ";topK=" + topK + ";ns=" + Arrays.toString(ns) + ";draws=" + draws
                    + ";metricSamples=" + metricSamples;
        }
    }

    private ArtifactStudy() {
    }

    /** The study; {@code progress} is told a short text after each metric computation. */
    public static ObjectNode run(Bundle b, String layer, Params p, java.util.function.Consumer<String> progress) {
        int units = b.layer(layer).units();
        int[] ns = Arrays.stream(p.ns()).filter(n -> n >= 1 && n <= units).toArray();
        ArtifactScores.Result r = ArtifactScores.compute(b, layer, p.samples(), p.seed(), p.topK(), 32);
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
        root.set("baseline", metricsJson(SampleMetrics.compute(b, layer, new int[0], p.metricSamples(), metricSeed, 32)));
        progress.accept("baseline metrics");
        ArrayNode rows = root.putArray("ablations");
        for (int n : ns) {
            SampleMetrics w = SampleMetrics.compute(b, layer, ArtifactScores.worst(r, n), p.metricSamples(), metricSeed, 32);
            double sum = 0;
            ArrayNode rd = JSON.createArrayNode();
            for (int d = 0; d < p.draws(); d++) {
                SampleMetrics rm = SampleMetrics.compute(b, layer, UnitRanking.random(units, n, p.seed() + 7919L * d + n), p.metricSamples(),
                        metricSeed, 32);
                sum += rm.domainFd();
                rd.add(metricsJson(rm));
            }
            ObjectNode row = rows.addObject().put("n", n).put("random_fd_mean", p.draws() > 0 ? sum / p.draws() : Double.NaN);
            row.set("worst", metricsJson(w));
            row.set("random", rd);
            progress.accept("ablated the worst " + n);
        }
        root.put("before_after_units", ns.length == 0 ? 0 : ns[ns.length - 1]);
        return root;
    }

    private static ObjectNode metricsJson(SampleMetrics m) {
        return JSON.createObjectNode().put("domain_fd", m.domainFd()).put("swd", m.swd().mean()).put("precision", m.prdc().precision())
                .put("recall", m.prdc().recall()).put("density", m.prdc().density()).put("coverage", m.prdc().coverage());
    }

    /** The worst units of a study, worst first. */
    public static int[] worst(ObjectNode study, int n) {
        int[] out = new int[Math.min(n, study.get("worst_first").size())];
        for (int i = 0; i < out.length; i++) {
            out[i] = study.get("worst_first").get(i).asInt();
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
                img.setRGB(i * s + p % s, y0 + p / s, org.ganscope.analysis.dissect.UnitImages.rgb(x, i, s, p, 1.0));
            }
        }
    }
}
