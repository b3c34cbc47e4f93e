package org.ganscope.analysis.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.artifacts.ArtifactStudy;
import org.ganscope.analysis.artifacts.CausalArtifacts;

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
public final class ArtifactsCommand implements Command {
    /** Per-unit causal scoring images (128 units x 150 renders of f_L + features). */
    public static final int CAUSAL_IMAGES = 150;
    /** Held-out validation images per ablation set. */
    public static final int VALIDATE_IMAGES = 300;
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
        Args a = Args.parse(args, 1, List.of("bundle", "layer", "samples", "seed", "top-k", "ns", "draws", "metric-samples", "causal-images",
                "validate-images", "causal-draws", "out"), List.of());
        Bundle b = BundleLoader.load(Path.of(a.require("bundle")));
        String layer = a.require("layer");
        int units = b.layer(layer).units();
        int samples = a.intValue("samples", 1000, 10, 1_000_000);
        int topK = a.intValue("top-k", 50, 2, samples);
        long seed = a.longValue("seed", 11);
        int draws = a.intValue("draws", 3, 0, 50);
        int metricSamples = a.intValue("metric-samples", 500, 10, 100_000);
        int[] ns = Arrays.stream(a.get("ns", "5,10,20").split(",")).mapToInt(s -> Integer.parseInt(s.trim())).filter(n -> n <= units).toArray();
        int causalImages = a.intValue("causal-images", CAUSAL_IMAGES, 2, 100_000);
        int validateImages = a.intValue("validate-images", VALIDATE_IMAGES, 2, 100_000);
        int causalDraws = a.intValue("causal-draws", 20, 0, 1000);
        CausalArtifacts.Params causal = new CausalArtifacts.Params(causalImages, seed + 200, validateImages, seed + 300, ns, causalDraws, 32);
        Path out = Path.of(a.require("out"));
        Files.createDirectories(out);
        long t0 = System.nanoTime();
        ObjectNode root = ArtifactStudy.run(b, layer, new ArtifactStudy.Params(samples, seed, topK, ns, draws, metricSamples, causal),
                step -> System.out.printf(Locale.ROOT, "  %s (%.1f s)%n", step, (System.nanoTime() - t0) / 1e9));
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
