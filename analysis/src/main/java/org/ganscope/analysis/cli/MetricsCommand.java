package org.ganscope.analysis.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.metrics.SampleMetrics;

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
public final class MetricsCommand implements Command {
    @Override
    public String name() {
        return "metrics";
    }

    @Override
    public String summary() {
        return "--real R.npy --fake F.npy --out m.json [--k 5] | --bundle DIR [--samples N] ...: FID/FD, SWD, PRDC";
    }

    @Override
    public int run(String[] args) throws java.io.IOException {
        Args a = Args.parse(args, 1, List.of("bundle", "samples", "seed", "layer", "ablate", "batch", "real", "fake", "out", "k", "feature-graph"), List.of("inception"));
        if (a.get("real", null) != null || a.get("fake", null) != null) {
            return FeatureArrayMetrics.run(Path.of(a.require("real")), Path.of(a.require("fake")), Path.of(a.require("out")),
                    a.intValue("k", org.ganscope.analysis.metrics.Prdc.DEFAULT_K, 1, 1000));
        }
        if (a.get("bundle", null) == null) {
            throw new UsageException("give either --real R.npy --fake F.npy --out m.json, or --bundle DIR");
        }
        Bundle b = BundleLoader.load(Path.of(a.require("bundle")));
        String layer = a.get("layer", b.manifest().layers().get(0).name());
        int units = b.layer(layer).units();
        String ab = a.get("ablate", "");
        int[] ablate = ab.isBlank() ? new int[0] : Arrays.stream(ab.split(",")).mapToInt(s -> {
            int u;
            try {
                u = Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                throw new UsageException("--ablate takes unit indices, got '" + s + "'");
            }
            if (u < 0 || u >= units) {
                throw new UsageException("unit " + u + " is outside 0.." + (units - 1) + " of " + layer);
            }
            return u;
        }).toArray();
        int samples = a.intValue("samples", 2000, 10, 1_000_000);
        long seed = a.longValue("seed", 0);
        long t0 = System.nanoTime();
        java.nio.file.Path graph = a.get("feature-graph", null) == null ? null : Path.of(a.get("feature-graph", null));
        String fdName = graph == null ? "domain FD" : a.flag("inception") ? "FID" : "FD (" + graph.getFileName() + " features)";
        SampleMetrics m = SampleMetrics.compute(b, layer, ablate, samples, seed, a.intValue("batch", 32, 1, 512), graph);
        System.out.printf(Locale.ROOT, "%s: %d samples (seed %d)%s: %s %.4f, SWD %.2f (x1e3, per level %s), precision %.4f, recall %.4f, density %.4f, coverage %.4f (%.1f s)%n",
                b.name(), samples, seed, ablate.length == 0 ? "" : ", " + ablate.length + " units of " + layer + " ablated",
                fdName, m.domainFd(), m.swd().mean(), java.util.Arrays.toString(java.util.Arrays.stream(m.swd().perLevel())
                        .map(v -> Math.round(v * 100) / 100.0).toArray()), m.prdc().precision(), m.prdc().recall(), m.prdc().density(), m.prdc().coverage(),
                (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
