package org.ganscope.ops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.ganscope.analysis.bench.LoadWatch;
import org.ganscope.analysis.bench.TrainingPause;
import org.ganscope.analysis.cli.ConsoleProgress;
import org.ganscope.ops.Ops;
import org.ganscope.ops.cluster.LocalCluster;
import org.ganscope.workflows.experiment.ExperimentSpec;

/**
 * {@code ganscope bench experiment [--bundle outdoor-base-s100] [--layer layer3] [--samples N] [--class tree]}:
 * the whole default experiment (all six steps: dissect, metrics, explain, intervene, optimize,
 * artifacts) on a local cluster (one platform node, one model worker, fresh store, nothing
 * reused), timed per step from the platform's own step records (started to finished, summed
 * over layers) and end to end from launch to SUCCEEDED. Ends with one line:
 * {@code experiment_seconds total=T dissect=a metrics=b ... load_max=L cores=N}; each figure is
 * {@code UNRELIABLE(x)} and the line ends {@code UNRELIABLE: load X > N cores} when the 1-minute
 * load exceeded the core count while the experiment ran ({@link LoadWatch}). Background
 * training ({@code ganscope_models.train2}) is paused meanwhile unless
 * {@code --no-pause-training} ({@link TrainingPause}).
 */
public final class ExperimentBench {
    private ExperimentBench() {
    }

    public static final String USAGE = """
            usage: ganscope bench experiment [--bundle NAME] [--layer L] [--samples N] [--class C] [--threads T] [--no-pause-training]
              The default six-step experiment (dissect, metrics, explain, intervene, optimize, artifacts) on a local
              cluster (one platform node, one model worker, fresh store); seconds per step and total. Ends with
              experiment_seconds total=T dissect=a ... load_max=L cores=N.
              --bundle NAME        bundle under models/bundles (default outdoor-base-s100)
              --layer L            layer (default layer3)
              --samples N          evaluation images (default: the experiment's default)
              --class C            class of interest of intervene and optimize (default tree)
              --threads T          ONNX Runtime threads of the worker (default: all cores)
              --no-pause-training  leave background training running; by default processes whose command line
                                   contains ganscope_models.train2 (this user's) are paused (SIGSTOP) while the
                                   benchmark runs and continued (SIGCONT) after it, also on failure or Ctrl-C
              The 1-minute load average is sampled at the start, every 5 s and at the end; when its maximum exceeds
              the core count the line is marked UNRELIABLE: load X > N cores.
            """;

    private static final List<String> VALUED = List.of("bundle", "layer", "samples", "class", "threads");

    /** Reads --name value pairs and --no-pause-training; a wrong option is a UsageException naming it. */
    static Map<String, String> parse(String[] args) {
        Map<String, String> a = new TreeMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--no-pause-training")) {
                a.put("no-pause-training", "true");
                continue;
            }
            if (!arg.startsWith("--") || !VALUED.contains(arg.substring(2))) {
                throw new Ops.UsageException("unknown " + (arg.startsWith("-") ? "option" : "argument") + " '" + arg + "'");
            }
            if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                throw new Ops.UsageException("option '" + arg + "' needs a value");
            }
            a.put(arg.substring(2), args[++i]);
        }
        for (String k : List.of("samples", "threads")) {
            if (a.containsKey(k)) {
                try {
                    if (Integer.parseInt(a.get(k)) < 1) {
                        throw new NumberFormatException();
                    }
                } catch (NumberFormatException e) {
                    throw new Ops.UsageException("option '--" + k + "' needs a positive whole number, not '" + a.get(k) + "'");
                }
            }
        }
        return a;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = parse(args);
        String bundle = a.getOrDefault("bundle", "outdoor-base-s100");
        String layer = a.getOrDefault("layer", "layer3");
        String cls = a.getOrDefault("class", "tree"); // intervene needs a class of interest
        String samples = a.containsKey("samples") ? ", \"samples\": " + Integer.parseInt(a.get("samples")) : "";
        int threads = Integer.parseInt(a.getOrDefault("threads", Integer.toString(Runtime.getRuntime().availableProcessors())));
        String steps = String.join("\", \"", ExperimentSpec.STEPS);
        String body = String.format(Locale.ROOT, "{\"name\": \"bench experiment\", \"bundle\": \"%s\", \"layers\": [\"%s\"]%s,"
                + " \"steps\": [\"%s\"], \"classes\": [\"%s\"], \"tags\": [\"bench\"]}", bundle, layer, samples, steps, cls);
        System.out.printf(Locale.ROOT, "bench experiment: %s %s, steps %s, class of interest %s, default parameters otherwise, 1 worker with %d ONNX Runtime thread(s), %d cores%n",
                bundle, layer, ExperimentSpec.STEPS, cls, threads, Runtime.getRuntime().availableProcessors());
        Path dir = Files.createTempDirectory("ganscope-bench-experiment");
        boolean pause = !a.containsKey("no-pause-training");
        // training paused before the cluster starts (it starts faster too) and continued when it has stopped
        try (TrainingPause paused = pause ? TrainingPause.pause(System.out) : TrainingPause.none(System.out);
             LocalCluster cluster = new LocalCluster(dir)) {
            cluster.startPlatform();
            cluster.startWorkers(dir.resolve("store"), threads, "worker");
            if (!paused.pids().isEmpty()) {
                LoadWatch.settle(Duration.ofSeconds(90), System.out::println);
            }
            try (LoadWatch load = LoadWatch.start()) {
                long t0 = System.nanoTime();
                long id = cluster.launch(body);
                String status = cluster.await(id, Duration.ofMinutes(60), ConsoleProgress.forCommand("bench experiment"), "experiment " + id);
                double total = (System.nanoTime() - t0) / 1e9;
                load.close(); // the end sample
                if (!status.equals("SUCCEEDED")) {
                    throw new IllegalStateException("experiment " + id + " ended " + status + "; logs in " + cluster.dir());
                }
                JsonNode exp = cluster.get("/api/experiments/" + id);
                System.out.println("parameters: " + exp.get("experiment"));
                Map<String, Double> perStep = new LinkedHashMap<>();
                for (String s : ExperimentSpec.STEPS) {
                    perStep.put(s, 0.0);
                }
                for (JsonNode s : exp.get("steps")) {
                    double secs = seconds(s.get("finishedAt")) - seconds(s.get("startedAt"));
                    perStep.merge(s.get("name").asText(), secs, Double::sum);
                }
                System.out.println("while the experiment ran: " + load.describe());
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "experiment_seconds total=%s", load.value(String.format(Locale.ROOT, "%.1f", total))));
                perStep.forEach((k, v) -> line.append(String.format(Locale.ROOT, " %s=%s", k, load.value(String.format(Locale.ROOT, "%.1f", v)))));
                line.append(' ').append(load.fields());
                System.out.println(line);
                printStoredHashes(dir.resolve("store"));
            }
        }
    }

    /**
     * One line per file of the run's artifact store (content-addressed: the same parameters give
     * the same file names in every run): its SHA-256, and for JSON its SHA-256 without the
     * fields named "seconds" (wall times that some step results carry), so that two builds'
     * results can be compared file by file ({@code stored PATH sha256=... results_sha256=...}).
     */
    static void printStoredHashes(Path store) throws Exception {
        if (!Files.isDirectory(store)) {
            System.out.println("stored: no artifact store at " + store);
            return;
        }
        List<Path> files;
        try (var walk = Files.walk(store)) {
            files = walk.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith(".")).sorted().toList();
        }
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (Path f : files) {
            byte[] bytes = Files.readAllBytes(f);
            StringBuilder out = new StringBuilder("stored " + store.relativize(f) + " sha256=" + sha256(bytes));
            if (f.getFileName().toString().endsWith(".json")) {
                JsonNode n = json.readTree(bytes);
                stripSeconds(n);
                out.append(" results_sha256=").append(sha256(json.writeValueAsBytes(n)));
            }
            System.out.println(out);
        }
    }

    private static void stripSeconds(JsonNode n) {
        if (n instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
            o.remove("seconds");
        }
        for (JsonNode c : n) {
            stripSeconds(c);
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** An Instant as Jackson writes it: epoch seconds (number) or ISO-8601 text. */
    static double seconds(JsonNode n) {
        if (n == null || n.isNull()) {
            throw new IllegalStateException("a step has no start or finish time");
        }
        if (n.isNumber()) {
            return n.asDouble();
        }
        Instant i = Instant.parse(n.asText());
        return i.getEpochSecond() + i.getNano() / 1e9;
    }
}
