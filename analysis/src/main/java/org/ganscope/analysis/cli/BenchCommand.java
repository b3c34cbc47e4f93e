package org.ganscope.analysis.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.bench.DissectBench;
import org.ganscope.analysis.bench.LoadWatch;
import org.ganscope.analysis.bench.PeakRss;
import org.ganscope.analysis.bench.TrainingPause;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.dissect.DissectParams;
import org.ganscope.analysis.dissect.LayerDissection;
import org.ganscope.analysis.dissect.LayerDissector;
import org.ganscope.analysis.explain.KernelBench;
import org.ganscope.analysis.explain.LayerExplainer;
import org.ganscope.analysis.intervene.AblationCurve;
import org.ganscope.analysis.model.LayerModel;
import org.ganscope.analysis.optimize.AlphaOptimizer;
import org.ganscope.analysis.ort.OrtRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ganscope bench dissect [--bundle DIR] [--method iqr|quantile] ...}: raw inference vs
 * full dissection (same run) in the product's default method (IQR) unless told otherwise;
 * ganscope vs the project's own PyTorch reimplementation of a gandissect-style dissection
 * ({@code models/ganscope_models/torch_dissect.py}: eager torch on the CPU, exact sort; not
 * gandissect's published code) of the same bundle, layer, samples and thresholds (perf
 * bundle only: PyTorch needs the model's source), and peak RSS of a dissection at two sample
 * counts (separate JVMs, same method). Ends with
 * {@code dissect_vs_raw=R method=M speedup_vs_torch_reimpl=S rss_ratio=X load_max=L cores=N}; a
 * timing figure is {@code UNRELIABLE(x)} and the line ends {@code UNRELIABLE: load X > N cores}
 * when the 1-minute load exceeded the core count during the run ({@link LoadWatch}). Background
 * training is paused meanwhile unless {@code --no-pause-training} ({@link TrainingPause}). (The
 * launcher follows a successful run with {@code bench experiment}, the whole six-step experiment;
 * not after a help request or a usage error, nor with {@code --skip-experiment}.)
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Speed and memory figures of the engine (each comparison measured in the same run).",
        subcommands = {BenchCommand.Dissect.class, BenchCommand.Causal.class, BenchCommand.Explain.class, BenchCommand.RssProbe.class})
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "give a benchmark: dissect, causal or explain");
    }

    /** The demo bundle and layer the causal and explain benchmarks run on. */
    static final class DemoLayer {
        @Option(names = "--bundle", paramLabel = "DIR", description = "default: outdoor-base-s100")
        Path bundle;
        @Option(names = "--layer", defaultValue = "layer3", paramLabel = "L", description = "default ${DEFAULT-VALUE}")
        String layer;

        Bundle bundle() {
            return BundleLoader.load(bundle != null ? bundle : home().resolve("models/bundles/outdoor-base-s100"));
        }
    }

    /** Thresholds of the benchmarked dissections. */
    static final class Method {
        @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "seed of the images (default ${DEFAULT-VALUE})")
        long seed;
        @Option(names = "--method", defaultValue = "iqr", paramLabel = "iqr|quantile", description = "unit thresholds (default ${DEFAULT-VALUE})")
        String method;
        @Option(names = "--quantile", defaultValue = "0.01", paramLabel = "Q", description = "quantile mode: top share (default ${DEFAULT-VALUE})")
        double quantile;
        @Option(names = "--batch", defaultValue = "8", paramLabel = "B", description = "inference batch (default ${DEFAULT-VALUE})")
        int batch;

        DissectParams params(String layer, int samples, int thresholdSamples) {
            return DissectParams.defaults(layer, samples, seed)
                    .withMethod(Check.method(method), Check.between("--quantile", quantile, Double.MIN_VALUE, 1 - 1e-12))
                    .withThresholdSet(Check.between("--threshold-samples", thresholdSamples, 1, DissectParams.MAX_THRESHOLD_SAMPLES), seed + 1)
                    .withBatch(Check.between("--batch", batch, 1, 512));
        }
    }

    @Command(name = "dissect", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Raw inference vs full dissection (same run); ganscope vs the project's PyTorch reimplementation (perf bundle,",
                    "quantile mode); peak RSS at two sample counts. Ends with",
                    "dissect_vs_raw=R dissect_vs_raw_cpu=C method=M speedup_vs_torch_reimpl=S rss_ratio=X load_max=L cores=N."},
            footer = {"",
                    "Load: the 1-minute load average (/proc/loadavg) is sampled at the start, every 5 s and at the end and printed "
                            + "beside each figure; when its maximum exceeds the core count, the timing figures are printed UNRELIABLE(x) "
                            + "and the line says UNRELIABLE: load X > N cores (peak RSS is memory and is not marked).",
                    "Training: this user's ganscope_models.train2 processes are paused (SIGSTOP) during the run and continued "
                            + "(SIGCONT) after it, also on failure or Ctrl-C; after pausing, the run waits up to 90 s for the load "
                            + "average to fall to the core count. --no-pause-training leaves them running.",
                    "Launcher: ./ganscope bench dissect runs bench experiment after a successful run (not with --skip-experiment); "
                            + "a help request or a usage error runs nothing else."})
    static final class Dissect implements Callable<Integer> {
        @Option(names = "--bundle", paramLabel = "DIR", description = "default: the ProGAN-256 perf bundle (built with Python on first use)")
        Path bundle;
        @Option(names = "--layer", paramLabel = "L", description = "default: layer4 of the perf bundle, else the middle layer")
        String layer;
        @Option(names = "--samples", paramLabel = "N", description = "evaluation images (default 200 on the perf bundle, else 2000)")
        Integer samples;
        @Option(names = "--threshold-samples", paramLabel = "N", description = "threshold images (default min(samples, 500))")
        Integer thresholdSamples;
        @Mixin
        Method method;
        @Option(names = "--python", defaultValue = "/usr/bin/python3", paramLabel = "PY", description = "Python of the torch reimplementation")
        String python;
        @Option(names = "--rss-bundle", paramLabel = "DIR", description = "bundle of the memory probes (default: outdoor-base-s100)")
        Path rssBundle;
        @Option(names = "--rss-layer", defaultValue = "layer3", paramLabel = "L", description = "layer of the memory probes (default ${DEFAULT-VALUE})")
        String rssLayer;
        @Option(names = "--rss-samples", defaultValue = "2000,20000", paramLabel = "n,m", description = "samples of the memory probes (default ${DEFAULT-VALUE})")
        String rssSamples;
        @Option(names = "--skip-pytorch", description = "no torch reimplementation run")
        boolean skipPytorch;
        @Option(names = "--skip-rss", description = "no memory probes")
        boolean skipRss;
        @Option(names = "--skip-experiment", description = "the launcher runs bench experiment after this one unless given")
        boolean skipExperiment;
        @Option(names = "--no-pause-training", description = "leave background training running (by default this user's processes whose "
                + "command line contains ganscope_models.train2 are paused with SIGSTOP while the benchmark runs and continued with SIGCONT "
                + "after it, also on failure or Ctrl-C; the PIDs are printed)")
        boolean noPauseTraining;

        @Override
        public Integer call() throws Exception {
            Path home = home();
            Path bundleDir = bundle != null ? bundle : perfBundle(home, python);
            Bundle b = BundleLoader.load(bundleDir);
            boolean perf = b.manifest().dataset().equals("perf");
            String layer = this.layer != null ? this.layer : perf ? "layer4" : middleLayer(b);
            int samples = Check.between("--samples", this.samples != null ? this.samples : perf ? 200 : 2000, 1, DissectParams.MAX_SAMPLES);
            DissectParams p = method.params(layer, samples, thresholdSamples != null ? thresholdSamples : Math.min(samples, 500));
            int[] rssNs = skipRss ? new int[0] : Check.ints("--rss-samples", rssSamples);
            // training paused from here to the end, whatever ends the run (TrainingPause: finally, shutdown hook, sentinel)
            try (TrainingPause paused = noPauseTraining ? TrainingPause.none(System.out) : TrainingPause.pause(System.out)) {
                if (!paused.pids().isEmpty()) {
                    LoadWatch.settle(Duration.ofSeconds(90), System.out::println);
                }
                try (LoadWatch load = LoadWatch.start()) {
                    measure(home, bundleDir, b, perf, p, rssNs, load);
                }
            }
            return 0;
        }

        private void measure(Path home, Path bundleDir, Bundle b, boolean perf, DissectParams p, int[] rssNs, LoadWatch load) throws Exception {
            System.out.println(OrtRuntime.get().describe());
            System.out.printf(Locale.ROOT, "bundle %s, layer %s, %d evaluation + %d threshold samples, %s thresholds, batch %d%n",
                    b.name(), p.layer(), p.samples(), p.thresholdSamples(), p.method().name().toLowerCase(Locale.ROOT), p.batch());

            DissectBench.Result r = DissectBench.run(b, p, ConsoleProgress.forCommand("bench dissect"));
            System.out.printf(Locale.ROOT, "raw inference: %.2f images/s; full dissection: %.2f images/s; ratio %s (statistics overhead %.1f%%);"
                    + " CPU time raw %.2f s vs dissection %.2f s, ratio %s%n",
                    r.rawImagesPerSecond(), r.dissectImagesPerSecond(), load.value(fmt("%.3f", r.ratio())), 100 * (1 - r.ratio()),
                    r.rawCpuSeconds(), r.dissectCpuSeconds(), load.value(fmt("%.3f", r.cpuRatio())));
            loadLine(load);

            double speedup = Double.NaN;
            if (!skipPytorch) {
                if (p.method() != DissectParams.Method.QUANTILE) {
                    System.out.println("torch reimplementation: quantile mode only (it has no IQR thresholds); compare with --method quantile");
                } else if (perf) {
                    Path ref = Files.createTempFile("ganscope-torch-dissect", ".json");
                    double torch = pytorch(home, python, bundleDir, p, ref);
                    agreement(r.dissection(), ref);
                    Files.deleteIfExists(ref);
                    speedup = r.dissectImagesPerSecond() / torch;
                    System.out.printf(Locale.ROOT, "torch reimplementation (this project's torch_dissect.py, eager CPU torch, exact sort; not gandissect's code): "
                            + "%.2f images/s; ganscope speed-up %sx%n", torch, load.value(fmt("%.2f", speedup)));
                    loadLine(load);
                } else {
                    System.out.println("torch reimplementation: only for the perf bundle (needs the generator's PyTorch source)");
                }
            }
            double rssRatio = Double.NaN;
            if (rssNs.length > 0) {
                Path rssBundle = this.rssBundle != null ? this.rssBundle : home.resolve("models/bundles/outdoor-base-s100");
                long[] kib = new long[rssNs.length];
                for (int i = 0; i < rssNs.length; i++) {
                    kib[i] = probe(rssBundle, rssLayer, rssNs[i], p.method());
                    System.out.printf(Locale.ROOT, "peak RSS, %s %s, %d samples, %s: %.1f MiB%n", rssBundle.getFileName(), rssLayer,
                            rssNs[i], p.method().name().toLowerCase(Locale.ROOT), kib[i] / 1024.0);
                }
                // memory, not time: the load does not change it, so it is never marked
                rssRatio = (double) kib[kib.length - 1] / kib[0];
                loadLine(load);
            }
            load.close(); // the end sample: the summary is marked by the whole run's maximum
            System.out.printf(Locale.ROOT, "dissect_vs_raw=%s dissect_vs_raw_cpu=%s method=%s speedup_vs_torch_reimpl=%s rss_ratio=%.3f %s%n",
                    load.value(fmt("%.3f", r.ratio())), load.value(fmt("%.3f", r.cpuRatio())), p.method().name().toLowerCase(Locale.ROOT),
                    Double.isNaN(speedup) ? "NaN" : load.value(fmt("%.2f", speedup)), rssRatio, load.fields());
        }
    }

    /** "  load: load max ... on N cores" and, once over, ": UNRELIABLE: load X > N cores". */
    private static void loadLine(LoadWatch load) {
        String d = load.describe();
        System.out.println("  " + d + (load.reliable() ? "" : ": " + load.mark()));
    }

    private static String fmt(String format, double v) {
        return String.format(Locale.ROOT, format, v);
    }

    /**
     * {@code bench causal}: ablation-curve time per class (n in 1..50, top-n plus 3 random
     * draws, over the given samples) and alpha-optimisation time per iteration, on a demo bundle.
     */
    @Command(name = "causal", mixinStandardHelpOptions = true, description = "Ablation-curve and alpha-optimisation times on a demo bundle.")
    static final class Causal implements Callable<Integer> {
        @Mixin
        DemoLayer target;
        @Option(names = "--samples", defaultValue = "200", paramLabel = "N", description = "images per curve (default ${DEFAULT-VALUE})")
        int samples;

        @Override
        public Integer call() {
            Bundle b = target.bundle();
            String layer = target.layer;
            Check.between("--samples", samples, 1, 1_000_000);
            int units = b.layer(layer).units();
            double[] iou = new double[units];
            for (int u = 0; u < units; u++) {
                iou[u] = (u * 37 % 101) / 101.0;
            }
            int cls = 1;
            System.out.println(OrtRuntime.get().describe());
            var progress = ConsoleProgress.forCommand("bench causal");
            try (LayerModel m = new LayerModel(b, layer, 16)) {
                AblationCurve.run(m, cls, iou, new int[] {1}, 16, 0, 0, 1); // warm-up
                long t0 = System.nanoTime();
                var r = AblationCurve.run(m, cls, iou, new int[] {1, 2, 5, 10, 20, 50}, samples, 0, 3, 1, progress);
                double secs = (System.nanoTime() - t0) / 1e9;
                System.out.printf(Locale.ROOT, "ablation curve of '%s' in %s (%s, 6 points x (top + 3 random), %d samples): %.2f s per class, %.1f edited images/s%n",
                        b.manifest().classes().get(cls).name(), b.name(), layer, samples, secs, 24.0 * samples / secs);
            }
            var p = new AlphaOptimizer.Params(cls, iou, new float[units], 32, 8, 0, 10, 8, 0.05, 0.01,
                    Math.max(1, b.layer(layer).height() / 4));
            long t0 = System.nanoTime();
            AlphaOptimizer.run(b, layer, p, progress);
            long t1 = System.nanoTime();
            p = new AlphaOptimizer.Params(cls, iou, new float[units], 32, 8, 0, 30, 8, 0.05, 0.01,
                    Math.max(1, b.layer(layer).height() / 4));
            AlphaOptimizer.run(b, layer, p, progress);
            long t2 = System.nanoTime();
            System.out.printf(Locale.ROOT, "alpha optimisation (batch 8 = 16 images forward + backward): %.1f ms per iteration%n",
                    ((t2 - t1) - (t1 - t0)) / 1e6 / 20);
            return 0;
        }
    }

    /**
     * {@code bench explain}: time to explain every unit of a layer; the bitset IoU kernel
     * against a boolean-array one on the same masks; how often beam 5 finds the
     * exhaustive optimum (formulas up to length 3) on the layer's first units.
     */
    @Command(name = "explain", mixinStandardHelpOptions = true, description = "Explanation time, bitset kernel speed-up and beam-search optimality.")
    static final class Explain implements Callable<Integer> {
        @Mixin
        DemoLayer target;
        @Option(names = "--samples", defaultValue = "2000", paramLabel = "N", description = "images (default ${DEFAULT-VALUE})")
        int samples;

        @Override
        public Integer call() {
            Bundle b = target.bundle();
            String layer = target.layer;
            Check.between("--samples", samples, 10, 100_000);
            long t0 = System.nanoTime();
            var r = LayerExplainer.explain(b, layer, samples, 0, 0.005, 5, 3, ConsoleProgress.forCommand("bench explain"));
            double secs = (System.nanoTime() - t0) / 1e9;
            int units = r.units().length;
            System.out.printf(Locale.ROOT, "explained %d units of %s %s over %d samples in %.1f s (incl. generating the samples)%n", units,
                    b.name(), layer, samples, secs);
            double speedup = KernelBench.bitsetSpeedup(samples * 4096, 12);
            var check = KernelBench.beamVsExhaustive(b, layer, Math.min(samples, 60), 16);
            System.out.printf(Locale.ROOT, "bitset IoU kernel %.1fx faster than boolean arrays; beam 5 found the exhaustive optimum on %d of %d units%n",
                    speedup, check[0], check[1]);
            System.out.printf(Locale.ROOT, "explain_seconds=%.1f units=%d samples=%d bitset_speedup=%.1f beam_optimal_fraction=%.2f%n", secs, units,
                    samples, speedup, (double) check[0] / check[1]);
            return 0;
        }
    }


    /** One dissection in a JVM of its own, for its peak RSS (the memory probes of bench dissect). */
    @Command(name = "rss-probe", hidden = true, mixinStandardHelpOptions = true)
    static final class RssProbe implements Callable<Integer> {
        @Option(names = "--bundle", required = true)
        Path bundle;
        @Option(names = "--layer", required = true)
        String layer;
        @Option(names = "--samples", defaultValue = "2000")
        int samples;
        @Option(names = "--threshold-samples", defaultValue = "500")
        int thresholdSamples;
        @Mixin
        Method method;

        @Override
        public Integer call() {
            Bundle b = BundleLoader.load(bundle);
            DissectParams p = method.params(layer, Check.between("--samples", samples, 1, DissectParams.MAX_SAMPLES), thresholdSamples);
            LayerDissector.dissect(b, p, 1, x -> { });
            System.out.println("peak_rss_kib=" + PeakRss.kib());
            return 0;
        }
    }

    static String middleLayer(Bundle b) {
        var layers = b.manifest().layers();
        return layers.get(layers.size() / 2).name();
    }

    static Path home() {
        String h = System.getProperty("ganscope.home", System.getenv("GANSCOPE_HOME"));
        return Path.of(h == null ? "." : h).toAbsolutePath().normalize();
    }

    /** The ProGAN-256-architecture perf bundle (random weights), built with Python on first use. */
    static Path perfBundle(Path home, String python) throws IOException, InterruptedException {
        Path dir = home.resolve("models/build/perf-proggan256");
        if (!Files.isRegularFile(dir.resolve("manifest.json"))) {
            System.out.println("building the perf bundle (ProGAN-256 architecture, random weights) into " + dir);
            run(home.resolve("models"), List.of(python, "-m", "ganscope_models.export_proggan", "--out", dir.toString()), true);
        }
        return dir;
    }

    /** Prints how closely the PyTorch reference's thresholds and IoUs match ganscope's (same samples). */
    private static void agreement(LayerDissection d, Path ref) throws IOException {
        var json = new ObjectMapper().readTree(ref.toFile());
        double thr = 0;
        double iou = 0;
        var rep = d.report();
        for (int u = 0; u < d.units(); u++) {
            double t = json.get("thresholds").get(u).asDouble();
            thr = Math.max(thr, Math.abs(t - rep.thresholds()[u]) / Math.max(Math.abs(t), 1e-12));
            for (int c = 0; c < d.classes().size(); c++) {
                iou = Math.max(iou, Math.abs(json.get("iou").get(u).get(c).asDouble() - rep.iou()[u][c]));
            }
        }
        System.out.printf(Locale.ROOT, "agreement with the pytorch reference: thresholds within %.2g relative, IoU within %.2g%n", thr, iou);
    }

    private static double pytorch(Path home, String python, Path bundle, DissectParams p, Path json) throws IOException, InterruptedException {
        List<String> out = run(home.resolve("models"), List.of(python, "-m", "ganscope_models.torch_dissect",
                "--bundle", bundle.toString(), "--layer", p.layer(), "--samples", "" + p.samples(),
                "--threshold-samples", "" + p.thresholdSamples(), "--seed", "" + p.seed(), "--threshold-seed", "" + p.thresholdSeed(),
                "--quantile", "" + p.quantile(), "--batch", "" + p.batch(), "--out", json.toString()), true);
        for (String line : out) {
            if (line.startsWith("images_per_second=")) {
                return Double.parseDouble(line.substring("images_per_second=".length()).trim());
            }
        }
        throw new AnalysisException("the PyTorch reference printed no images_per_second line");
    }

    private static long probe(Path bundle, String layer, int samples, DissectParams.Method method) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "bench", "rss-probe", "--bundle", bundle.toString(), "--layer", layer, "--samples", "" + samples,
                "--method", method.name().toLowerCase(Locale.ROOT)));
        for (String line : run(Path.of("."), cmd, false)) {
            if (line.startsWith("peak_rss_kib=")) {
                return Long.parseLong(line.substring("peak_rss_kib=".length()).trim());
            }
        }
        throw new AnalysisException("the RSS probe printed no peak_rss_kib line");
    }

    private static List<String> run(Path dir, List<String> cmd, boolean echo) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("PYTHONPATH", dir.toString());
        Process proc = pb.start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line);
                if (echo && !line.contains("Warning")) {
                    System.out.println("  | " + line);
                }
            }
        }
        int rc = proc.waitFor();
        if (rc != 0) {
            throw new AnalysisException("'" + String.join(" ", cmd.subList(0, Math.min(3, cmd.size()))) + "' failed with exit code "
                    + rc + ": " + (lines.isEmpty() ? "" : lines.get(lines.size() - 1)));
        }
        return lines;
    }
}
