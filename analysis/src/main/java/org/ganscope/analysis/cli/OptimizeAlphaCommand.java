package org.ganscope.analysis.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.intervene.ClassIou;
import org.ganscope.analysis.optimize.AlphaStudy;
import org.ganscope.analysis.report.Charts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ganscope optimize-alpha --bundle DIR --dissection dissect.json --class NAME --out DIR}:
 * gradient-based alpha optimisation for a class (PyTorch engine on the bundle's TorchScript);
 * prints the objective per iteration and the held-out effect against the top-n-by-IoU units;
 * writes alpha.json.
 */
@Command(name = "optimize-alpha", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Gradient-based alpha optimisation for a class (PyTorch on the bundle's TorchScript), against the top-n units by IoU on held-out images.")
public final class OptimizeAlphaCommand implements Callable<Integer> {
    @Option(names = "--bundle", required = true, paramLabel = "DIR", description = "the bundle directory")
    Path bundle;
    @Option(names = "--dissection", required = true, paramLabel = "dissect.json", description = "a dissection of the bundle")
    Path dissection;
    @Option(names = "--class", required = true, paramLabel = "NAME", description = "the class to insert")
    String className;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output directory")
    Path out;
    @Option(names = "--iterations", defaultValue = "60", paramLabel = "N", description = "optimisation steps (default ${DEFAULT-VALUE})")
    int iterations;
    @Option(names = "--batch", defaultValue = "8", paramLabel = "B", description = "images per step (default ${DEFAULT-VALUE})")
    int batch;
    @Option(names = "--lr", defaultValue = "0.05", paramLabel = "R", description = "Adam's learning rate (default ${DEFAULT-VALUE})")
    double lr;
    @Option(names = "--lambda", defaultValue = "0.01", paramLabel = "L", description = "weight of ||alpha||_2 (default ${DEFAULT-VALUE})")
    double lambda;
    @Option(names = "--train-samples", defaultValue = "64", paramLabel = "N", description = "training images (default ${DEFAULT-VALUE})")
    int trainSamples;
    @Option(names = "--held-out-samples", defaultValue = "64", paramLabel = "N", description = "held-out images (default ${DEFAULT-VALUE})")
    int heldOutSamples;
    @Option(names = "--seed", defaultValue = "21", paramLabel = "S", description = "seed (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--region", paramLabel = "R", description = "side of the square region (default: a quarter of the layer)")
    Integer region;

    @Override
    public Integer call() throws IOException {
        Bundle b = BundleLoader.load(bundle);
        ClassIou df = ClassIou.read(b, dissection, className);
        var layer = b.layer(df.layer());
        var p = new AlphaStudy.Params(Check.between("--train-samples", trainSamples, 2, 100_000),
                Check.between("--held-out-samples", heldOutSamples, 1, 100_000), seed, Check.between("--iterations", iterations, 1, 10_000),
                Check.between("--batch", batch, 1, 256), Check.between("--lr", lr, 1e-6, 10), Check.between("--lambda", lambda, 0, 100),
                Check.between("--region", region == null ? Math.max(1, layer.height() / 4) : region, 1, layer.height()));
        ObjectNode root = AlphaStudy.run(b, df, p, ConsoleProgress.forCommand("optimize-alpha"));
        var curve = root.get("delta_curve");
        var loss = root.get("loss_curve");
        for (int i = 0; i < curve.size(); i += Math.max(1, curve.size() / 10)) {
            System.out.printf(Locale.ROOT, "  iteration %4d: delta %+.4f, loss %+.4f%n", i, curve.get(i).asDouble(), loss.get(i).asDouble());
        }
        System.out.printf(Locale.ROOT, "'%s' in %s: %d iterations in %.1f s; ||alpha||_1 = %.2f; held-out delta: alpha* %+.4f, "
                        + "initial alpha %+.4f, top-%d units by IoU %+.4f%n", df.concept().name(), df.layer(), curve.size(),
                root.get("seconds").asDouble(), root.get("alpha_l1").asDouble(), root.get("held_out_delta").asDouble(),
                root.get("initial_held_out_delta").asDouble(), root.get("baseline_units").asInt(), root.get("baseline_held_out_delta").asDouble());
        Files.createDirectories(out);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("alpha.json").toFile(), root);
        double[] it = new double[curve.size()];
        double[] d = new double[curve.size()];
        for (int i = 0; i < it.length; i++) {
            it[i] = i;
            d[i] = curve.get(i).asDouble();
        }
        Charts.lines(out.resolve("alpha_curve.png"), "alpha optimisation for '" + df.concept().name() + "'",
                "iteration", "delta (training batch)", List.of(new Charts.Series("delta", it, d, null)), false);
        System.out.println("wrote " + out.resolve("alpha.json") + " and alpha_curve.png");
        return 0;
    }
}
