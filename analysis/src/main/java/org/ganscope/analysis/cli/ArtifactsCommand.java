package org.ganscope.analysis.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.artifacts.ArtifactStudy;
import org.ganscope.analysis.artifacts.CausalArtifacts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ganscope artifacts --bundle DIR --layer L --out DIR}: scores every unit for
 * causing artifacts, ablates the worst n (5, 10, 20) and recomputes domain FD and PRDC,
 * against n random units (several draws). Writes artifacts.json and before_after.png
 * (generated samples, then the same samples with the worst 20 units ablated).
 * Also the causal study ({@link CausalArtifacts}): every unit ablated alone on
 * --causal-images samples of seed+200, the worst-n validated on --validate-images samples
 * of seed+300 against --causal-draws random sets with a p-value; the before/after image
 * then shows the causal worst units.
 */
@Command(name = "artifacts", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Artifact units: each unit scored, the worst n ablated against random sets, and the causal study validated on held-out images.")
public final class ArtifactsCommand implements Callable<Integer> {
    /** Per-unit causal scoring images (128 units x 150 renders of f_L + features). */
    public static final int CAUSAL_IMAGES = 150;
    /** Held-out validation images per ablation set. */
    public static final int VALIDATE_IMAGES = 300;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--bundle", required = true, paramLabel = "DIR", description = "the bundle directory")
    Path bundle;
    @Option(names = "--layer", required = true, paramLabel = "L", description = "the layer whose units are scored")
    String layer;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output directory")
    Path out;
    @Option(names = "--samples", defaultValue = "1000", paramLabel = "N", description = "images scored (default ${DEFAULT-VALUE})")
    int samples;
    @Option(names = "--seed", defaultValue = "11", paramLabel = "S", description = "seed (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--top-k", defaultValue = "50", paramLabel = "K", description = "top images per unit (default ${DEFAULT-VALUE})")
    int topK;
    @Option(names = "--ns", defaultValue = "5,10,20", paramLabel = "n,...", description = "sizes of the ablated sets (default ${DEFAULT-VALUE})")
    String ns;
    @Option(names = "--draws", defaultValue = "3", paramLabel = "D", description = "random sets per n (default ${DEFAULT-VALUE})")
    int draws;
    @Option(names = "--metric-samples", defaultValue = "500", paramLabel = "N", description = "samples of each metric (default ${DEFAULT-VALUE})")
    int metricSamples;
    @Option(names = "--causal-images", defaultValue = "" + CAUSAL_IMAGES, paramLabel = "N", description = "images of the per-unit causal scores (default ${DEFAULT-VALUE})")
    int causalImages;
    @Option(names = "--validate-images", defaultValue = "" + VALIDATE_IMAGES, paramLabel = "N", description = "held-out images per validated set (default ${DEFAULT-VALUE})")
    int validateImages;
    @Option(names = "--causal-draws", defaultValue = "20", paramLabel = "D", description = "random sets of the validation (default ${DEFAULT-VALUE})")
    int causalDraws;

    @Override
    public Integer call() throws IOException {
        Bundle b = BundleLoader.load(bundle);
        int units = b.layer(layer).units();
        Check.between("--samples", samples, 10, 1_000_000);
        Check.between("--top-k", topK, 2, samples);
        Check.between("--draws", draws, 0, 50);
        Check.between("--metric-samples", metricSamples, 10, 100_000);
        int[] ns = Arrays.stream(Check.ints("--ns", this.ns)).filter(n -> n <= units).toArray();
        Check.between("--causal-images", causalImages, 2, 100_000);
        Check.between("--validate-images", validateImages, 2, 100_000);
        Check.between("--causal-draws", causalDraws, 0, 1000);
        CausalArtifacts.Params causal = new CausalArtifacts.Params(causalImages, seed + 200, validateImages, seed + 300, ns, causalDraws, 32);
        Files.createDirectories(out);
        long t0 = System.nanoTime();
        ObjectNode root = ArtifactStudy.run(b, layer, new ArtifactStudy.Params(samples, seed, topK, ns, draws, metricSamples, causal),
                step -> System.out.printf(Locale.ROOT, "  %s (%.1f s)%n", step, (System.nanoTime() - t0) / 1e9),
                ConsoleProgress.forCommand("artifacts"));
        System.out.printf(Locale.ROOT, "worst units of %s: %s%n", layer, root.get("worst_first").toString().substring(0,
                Math.min(60, root.get("worst_first").toString().length())));
        var base = root.get("baseline");
        System.out.printf(Locale.ROOT, "no ablation: domain FD %.3f, precision %.3f, recall %.3f, density %.3f, coverage %.3f%n",
                base.get("domain_fd").asDouble(), base.get("precision").asDouble(), base.get("recall").asDouble(),
                base.get("density").asDouble(), base.get("coverage").asDouble());
        System.out.println("    n   worst-n FD   random-n FD (mean of draws)");
        for (var row : root.get("ablations")) {
            System.out.printf(Locale.ROOT, "  %3d   %10.3f   %11.3f%n", row.get("n").asInt(), row.get("worst").get("domain_fd").asDouble(),
                    row.get("random_fd_mean").asDouble());
        }
        var c = root.get("causal");
        System.out.printf(Locale.ROOT, "causal: each unit ablated alone on %d images of seed %d (domain FD %.3f); worst first: %s%n",
                c.get("score_images").asInt(), c.get("score_seed").asLong(), c.get("score_base_fd").asDouble(),
                c.get("worst_first").toString().substring(0, Math.min(60, c.get("worst_first").toString().length())));
        System.out.printf(Locale.ROOT, "validated on %d held-out images of seed %d: no ablation FD %.3f%n", c.get("validate_images").asInt(),
                c.get("validate_seed").asLong(), c.get("validate_base_fd").asDouble());
        System.out.println("    n   causal worst-n FD   random-n FD mean (sd, draws)   p (worst <= random)");
        for (var row : c.get("validation")) {
            System.out.printf(Locale.ROOT, "  %3d   %17.3f   %10.3f (%.3f, %d)   %.3f%n", row.get("n").asInt(), row.get("worst_fd").asDouble(),
                    row.get("random_fd_mean").asDouble(), row.get("random_fd_sd").asDouble(), row.get("random_fd").size(),
                    row.get("p_value").asDouble());
        }
        JSON.writeValue(out.resolve("artifacts.json").toFile(), root);
        ImageIO.write(ArtifactStudy.beforeAfter(b, layer, ArtifactStudy.worst(root, root.get("before_after_units").asInt()), seed + 100),
                "png", out.resolve("before_after.png").toFile());
        System.out.println("wrote " + out.resolve("artifacts.json") + " and " + out.resolve("before_after.png"));
        return 0;
    }
}
