package org.ganscope.analysis.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.intervene.Insertion;
import org.ganscope.analysis.intervene.UnitRanking;
import org.ganscope.analysis.model.LayerModel;
import org.ganscope.analysis.optimize.AlphaOptimizer;

/**
 * {@code ganscope optimize-alpha --bundle DIR --dissection dissect.json --class NAME --out DIR}:
 * gradient-based alpha optimisation for a class (PyTorch engine on the bundle's TorchScript);
 * prints the objective per iteration and the held-out effect against the top-n-by-IoU units;
 * writes alpha.json.
 */
public final class OptimizeAlphaCommand implements Command {
    @Override
    public String name() {
        return "optimize-alpha";
    }

    @Override
    public String summary() {
        return "--bundle DIR --dissection dissect.json --class NAME --out DIR [--iterations N] [--lambda L] [--lr R]";
    }

    @Override
    public int run(String[] args) throws IOException {
        Args a = Args.parse(args, 1, List.of("bundle", "dissection", "class", "iterations", "batch", "lambda", "lr", "train-samples",
                "held-out-samples", "seed", "region", "out"), List.of());
        Bundle b = BundleLoader.load(Path.of(a.require("bundle")));
        org.ganscope.analysis.intervene.ClassIou df = org.ganscope.analysis.intervene.ClassIou.read(b, Path.of(a.require("dissection")), a.require("class"));
        var layer = b.layer(df.layer());
        long seed = a.longValue("seed", 21);
        int train = a.intValue("train-samples", 64, 2, 100_000);
        float[] k;
        try (LayerModel m = new LayerModel(b, df.layer(), 16)) {
            k = Insertion.constants(m, df.concept().index(), java.util.stream.IntStream.range(0, layer.units()).toArray(), train, seed + 5,
                    Insertion.KMode.MEAN);
        }
        AlphaOptimizer.Params p = new AlphaOptimizer.Params(df.concept().index(), df.iou(), k, train,
                a.intValue("held-out-samples", 64, 1, 100_000), seed, a.intValue("iterations", 60, 1, 10_000), a.intValue("batch", 8, 1, 256),
                a.doubleValue("lr", 0.05, 1e-6, 10), a.doubleValue("lambda", 0.01, 0, 100),
                a.intValue("region", Math.max(1, layer.height() / 4), 1, layer.height()));
        long t0 = System.nanoTime();
        AlphaOptimizer.Result r = AlphaOptimizer.run(b, df.layer(), p);
        double secs = (System.nanoTime() - t0) / 1e9;
        for (int i = 0; i < r.deltaCurve().length; i += Math.max(1, r.deltaCurve().length / 10)) {
            System.out.printf(Locale.ROOT, "  iteration %4d: delta %+.4f, loss %+.4f%n", i, r.deltaCurve()[i], r.lossCurve()[i]);
        }
        double l1 = 0;
        for (float v : r.alpha()) {
            l1 += v;
        }
        System.out.printf(Locale.ROOT, "'%s' in %s: %d iterations in %.1f s; ||alpha||_1 = %.2f; held-out delta: alpha* %+.4f, "
                        + "initial alpha %+.4f, top-%d units by IoU %+.4f%n", df.concept().name(), df.layer(), r.deltaCurve().length, secs, l1,
                r.heldOutDelta(), r.initialHeldOutDelta(), r.baselineUnits(), r.baselineHeldOutDelta());
        Path out = Path.of(a.require("out"));
        Files.createDirectories(out);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("schema", "ganscope.alpha/1").put("bundle", b.name()).put("bundle_hash", b.hash()).put("layer", df.layer())
                .put("class", df.concept().name()).put("iterations", r.deltaCurve().length).put("lambda", p.lambda())
                .put("learning_rate", p.learningRate()).put("held_out_delta", r.heldOutDelta())
                .put("initial_held_out_delta", r.initialHeldOutDelta()).put("baseline_units", r.baselineUnits())
                .put("baseline_held_out_delta", r.baselineHeldOutDelta());
        ArrayNode curve = root.putArray("delta_curve");
        for (double v : r.deltaCurve()) {
            curve.add(v);
        }
        ArrayNode al = root.putArray("alpha");
        for (float v : r.alpha()) {
            al.add(v);
        }
        ArrayNode top = root.putArray("top_units_by_alpha");
        for (int u : UnitRanking.byIou(toDouble(r.alpha()))) {
            if (top.size() >= 20) {
                break;
            }
            top.add(u);
        }
        json.writeValue(out.resolve("alpha.json").toFile(), root);
        double[] it = new double[r.deltaCurve().length];
        for (int i = 0; i < it.length; i++) {
            it[i] = i;
        }
        org.ganscope.analysis.report.Charts.lines(out.resolve("alpha_curve.png"), "alpha optimisation for '" + df.concept().name() + "'",
                "iteration", "delta (training batch)", List.of(new org.ganscope.analysis.report.Charts.Series("delta", it, r.deltaCurve(), null)), false);
        System.out.println("wrote " + out.resolve("alpha.json") + " and alpha_curve.png");
        return 0;
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
