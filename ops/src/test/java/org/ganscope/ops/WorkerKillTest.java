package org.ganscope.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.ganscope.ops.cluster.LocalCluster;
import org.ganscope.ops.cluster.Reference;
import org.junit.jupiter.api.Test;

/**
 * Scale-out and a lost worker, with real processes: a platform node without model work and
 * two model worker processes sharing an artifact store. Shards spread over both workers;
 * one worker is SIGKILLed mid-shard; its shard moves to the other worker after the
 * heartbeat timeout; the experiment completes with units bit-identical to an uninterrupted
 * in-process dissection, no duplicate rows, and at most one shard's work lost.
 */
class WorkerKillTest {
    @Test
    void sigkillOneOfTwoWorkersMidShardLosesAtMostThatShard() throws Exception {
        Path repo = Path.of(System.getProperty("ganscope.repo", "..")).toAbsolutePath().normalize();
        System.setProperty("ganscope.home", repo.toString()); // the platform registers the demo bundles from here
        Path dir = Files.createTempDirectory("ganscope-workers");
        try (LocalCluster cluster = new LocalCluster(dir)) {
            cluster.temporalDevServer(TemporalCli.require());
            cluster.startPlatform();
            assertEquals("temporal-dev", cluster.temporalServer());
            cluster.workerJvmArgs("-Dganscope.checkpoint-seconds=0.5"); // shards of a few seconds here: checkpoint often
            cluster.startWorkers(dir.resolve("store"), 1, "w1", "w2");
            // issue #28: no secret on a command line, which every local user can read (ps): the admin password and the
            // database role's password reach the platform and the workers through their environment
            List<String> secrets = List.of(cluster.adminPassword(), java.util.Objects.requireNonNull(
                    cluster.dbCredentials().get("GANSCOPE_DB_PASSWORD")));
            // the whole command line as ps reads it (/proc; ProcessHandle.Info cuts long ones short)
            List<String> lines = new java.util.ArrayList<>();
            for (ProcessHandle h : ProcessHandle.current().descendants().toList()) {
                try {
                    lines.add(new String(Files.readAllBytes(Path.of("/proc", Long.toString(h.pid()), "cmdline")),
                            java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' '));
                } catch (java.io.IOException gone) {
                    // a process that ended meanwhile has no command line left to leak
                }
            }
            assertTrue(lines.stream().anyMatch(l -> l.contains("spring.profiles.active=worker")), "the workers' command lines are readable: " + lines);
            for (String line : lines) {
                assertTrue(secrets.stream().noneMatch(line::contains), "a password on a command line: " + line);
            }
            int shards = 4;
            int samples = 2400;
            long id = cluster.launch("{\"name\": \"two workers, one killed\", \"bundle\": \"outdoor-base-s100\", \"layers\": [\"layer3\"],"
                    + " \"samples\": " + samples + ", \"thresholdSamples\": 60, \"seed\": 4, \"shards\": " + shards + ", \"method\": \"quantile\"}");
            // wait until w1 is inside a shard (started, not finished), then SIGKILL it
            boolean killed = false;
            for (int i = 0; i < 1200 && !killed; i++) {
                for (JsonNode r : cluster.get("/api/experiments/" + id + "/shards")) {
                    // into its images, past a checkpoint and the heartbeat that reports it
                    if (r.get("worker").asText().equals("w1") && !r.get("finished").asBoolean() && r.get("images").asLong() >= samples / shards / 2) {
                        Thread.sleep(300);
                        cluster.kill("w1");
                        killed = true;
                        break;
                    }
                }
                Thread.sleep(50);
            }
            assertTrue(killed, "w1 was never caught inside a shard: " + cluster.get("/api/experiments/" + id + "/shards"));

            assertEquals("SUCCEEDED", cluster.await(id, Duration.ofMinutes(5)), Files.readString(cluster.log("platform")));

            JsonNode runs = cluster.get("/api/experiments/" + id + "/shards");
            Set<Integer> finished = new HashSet<>();
            Map<String, Integer> perWorker = new HashMap<>();
            long lost = 0;
            long resumedFrom = 0;
            for (JsonNode r : runs) {
                resumedFrom += r.get("resumedFrom").asLong();
                if (r.get("finished").asBoolean()) {
                    assertTrue(finished.add(r.get("shard").asInt()), "shard " + r.get("shard") + " finished twice: " + runs);
                    perWorker.merge(r.get("worker").asText(), 1, Integer::sum);
                } else {
                    assertEquals("w1", r.get("worker").asText(), "only the killed worker left an unfinished attempt: " + runs);
                    lost += r.get("images").asLong();
                }
            }
            assertEquals(shards, finished.size(), "every shard finished once: " + runs);
            assertTrue(perWorker.getOrDefault("w1", 0) + perWorker.getOrDefault("w2", 0) == shards && perWorker.get("w2") > 0, perWorker.toString());
            assertTrue(runs.size() > shards, "the killed attempt is in the log: " + runs);
            assertTrue(lost <= samples / shards, "lost work is at most the one shard in flight: " + lost + " images");
            assertTrue(resumedFrom > 0, "the retried shard resumed from its checkpoint, not from image 0: " + runs);
            // the retry continued from the killed attempt's last checkpoint (every 5 s), not from image 0
            long recomputed = Math.max(0, lost - resumedFrom);

            JsonNode units = cluster.get("/api/experiments/" + id + "/units?layer=layer3");
            assertNull(Reference.mismatch(repo, units, samples, 4, 5), "identical to an uninterrupted dissection, no duplicate rows");
            System.out.printf("worker kill: server=%s shards per worker %s, the killed attempt had reported %d images (of %d per shard),"
                    + " the retry resumed from image %d, images recomputed %d%n", cluster.temporalServer(), perWorker, lost, samples / shards,
                    resumedFrom, recomputed);
        }
    }
}
