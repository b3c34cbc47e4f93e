package org.ganscope.analysis.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.optimize.AlphaStudy;

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
        var p = new AlphaStudy.Params(train, a.intValue("held-out-samples", 64, 1, 100_000), seed, a.intValue("iterations", 60, 1, 10_000),
                a.intValue("batch", 8, 1, 256), a.doubleValue("lr", 0.05, 1e-6, 10), a.doubleValue("lambda", 0.01, 0, 100),
                a.intValue("region", Math.max(1, layer.height() / 4), 1, layer.height()));
        ObjectNode root = AlphaStudy.run(b, df, p);
        var curve = root.get("delta_curve");
        var loss = root.get("loss_curve");
        for (int i = 0; i < curve.size(); i += Math.max(1, curve.size() / 10)) {
            System.out.printf(Locale.ROOT, "  iteration %4d: delta %+.4f, loss %+.4f%n", i, curve.get(i).asDouble(), loss.get(i).asDouble());
        }
        System.out.printf(Locale.ROOT, "'%s' in %s: %d iterations in %.1f s; ||alpha||_1 = %.2f; held-out delta: alpha* %+.4f, "
                        + "initial alpha %+.4f, top-%d units by IoU %+.4f%n", df.concept().name(), df.layer(), curve.size(),
                root.get("seconds").asDouble(), root.get("alpha_l1").asDouble(), root.get("held_out_delta").asDouble(),
                root.get("initial_held_out_delta").asDouble(), root.get("baseline_units").asInt(), root.get("baseline_held_out_delta").asDouble());
        Path out = Path.of(a.require("out"));
        Files.createDirectories(out);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("alpha.json").toFile(), root);
        double[] it = new double[curve.size()];
        double[] d = new double[curve.size()];
        for (int i = 0; i < it.length; i++) {
            it[i] = i;
            d[i] = curve.get(i).asDouble();
        }
        org.ganscope.analysis.report.Charts.lines(out.resolve("alpha_curve.png"), "alpha optimisation for '" + df.concept().name() + "'",
                "iteration", "delta (training batch)", List.of(new org.ganscope.analysis.report.Charts.Series("delta", it, d, null)), false);
        System.out.println("wrote " + out.resolve("alpha.json") + " and alpha_curve.png");
        return 0;
    }
}
