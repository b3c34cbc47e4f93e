package org.ganscope.ops.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.ganscope.analysis.Progress;
import org.ganscope.analysis.cli.ConsoleProgress;

/**
 * {@code ganscope bench workers [--bundle outdoor-base-s100] [--layer layer3] [--samples 4000]
 * [--shards 8] [--threads T]}: the same dissection on one model worker process and then on
 * two (each with T ONNX Runtime threads, default cores/2), against one platform node, each
 * run with a fresh artifact store so nothing is reused. Prints the wall times, the speed-up,
 * the shards each worker ran, the per-shard cost, and whether the two runs' units are
 * identical; ends with {@code workers_speedup=R shards_per_worker=a,b identical=true|false}.
 */
public final class WorkersBench {
    private WorkersBench() {
    }

    record Run(long id, double seconds, Map<String, Integer> shardsPerWorker, double meanShardSeconds, long images, JsonNode units) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new TreeMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
            }
            a.put(args[i].substring(2), args[i + 1]);
        }
        String bundle = a.getOrDefault("bundle", "outdoor-base-s100");
        String layer = a.getOrDefault("layer", "layer3");
        int samples = Integer.parseInt(a.getOrDefault("samples", "4000"));
        int shards = Integer.parseInt(a.getOrDefault("shards", "8"));
        int threads = Integer.parseInt(a.getOrDefault("threads", Integer.toString(Math.max(1, Runtime.getRuntime().availableProcessors() / 2))));
        String body = String.format(Locale.ROOT, "{\"name\": \"bench workers\", \"bundle\": \"%s\", \"layers\": [\"%s\"], \"samples\": %d,"
                + " \"seed\": 11, \"shards\": %d, \"method\": \"quantile\", \"tags\": [\"bench\"]}", bundle, layer, samples, shards);
        Path dir = Files.createTempDirectory("ganscope-bench-workers");
        System.out.printf(Locale.ROOT, "bench workers: %s %s, %d samples in %d shards, %d ONNX Runtime thread(s) per worker, %d cores%n",
                bundle, layer, samples, shards, threads, Runtime.getRuntime().availableProcessors());
        try (LocalCluster cluster = new LocalCluster(dir)) {
            cluster.startPlatform();
            Progress progress = ConsoleProgress.forCommand("bench workers");
            Run one = run(cluster, body, dir.resolve("store-1"), threads, progress, "solo");
            Run two = run(cluster, body, dir.resolve("store-2"), threads, progress, "pair-a", "pair-b");
            boolean identical = one.units().equals(two.units());
            double speedup = one.seconds() / two.seconds();
            System.out.printf(Locale.ROOT, "1 worker : %.2f s (experiment %d), mean shard %.2f s = %.1f images/s per worker%n",
                    one.seconds(), one.id(), one.meanShardSeconds(), one.images() / (one.meanShardSeconds() * shards));
            System.out.printf(Locale.ROOT, "2 workers: %.2f s (experiment %d), mean shard %.2f s, shards per worker %s%n",
                    two.seconds(), two.id(), two.meanShardSeconds(), two.shardsPerWorker());
            System.out.printf(Locale.ROOT, "workers_speedup=%.2f shards_per_worker=%d,%d identical=%s%n", speedup,
                    two.shardsPerWorker().getOrDefault("pair-a", 0), two.shardsPerWorker().getOrDefault("pair-b", 0), identical);
        }
    }

    private static Run run(LocalCluster cluster, String body, Path store, int threads, Progress progress, String... workers) throws Exception {
        cluster.startWorkers(store, threads, workers);
        long t0 = System.nanoTime();
        long id = cluster.launch(body);
        String status = cluster.await(id, Duration.ofMinutes(30), progress,
                "experiment " + id + " on " + workers.length + (workers.length == 1 ? " worker" : " workers"));
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (!status.equals("SUCCEEDED")) {
            throw new IllegalStateException("experiment " + id + " ended " + status + "; logs in " + cluster.dir());
        }
        Map<String, Integer> perWorker = new TreeMap<>();
        double shardSeconds = 0;
        long images = 0;
        int finished = 0;
        for (JsonNode r : cluster.get("/api/experiments/" + id + "/shards")) {
            if (r.get("finished").asBoolean() && !r.get("reused").asBoolean()) {
                perWorker.merge(r.get("worker").asText(), 1, Integer::sum);
                shardSeconds += r.get("seconds").asDouble();
                images += r.get("images").asLong();
                finished++;
            }
        }
        String layer = cluster.get("/api/experiments/" + id).get("steps").get(0).get("layer").asText();
        JsonNode units = cluster.get("/api/experiments/" + id + "/units?layer=" + layer);
        for (String w : workers) {
            cluster.kill(w);
        }
        return new Run(id, seconds, perWorker, finished == 0 ? 0 : shardSeconds / finished, images, units);
    }
}
