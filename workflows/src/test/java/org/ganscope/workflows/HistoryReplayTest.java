package org.ganscope.workflows;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.ganscope.activities.TaskQueues;
import org.ganscope.workflows.experiment.ExperimentSpec;
import org.ganscope.workflows.experiment.ExperimentWorkflow;
import org.ganscope.workflows.experiment.ExperimentWorkflowImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Replays workflow histories recorded by earlier releases (committed under
 * {@code src/test/resources/histories}) against the current workflow code: each
 * {@code Workflow.getVersion} branch kept for older histories actually runs, and a change
 * that breaks determinism for a running experiment fails here.
 * <p>
 * Recording (a tool, not a test; run on a release before changing the workflow):
 * {@code mvn -pl workflows -am test -Dtest=HistoryReplayTest -Dganscope.record-histories=PREFIX -Dsurefire.failIfNoSpecifiedTests=false}
 * writes {@code PREFIX-<case>.json} for a few experiments (the bundle path and worker
 * identities in them are replaced by neutral strings; replay does not compare them);
 * {@code -Dganscope.record-cases=cancel-dissect,...} records only the cases named.
 */
class HistoryReplayTest {
    private static final Path DIR = PlatformFixture.repo().resolve("workflows/src/test/resources/histories");

    /** The committed history files, sorted (at least 3). */
    static List<Path> committedHistories() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(DIR)) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertTrue(files.size() >= 3, "committed histories: " + files);
        return files;
    }

    static WorkflowExecutionHistory read(Path history) throws IOException {
        return WorkflowExecutionHistory.fromJson(Files.readString(history, StandardCharsets.UTF_8));
    }

    @Test
    void everyCommittedHistoryReplaysAgainstTheCurrentCode() throws Exception {
        for (Path f : committedHistories()) {
            WorkflowReplayer.replayWorkflowExecution(read(f), ExperimentWorkflowImpl.class);
        }
    }

    @Test
    @EnabledIfSystemProperty(named = "ganscope.record-histories", matches = ".+")
    void record() throws Exception {
        String prefix = System.getProperty("ganscope.record-histories");
        try (PlatformFixture fx = new PlatformFixture()) {
            String only = System.getProperty("ganscope.record-cases", "");
            java.util.function.Predicate<String> wanted = c -> only.isBlank() || List.of(only.split(",")).contains(c);
            if (wanted.test("dissect-metrics")) {
                record(fx, prefix + "-dissect-metrics", List.of("layer2"), List.of("dissect", "metrics"), null, false);
            }
            if (wanted.test("all-steps")) {
                record(fx, prefix + "-all-steps", List.of("layer2"), ExperimentSpec.STEPS, List.of("tree"), false);
            }
            if (wanted.test("two-layers")) {
                record(fx, prefix + "-two-layers", List.of("layer1", "layer2"), List.of("dissect", "explain"), null, false);
            }
            if (wanted.test("bad-layer")) {
                record(fx, prefix + "-bad-layer", List.of("layer9"), List.of("dissect", "metrics"), null, true);
            }
            if (wanted.test("cancel-dissect")) {
                recordCancelled(fx, prefix + "-cancel-dissect");
            }
        }
    }

    private static ExperimentWorkflow stub(PlatformFixture fx, String wid) {
        return fx.env.getWorkflowClient().newWorkflowStub(ExperimentWorkflow.class,
                WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.WORKFLOWS).setWorkflowId(wid).build());
    }

    private static void record(PlatformFixture fx, String name, List<String> layers, List<String> steps, List<String> classes,
            boolean fails) throws Exception {
        long id = fx.experiments.create(name, fx.bundleId, "{}", "recorder", List.of());
        ExperimentSpec spec = ExperimentSpec.builder().experimentId(id).bundle(fx.bundle.hash(), fx.bundle.dir().toString())
                .layers(layers).samples(20).seed(5).thresholds(10, 6).method("iqr").quantile(0.01).topK(4).batch(8).shards(2)
                .steps(steps).classes(classes).build();
        String wid = "exp-" + id;
        ExperimentWorkflow wf = stub(fx, wid);
        if (fails) {
            assertThrows(WorkflowFailedException.class, () -> wf.run(spec));
        } else {
            wf.run(spec);
        }
        write(fx, wid, name);
    }

    /** A dissect + metrics experiment cancelled by a user while its dissection's shards run. */
    private static void recordCancelled(PlatformFixture fx, String name) throws Exception {
        long id = fx.experiments.create(name, fx.bundleId, "{}", "recorder", List.of());
        ExperimentSpec spec = ExperimentSpec.builder().experimentId(id).bundle(fx.bundle.hash(), fx.bundle.dir().toString())
                .layers(List.of("layer2")).samples(4000).seed(5).thresholds(10, 6).method("iqr").quantile(0.01).topK(4).batch(8).shards(2)
                .steps(List.of("dissect", "metrics")).build();
        String wid = "exp-" + id;
        ExperimentWorkflow wf = stub(fx, wid);
        WorkflowClient.start(wf::run, spec);
        for (int i = 0; i < 600 && fx.shardRuns.list(id).isEmpty(); i++) {
            Thread.sleep(100);
        }
        assertTrue(!fx.shardRuns.list(id).isEmpty(), "no shard started");
        WorkflowStub.fromTyped(wf).cancel();
        WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> WorkflowStub.fromTyped(wf).getResult(List.class));
        assertTrue(e.getCause() instanceof io.temporal.failure.CanceledFailure, "cancelled, not " + e.getCause());
        write(fx, wid, name);
    }

    private static void write(PlatformFixture fx, String wid, String name) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.JsonNode tree = mapper.readTree(fx.env.getWorkflowClient().fetchHistory(wid).toJson(true));
        scrub(tree, fx.bundle.dir().toString());
        Files.writeString(DIR.resolve(name + ".json"), mapper.writerWithDefaultPrettyPrinter().writeValueAsString(tree), StandardCharsets.UTF_8);
    }

    /** Replaces this machine's bundle path (inside the base64 payloads too) and worker identities. */
    private static void scrub(com.fasterxml.jackson.databind.JsonNode node, String path) {
        if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
            var names = new java.util.ArrayList<String>();
            o.fieldNames().forEachRemaining(names::add);
            for (String f : names) {
                var v = o.get(f);
                if (f.equals("identity") && v.isTextual()) {
                    o.put(f, "recorder");
                } else if (f.equals("data") && v.isTextual()) {
                    String text = new String(java.util.Base64.getDecoder().decode(v.asText()), StandardCharsets.UTF_8);
                    if (text.contains(path)) {
                        o.put(f, java.util.Base64.getEncoder().encodeToString(
                                text.replace(path, "models/bundles/outdoor-base-s100").getBytes(StandardCharsets.UTF_8)));
                    }
                } else {
                    scrub(v, path);
                }
            }
        } else if (node != null && node.isArray()) {
            node.forEach(c -> scrub(c, path));
        }
    }
}
