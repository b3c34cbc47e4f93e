package org.ganscope.analysis.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.metrics.Prdc;
import org.ganscope.analysis.metrics.SampleMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Two forms:
 * <ul>
 * <li>{@code ganscope metrics --real R.npy --fake F.npy --out m.json [--k 5]}: on feature
 *     arrays [N, D] (float32 or float64) writes {@code {"fid", "precision", "recall",
 *     "density", "coverage"}} exactly as SPEC.md sections 6 and 7 define them.</li>
 * <li>{@code ganscope metrics --bundle DIR [--samples N] [--seed S] [--layer L --ablate u,v,...]}:
 *     domain FD, SWD and PRDC of the generator's samples against the bundle's real data,
 *     optionally with units of a layer ablated.</li>
 * </ul>
 */
@Command(name = "metrics", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"FID/FD, SWD and PRDC.", "Either on feature arrays: --real R.npy --fake F.npy --out m.json [--k 5],",
                "or of a bundle's samples against its real data: --bundle DIR [--samples N] [--seed S] [--layer L --ablate u,v,...]."})
public final class MetricsCommand implements Callable<Integer> {
    @Option(names = "--real", paramLabel = "R.npy", description = "real features [N, D]")
    Path real;
    @Option(names = "--fake", paramLabel = "F.npy", description = "generated features [M, D]")
    Path fake;
    @Option(names = "--out", paramLabel = "m.json", description = "where the array metrics go")
    Path out;
    @Option(names = "--k", paramLabel = "K", description = "PRDC's k (default " + Prdc.DEFAULT_K + ")")
    Integer k;
    @Option(names = "--bundle", paramLabel = "DIR", description = "the bundle whose samples are measured")
    Path bundle;
    @Option(names = "--samples", defaultValue = "2000", paramLabel = "N", description = "generated samples (default ${DEFAULT-VALUE})")
    int samples;
    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "seed of the samples (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--layer", paramLabel = "L", description = "layer of --ablate (default: the first)")
    String layer;
    @Option(names = "--ablate", defaultValue = "", paramLabel = "u,v,...", description = "units of --layer set to zero")
    String ablate;
    @Option(names = "--batch", defaultValue = "32", paramLabel = "B", description = "inference batch (default ${DEFAULT-VALUE})")
    int batch;
    @Option(names = "--feature-graph", paramLabel = "G.onnx", description = "another feature graph than the bundle's segmenter features")
    Path featureGraph;
    @Option(names = "--inception", description = "the feature graph is Inception: call the distance FID")
    boolean inception;

    @Override
    public Integer call() throws IOException {
        if (real != null || fake != null) {
            if (real == null || fake == null || out == null) {
                throw new UsageException("the array form needs --real R.npy --fake F.npy --out m.json");
            }
            return FeatureArrayMetrics.run(real, fake, out, Check.between("--k", k == null ? Prdc.DEFAULT_K : k, 1, 1000));
        }
        if (bundle == null) {
            throw new UsageException("give either --real R.npy --fake F.npy --out m.json, or --bundle DIR");
        }
        Bundle b = BundleLoader.load(bundle);
        String layer = this.layer == null ? b.manifest().layers().get(0).name() : this.layer;
        int units = b.layer(layer).units();
        int[] ablate = Check.ints("--ablate", this.ablate);
        for (int u : ablate) {
            if (u < 0 || u >= units) {
                throw new UsageException("unit " + u + " is outside 0.." + (units - 1) + " of " + layer);
            }
        }
        Check.between("--samples", samples, 10, 1_000_000);
        long t0 = System.nanoTime();
        String fdName = featureGraph == null ? "domain FD" : inception ? "FID" : "FD (" + featureGraph.getFileName() + " features)";
        SampleMetrics m = SampleMetrics.compute(b, layer, ablate, samples, seed, Check.between("--batch", batch, 1, 512), featureGraph,
                ConsoleProgress.forCommand("metrics"));
        System.out.printf(Locale.ROOT, "%s: %d samples (seed %d)%s: %s %.4f, SWD %.2f (x1e3, per level %s), precision %.4f, recall %.4f, density %.4f, coverage %.4f (%.1f s)%n",
                b.name(), samples, seed, ablate.length == 0 ? "" : ", " + ablate.length + " units of " + layer + " ablated",
                fdName, m.domainFd(), m.swd().mean(), Arrays.toString(Arrays.stream(m.swd().perLevel())
                        .map(v -> Math.round(v * 100) / 100.0).toArray()), m.prdc().precision(), m.prdc().recall(), m.prdc().density(), m.prdc().coverage(),
                (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
