package org.ganscope.analysis.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.ganscope.analysis.artifacts.ArtifactScores;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.intervene.Edits;
import org.ganscope.analysis.intervene.UnitRanking;
import org.ganscope.analysis.metrics.SampleMetrics;
import org.ganscope.analysis.model.LayerModel;

/**
 * {@code ganscope artifacts --bundle DIR --layer L --out DIR}: scores every unit for
 * causing artifacts, ablates the worst n (5, 10, 20) and recomputes domain FD and PRDC,
 * against n random units (several draws). Writes artifacts.json and before_after.png
 * (generated samples, then the same samples with the worst 20 units ablated).
 */
public final class ArtifactsCommand implements Command {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public String name() {
        return "artifacts";
    }

    @Override
    public String summary() {
        return "--bundle DIR --layer L --out DIR [--samples N] [--top-k K] [--ns 5,10,20] [--draws D]: artifact units and their ablation";
    }

    @Override
    public int run(String[] args) throws IOException {
        Args a = Args.parse(args, 1, List.of("bundle", "layer", "samples", "seed", "top-k", "ns", "draws", "metric-samples", "out"), List.of());
        Bundle b = BundleLoader.load(Path.of(a.require("bundle")));
        String layer = a.require("layer");
        int units = b.layer(layer).units();
        int samples = a.intValue("samples", 1000, 10, 1_000_000);
        int topK = a.intValue("top-k", 50, 2, samples);
        long seed = a.longValue("seed", 11);
        int draws = a.intValue("draws", 3, 0, 50);
        int metricSamples = a.intValue("metric-samples", 500, 10, 100_000);
        int[] ns = Arrays.stream(a.get("ns", "5,10,20").split(",")).mapToInt(s -> Integer.parseInt(s.trim())).filter(n -> n <= units).toArray();
        Path out = Path.of(a.require("out"));
        Files.createDirectories(out);

        long t0 = System.nanoTime();
        ArtifactScores.Result r = ArtifactScores.compute(b, layer, samples, seed, topK, 32);
        System.out.printf(Locale.ROOT, "scored %d units of %s over %d samples (top %d each) in %.1f s; worst: %s%n", units, layer, samples,
                topK, (System.nanoTime() - t0) / 1e9, Arrays.toString(Arrays.copyOf(r.worstFirst(), Math.min(10, units))));
        ObjectNode root = JSON.createObjectNode();
        root.put("schema", "ganscope.artifacts/1").put("bundle", b.name()).put("bundle_hash", b.hash()).put("layer", layer)
                .put("samples", samples).put("top_k", topK).put("metric_samples", metricSamples);
        ArrayNode sc = root.putArray("scores");
        for (double v : r.scores()) {
            sc.add(v);
        }
        ArrayNode worst = root.putArray("worst_first");
        for (int u : r.worstFirst()) {
            worst.add(u);
        }
        long metricSeed = seed + 100;
        SampleMetrics base = SampleMetrics.compute(b, layer, new int[0], metricSamples, metricSeed, 32);
        System.out.printf(Locale.ROOT, "no ablation: domain FD %.3f, precision %.3f, recall %.3f, density %.3f, coverage %.3f%n",
                base.domainFd(), base.prdc().precision(), base.prdc().recall(), base.prdc().density(), base.prdc().coverage());
        root.set("baseline", metricsJson(base));
        ArrayNode rows = root.putArray("ablations");
        System.out.println("    n   worst-n FD   random-n FD (mean of draws)");
        for (int n : ns) {
            SampleMetrics w = SampleMetrics.compute(b, layer, ArtifactScores.worst(r, n), metricSamples, metricSeed, 32);
            double sum = 0;
            ArrayNode rd = JSON.createArrayNode();
            for (int d = 0; d < draws; d++) {
                SampleMetrics rm = SampleMetrics.compute(b, layer, UnitRanking.random(units, n, seed + 7919L * d + n), metricSamples, metricSeed, 32);
                sum += rm.domainFd();
                rd.add(metricsJson(rm));
            }
            double randomMean = draws > 0 ? sum / draws : Double.NaN;
            System.out.printf(Locale.ROOT, "  %3d   %10.3f   %11.3f%n", n, w.domainFd(), randomMean);
            ObjectNode row = rows.addObject().put("n", n).put("random_fd_mean", randomMean);
            row.set("worst", metricsJson(w));
            row.set("random", rd);
        }
        JSON.writeValue(out.resolve("artifacts.json").toFile(), root);
        beforeAfter(b, layer, ArtifactScores.worst(r, ns.length == 0 ? 20 : ns[ns.length - 1]), metricSeed, out.resolve("before_after.png"));
        System.out.println("wrote " + out.resolve("artifacts.json") + " and " + out.resolve("before_after.png"));
        return 0;
    }

    private static ObjectNode metricsJson(SampleMetrics m) {
        return JSON.createObjectNode().put("domain_fd", m.domainFd()).put("swd", m.swd().mean()).put("precision", m.prdc().precision())
                .put("recall", m.prdc().recall()).put("density", m.prdc().density()).put("coverage", m.prdc().coverage());
    }

    /** Row 1: 8 generated samples; row 2: the same with the units ablated. */
    private static void beforeAfter(Bundle b, String layer, int[] ablate, long seed, Path png) throws IOException {
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
        ImageIO.write(img, "png", png.toFile());
    }

    private static void paint(BufferedImage img, FloatBuffer x, int n, int s, int y0) {
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < s * s; p++) {
                img.setRGB(i * s + p % s, y0 + p / s, org.ganscope.analysis.dissect.UnitImages.rgb(x, i, s, p, 1.0));
            }
        }
    }
}
