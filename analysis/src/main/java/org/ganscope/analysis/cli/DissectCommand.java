package org.ganscope.analysis.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.dissect.DissectHtml;
import org.ganscope.analysis.dissect.DissectJson;
import org.ganscope.analysis.dissect.DissectParams;
import org.ganscope.analysis.dissect.LayerDissection;
import org.ganscope.analysis.dissect.LayerDissector;
import org.ganscope.analysis.dissect.UnitImages;
import org.ganscope.analysis.model.LayerModel;
import org.ganscope.analysis.ort.OrtRuntime;

/**
 * {@code ganscope dissect --bundle DIR --layer L --samples N --seed S --out DIR}: dissects
 * one layer of a bundle and writes dissect.json (schema in {@link DissectJson}), a static
 * report.html and units/unit_NNNN.png image strips for the best units.
 */
public final class DissectCommand implements Command {
    private static final List<String> OPTIONS = List.of("bundle", "layer", "samples", "seed", "out", "method", "quantile",
            "threshold-samples", "threshold-seed", "top-k", "batch", "shards", "images");

    @Override
    public String name() {
        return "dissect";
    }

    @Override
    public String summary() {
        return "--bundle DIR --layer L --samples N --seed S --out DIR [--method iqr|quantile] [--quantile Q] ...";
    }

    @Override
    public int run(String[] args) throws IOException {
        Args a = Args.parse(args, 1, OPTIONS, List.of());
        DissectParams p = params(a);
        Path out = Path.of(a.require("out"));
        int shards = a.intValue("shards", 1, 1, Integer.MAX_VALUE);
        int images = a.intValue("images", 64, 0, 100_000);
        Bundle b = BundleLoader.load(Path.of(a.require("bundle")));
        b.layer(p.layer());
        System.out.println(OrtRuntime.get().describe());
        long t0 = System.nanoTime();
        LayerDissection d = LayerDissector.dissect(b, p, shards, done -> {
        }, ConsoleProgress.forCommand("dissect"));
        double secs = (System.nanoTime() - t0) / 1e9;
        write(d, b, out, images);
        System.out.printf(Locale.ROOT, "%s %s: %d of %d units interpretable %s, %d samples in %.1f s (%.1f images/s incl. threshold pass)%n",
                b.name(), p.layer(), d.report().nInterpretable(), d.units(), d.interpretableByCategory(), d.images(), secs,
                (d.images() + p.thresholdSamples()) / secs);
        printControls(d);
        System.out.println("wrote " + out.resolve("dissect.json") + " and " + out.resolve("report.html"));
        return 0;
    }

    /** The controls next to the count: location baseline, bootstrap intervals, the top-1% rule. */
    static void printControls(LayerDissection d) {
        var c = d.controls();
        if (c == null) {
            return;
        }
        double[] all = c.countInterval().get(org.ganscope.analysis.dissect.UnitControls.TOTAL);
        double[] ctl = c.controlledCountInterval().get(org.ganscope.analysis.dissect.UnitControls.TOTAL);
        int n = d.report().nInterpretable();
        System.out.printf(Locale.ROOT, "  interpretable %d (95%% bootstrap interval %.0f-%.0f); beating their location baseline: %d of %d (%.0f%%) %s"
                + " (interval %.0f-%.0f); top-1%% quantile rule: %d %s%n",
                n, all[0], all[1], c.controlledTotal(), n, n == 0 ? 0.0 : 100.0 * c.controlledTotal() / n,
                withoutTotal(c.controlledByCategory()), ctl[0], ctl[1], c.topRuleTotal(), withoutTotal(c.topRuleByCategory()));
    }

    private static java.util.Map<String, Integer> withoutTotal(java.util.Map<String, Integer> m) {
        java.util.Map<String, Integer> out = new java.util.LinkedHashMap<>(m);
        out.remove(org.ganscope.analysis.dissect.UnitControls.TOTAL);
        return out;
    }

    static DissectParams params(Args a) {
        String layer = a.require("layer");
        int samples = a.intValue("samples", 1000, 1, DissectParams.MAX_SAMPLES);
        long seed = a.longValue("seed", 0);
        DissectParams p = DissectParams.defaults(layer, samples, seed);
        String method = a.get("method", "iqr").toLowerCase(Locale.ROOT);
        DissectParams.Method m = switch (method) {
            case "iqr" -> DissectParams.Method.IQR;
            case "quantile" -> DissectParams.Method.QUANTILE;
            default -> throw new UsageException("--method must be iqr or quantile, got '" + method + "'");
        };
        p = p.withMethod(m, a.doubleValue("quantile", 0.01, Double.MIN_VALUE, 1 - 1e-12));
        p = p.withThresholdSet(a.intValue("threshold-samples", p.thresholdSamples(), 1, DissectParams.MAX_THRESHOLD_SAMPLES),
                a.longValue("threshold-seed", seed + 1));
        p = p.withTopK(a.intValue("top-k", p.topK(), 1, 100));
        return p.withBatch(a.intValue("batch", p.batch(), 1, 512));
    }

    static void write(LayerDissection d, Bundle b, Path out, int images) throws IOException {
        try {
            Files.createDirectories(out.resolve("units"));
        } catch (IOException e) {
            throw new AnalysisException("cannot create output directory " + out + ": " + e.getMessage());
        }
        DissectJson.write(d, out.resolve("dissect.json"));
        var r = d.report();
        Set<Integer> imaged = new LinkedHashSet<>();
        IntStream.range(0, d.units()).boxed()
                .sorted(Comparator.comparingDouble((Integer u) -> -r.bestIou()[u]).thenComparingInt(u -> u))
                .limit(images).forEach(imaged::add);
        if (!imaged.isEmpty()) {
            try (LayerModel m = new LayerModel(b, d.layer().name(), 1)) {
                for (int u : imaged) {
                    var img = UnitImages.strip(m, d.params().seed(), d.topK().indices(u), u, r.thresholds()[u], 1);
                    ImageIO.write(img, "png", out.resolve(String.format(Locale.ROOT, "units/unit_%04d.png", u)).toFile());
                }
            }
        }
        DissectHtml.write(d, imaged, out.resolve("report.html"));
    }
}
