package org.ganscope.analysis.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.metrics.Prdc;
import org.ganscope.analysis.metrics.ReferenceNetwork;
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
 *     FD on the independent EfficientNet-Lite0 features (with its real floor; needs more than
 *     1280 samples and a bundle with {@code reference_features}, else n/a with the reason), the
 *     domain FD on the bundle's segmenter features, SWD, and PRDC on the segmenter features, of
 *     the generator's samples against the bundle's real data, optionally with units of a layer ablated.</li>
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
        String features = featureGraph == null ? "segmenter features" : featureGraph.getFileName() + " features";
        String fdName = featureGraph == null ? "domain FD (segmenter features)" : inception ? "FID" : "FD (" + features + ")";
        SampleMetrics.Measured measured = SampleMetrics.measure(b, layer, ablate, samples, seed, Check.between("--batch", batch, 1, 512),
                featureGraph, ConsoleProgress.forCommand("metrics"), 0, 0, "--samples");
        System.out.println(line(b.name(), samples, seed, ablate.length == 0 ? "" : ", " + ablate.length + " units of " + layer + " ablated",
                measured, fdName, features, (System.nanoTime() - t0) / 1e9));
        return 0;
    }

    /**
     * The printed result: FD on the independent features (EfficientNet-Lite0, with its real
     * floor, or n/a with the reason), then the FD on the bundle's (or the given) features, SWD
     * and PRDC (on the latter features).
     */
    static String line(String bundle, int samples, long seed, String ablated, SampleMetrics.Measured measured, String fdName,
            String features, double seconds) {
        SampleMetrics m = measured.metrics();
        return String.format(Locale.ROOT, "%s: %d samples (seed %d)%s: %s %s, %s %.4f, SWD %.2f (x1e3, per level %s), "
                        + "precision %.4f, recall %.4f, density %.4f, coverage %.4f (PRDC on %s) (%.1f s)",
                bundle, samples, seed, ablated, ReferenceNetwork.FD_LABEL, measured.reference().describe(), fdName, m.domainFd(),
                m.swd().mean(), Arrays.toString(Arrays.stream(m.swd().perLevel()).map(v -> Math.round(v * 100) / 100.0).toArray()),
                m.prdc().precision(), m.prdc().recall(), m.prdc().density(), m.prdc().coverage(), features, seconds);
    }
}
