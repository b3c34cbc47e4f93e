package org.ganscope.workflows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ganscope.activities.TaskQueues;
import org.ganscope.activities.dissect.DissectTasks;
import org.ganscope.analysis.dissect.DissectParams;
import org.ganscope.analysis.dissect.LayerDissection;
import org.ganscope.analysis.dissect.LayerDissector;
import org.ganscope.db.ResultRepository;
import org.ganscope.workflows.experiment.ExperimentSpec;
import org.ganscope.workflows.experiment.ExperimentWorkflow;
import org.ganscope.workflows.experiment.ExperimentWorkflowImpl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The experiment workflow on Temporal's test server with the real activities, database and bundle. */
class ExperimentWorkflowTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static PlatformFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = new PlatformFixture();
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    private ExperimentSpec spec(long id, String layer, int shards) {
        return ExperimentSpec.builder().experimentId(id).bundle(fx.bundle.hash(), fx.bundle.dir().toString())
                .layers(List.of(layer)).samples(30).seed(5).thresholds(20, 6).method("iqr").quantile(0.01).topK(4).batch(8).shards(shards).build();
    }

    private ExperimentWorkflow stub(String workflowId) {
        return fx.env.getWorkflowClient().newWorkflowStub(ExperimentWorkflow.class,
                WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.WORKFLOWS).setWorkflowId(workflowId).build());
    }

    @Test
    void shardedWorkflowMatchesAnInProcessDissectionAndIsRecorded() throws Exception {
        long id = fx.experiments.create("layer2 sharded", fx.bundleId, "{}", "test", List.of("t"));
        ExperimentSpec spec = spec(id, "layer2", 3);
        List<String> keys = stub("exp-" + id).run(spec);
        assertEquals(1, keys.size());

        var exp = fx.experiments.get(id).orElseThrow();
        assertEquals("SUCCEEDED", exp.status());
        var step = fx.steps.list(id).get(0);
        assertEquals("SUCCEEDED", step.status());
        assertEquals(keys.get(0), step.resultKey());
        var meta = fx.artifacts.get(keys.get(0), "json").orElseThrow();
        assertEquals("json", meta.kind());
        assertEquals(64, meta.sha256().length());
        // the threshold pass counts 2 x its 20 images (generation, then the per-unit selection), then the 30 evaluation images
        assertEquals(2 * 20 + 30, step.done());
        assertEquals(2 * 20 + 30, step.total());
        // one finished attempt per shard, by this worker, covering the 30 images once
        var runs = fx.shardRuns.list(id);
        assertEquals(3, runs.size());
        assertTrue(runs.stream().allMatch(r -> r.finishedAt() != null && r.worker().equals("test-worker") && !r.reused()));
        assertEquals(30, runs.stream().mapToLong(org.ganscope.db.ShardRunRepository.ShardRun::images).sum());

        DissectParams p = DissectTasks.params(spec.dissectTask("layer2"));
        LayerDissection direct = LayerDissector.dissect(fx.bundle, p, 1, x -> { });
        List<ResultRepository.UnitRow> rows = fx.results.units(id, "layer2");
        assertEquals(direct.units(), rows.size());
        for (int u = 0; u < rows.size(); u++) {
            assertEquals(direct.report().thresholds()[u], rows.get(u).threshold(), 0.0);
            assertEquals(direct.report().bestIou()[u], rows.get(u).iou(), 0.0);
            assertEquals(direct.report().bestLabel()[u], rows.get(u).label());
            assertArrayEquals(direct.topK().indices(u), rows.get(u).topSamples());
        }

        // the same inputs give the same content-addressed keys: a second experiment reuses the stored results
        long id2 = fx.experiments.create("same again", fx.bundleId, "{}", "test", List.of());
        ExperimentSpec again = spec(id2, "layer2", 3);
        assertEquals(keys, stub("exp-" + id2).run(again));
        assertTrue(fx.shardRuns.list(id2).stream().allMatch(org.ganscope.db.ShardRunRepository.ShardRun::reused), "nothing recomputed");
        assertEquals(rows.size(), fx.results.units(id2, "layer2").size());

        // determinism: the recorded history replays against the current workflow code
        WorkflowExecutionHistory history = fx.env.getWorkflowClient().fetchHistory("exp-" + id);
        WorkflowReplayer.replayWorkflowExecution(history, ExperimentWorkflowImpl.class);
    }

    /** Where the artifact store keeps a result (its layout, see ArtifactStore), for editing one in a test. */
    private static Path stored(String key, String suffix) {
        return fx.store.root().resolve(key.substring(0, 2)).resolve(key + suffix);
    }

    /**
     * Edits a stored result as a good one (file and its recorded size and SHA-256 together): the store
     * verifies what it reuses, so an edit of the file alone reads as corrupt and is computed again.
     */
    private static void editStored(String key, String suffix, byte[] bytes) throws Exception {
        Files.write(stored(key, suffix), bytes);
        fx.artifacts.record(key, suffix.substring(1), bytes.length, org.ganscope.analysis.bundle.BundleLoader.sha256(bytes));
    }

    @Test
    void theMetricsStepRecordsItsValuesAndASecondRunReusesTheStoredResult() throws Exception {
        long id = fx.experiments.create("metrics", fx.bundleId, "{}", "test", List.of());
        ExperimentSpec spec = ExperimentSpec.builder().experimentId(id).bundle(fx.bundle.hash(), fx.bundle.dir().toString())
                .layers(List.of("layer2")).samples(20).seed(5).thresholds(10, 6).method("iqr").quantile(0.01).topK(4).batch(8).shards(1)
                .steps(List.of("metrics")).build();
        List<String> keys = stub("exp-" + id).run(spec);
        var m = fx.results.metrics(id, "metrics");
        assertTrue(m.keySet().containsAll(List.of("domain_fd", "swd", "precision", "recall", "density", "coverage")), m.toString());
        assertEquals(1, fx.steps.list(id).size(), "only the selected step is on the timeline");
        assertEquals("SUCCEEDED", fx.steps.list(id).get(0).status());

        // the stored result is edited, so the second experiment's metrics show whether it was read or measured again
        String key = keys.get(0);
        Path file = stored(key, ".json");
        ObjectNode edited = (ObjectNode) JSON.readTree(Files.readAllBytes(file));
        assertEquals(m.get("domain_fd"), edited.get("domain_fd").doubleValue(), 0.0, "the stored result is what was recorded");
        edited.put("domain_fd", -1.0);
        editStored(key, ".json", JSON.writeValueAsBytes(edited));
        long id2 = fx.experiments.create("metrics again", fx.bundleId, "{}", "test", List.of());
        assertEquals(keys, stub("exp-" + id2).run(spec.withId(id2)), "the same inputs, the same key");
        var m2 = fx.results.metrics(id2, "metrics");
        assertEquals(-1.0, m2.get("domain_fd"), 0.0, "the stored result was reused, not measured again");
        m2.remove("domain_fd");
        m.remove("domain_fd");
        assertEquals(m, m2);
        assertEquals("SUCCEEDED", fx.steps.list(id2).get(0).status());
    }

    @Test
    void theExplainStepRecordsAFormulaPerUnit() {
        long id = fx.experiments.create("explain", fx.bundleId, "{}", "test", List.of());
        ExperimentSpec spec = ExperimentSpec.builder().experimentId(id).bundle(fx.bundle.hash(), fx.bundle.dir().toString())
                .layers(List.of("layer2")).samples(20).seed(5).thresholds(10, 6).method("iqr").quantile(0.01).topK(4).batch(8).shards(1)
                .steps(List.of("explain")).build();
        stub("exp-" + id).run(spec);
        var rows = fx.results.explanations(id, "layer2");
        assertEquals(128, rows.size());
        assertTrue(rows.stream().allMatch(r -> !r.formula().isBlank() && r.iou() >= r.bestSingleIou() - 1e-12));
        assertTrue(rows.stream().allMatch(r -> r.heldOutIou() != null && r.heldOutSingleIou() != null), "judged on held-out images");
        assertEquals("SUCCEEDED", fx.steps.list(id).get(0).status());
    }

    @Test
    void afterADissectionTheExplainStepUsesItsThresholdsAndJudgesFormulasOnHeldOutImages() throws Exception {
        long id = fx.experiments.create("dissect and explain", fx.bundleId, "{}", "test", List.of());
        ExperimentSpec spec = ExperimentSpec.builder().experimentId(id).bundle(fx.bundle.hash(), fx.bundle.dir().toString())
                .layers(List.of("layer2")).samples(20).seed(5).thresholds(10, 6).method("iqr").quantile(0.01).topK(4).batch(8).shards(1)
                .steps(List.of("dissect", "explain")).build();
        List<String> keys = stub("exp-" + id).run(spec);
        var dissection = JSON.readTree(fx.store.get(keys.get(0), ".json").orElseThrow());
        var rows = fx.results.explanations(id, "layer2");
        assertEquals(128, rows.size());
        for (var r : rows) {
            var u = dissection.get("units").get(r.unit());
            assertEquals(u.get("threshold").asDouble(), r.threshold(), 1e-6 * Math.abs(r.threshold()) + 1e-12, "unit " + r.unit() + " thresholded as in the dissection");
            // searched on the even samples, judged on the odd ones: the search gain is >= 0, the held-out one need not be
            assertTrue(r.iou() >= r.bestSingleIou() - 1e-12, "unit " + r.unit());
            assertTrue(r.heldOutIou() >= 0 && r.heldOutIou() <= 1 && r.heldOutSingleIou() >= 0 && r.heldOutSingleIou() <= 1, "unit " + r.unit());
        }
        var m = fx.results.metrics(id, ResultRepository.metricsKey("explain", "layer2"));
        assertTrue(m.keySet().containsAll(List.of("label_agreement_share", "held_out_gain_share|0.02", "held_out_gain_share_ci_low|0.02",
                "held_out_gain_share_ci_high|0.02", "held_out_mean_gain", "formulas_and", "formulas_and_not", "formulas_or")), m.toString());
        long gained = rows.stream().filter(r -> r.heldOutGain() >= 0.02).count();
        assertEquals(gained / 128.0, m.get("held_out_gain_share|0.02"), 1e-12);
        assertTrue(m.get("held_out_gain_share_ci_low|0.02") <= m.get("held_out_gain_share|0.02")
                && m.get("held_out_gain_share|0.02") <= m.get("held_out_gain_share_ci_high|0.02"), m.toString());
        WorkflowReplayer.replayWorkflowExecution(fx.env.getWorkflowClient().fetchHistory("exp-" + id), ExperimentWorkflowImpl.class);

        // a second experiment reuses the stored explanations: unit 0's formula and the mean gain are edited in the
        // stored result, so a second explanation would show; everything else is recorded as the first time
        String key = keys.get(1);
        Path file = stored(key, ".json");
        ObjectNode edited = (ObjectNode) JSON.readTree(Files.readAllBytes(file));
        assertEquals(rows.get(0).formula(), edited.get("units").get(0).get("formula").asText(), "the stored result is what was recorded");
        ((ObjectNode) edited.get("units").get(0)).put("formula", "edited");
        ((ObjectNode) edited.get("metrics")).put("held_out_mean_gain", 42.0);
        editStored(key, ".json", JSON.writeValueAsBytes(edited));
        long id2 = fx.experiments.create("dissect and explain again", fx.bundleId, "{}", "test", List.of());
        assertEquals(keys, stub("exp-" + id2).run(spec.withId(id2)), "the same inputs, the same keys");
        var rows2 = fx.results.explanations(id2, "layer2");
        assertEquals("edited", rows2.get(0).formula(), "the stored result was reused, not explained again");
        assertEquals(rows.size(), rows2.size());
        for (int u = 0; u < rows.size(); u++) {
            var a = rows.get(u);
            var b = rows2.get(u);
            assertEquals(a.unit(), b.unit());
            if (u > 0) {
                assertEquals(a.formula(), b.formula());
            }
            assertEquals(a.iou(), b.iou(), 0.0);
            assertEquals(a.bestSingle(), b.bestSingle());
            assertEquals(a.bestSingleIou(), b.bestSingleIou(), 0.0);
            assertEquals(a.heldOutIou(), b.heldOutIou());
            assertEquals(a.heldOutSingleIou(), b.heldOutSingleIou());
            assertEquals(a.formulaCode(), b.formulaCode());
            assertEquals(a.threshold(), b.threshold(), 0.0);
            assertArrayEquals(a.examples(), b.examples(), "unit " + u);
        }
        var m2 = fx.results.metrics(id2, ResultRepository.metricsKey("explain", "layer2"));
        assertEquals(42.0, m2.get("held_out_mean_gain"), 0.0);
        m2.remove("held_out_mean_gain");
        m.remove("held_out_mean_gain");
        assertEquals(m, m2);
    }

    @Test
    void theInterveneStepRecordsAblationCurvesAndInsertionForTheClassesOfInterest() throws Exception {
        long id = fx.experiments.create("intervene", fx.bundleId, "{}", "test", List.of());
        ExperimentSpec spec = ExperimentSpec.builder().experimentId(id).bundle(fx.bundle.hash(), fx.bundle.dir().toString())
                .layers(List.of("layer2")).samples(20).seed(5).thresholds(10, 6).method("iqr").quantile(0.01).topK(4).batch(8).shards(2)
                .steps(List.of("dissect", "intervene")).classes(List.of("tree")).build();
        List<String> keys = stub("exp-" + id).run(spec);
        assertEquals(2, keys.size(), "dissect and intervene results");
        var rows = fx.results.interventions(id, "layer2");
        var ablation = rows.stream().filter(r -> r.kind().equals("ablation")).toList();
        assertEquals(List.of(1, 2, 5, 10, 20, 50), ablation.stream().map(ResultRepository.InterventionRow::n).toList());
        assertTrue(ablation.stream().allMatch(r -> r.className().equals("tree") && r.value() >= 0 && r.value() <= 1 && r.spread() >= 0));
        var overall = rows.stream().filter(r -> r.kind().equals("insertion") && r.context().isEmpty()).toList();
        assertEquals(1, overall.size());
        assertEquals(20, overall.get(0).n(), "the top 20 units are inserted");
        long contexts = rows.stream().filter(r -> r.kind().equals("insertion") && !r.context().isEmpty()).mapToLong(ResultRepository.InterventionRow::count).sum();
        assertEquals(overall.get(0).count(), contexts, "the regions by context add up to all regions");
        assertEquals(List.of("SUCCEEDED", "SUCCEEDED"), fx.steps.list(id).stream().map(st -> st.status()).toList());
        WorkflowReplayer.replayWorkflowExecution(fx.env.getWorkflowClient().fetchHistory("exp-" + id), ExperimentWorkflowImpl.class);

        // the same experiment again reuses both results and records the same rows, once
        long id2 = fx.experiments.create("intervene again", fx.bundleId, "{}", "test", List.of());
        assertEquals(keys, stub("exp-" + id2).run(spec.withId(id2)));
        assertEquals(rows, fx.results.interventions(id2, "layer2"));
    }

    /**
     * Issue #28: a cancel while any step kind runs is recorded in PostgreSQL: the experiment
     * CANCELLED, the step that was running CANCELLED, the steps before it SUCCEEDED and the
     * ones after it SKIPPED, and the workflow ends cancelled. One experiment per step kind (its
     * own seed, so no stored result is reused) with that step, what it needs before it and a
     * step after it where the plan has one, cancelled as soon as that step's row is RUNNING.
     */
    @Test
    void aCancelWhileAnyStepKindRunsIsRecordedAsCancelledWithTheLaterStepsSkipped() throws Exception {
        java.util.Map<String, List<String>> plans = new java.util.LinkedHashMap<>();
        plans.put("dissect", List.of("dissect", "metrics"));
        plans.put("intervene", List.of("dissect", "intervene", "metrics"));
        plans.put("optimize", List.of("dissect", "optimize", "metrics"));
        plans.put("artifacts", List.of("artifacts", "metrics"));
        plans.put("metrics", List.of("metrics", "explain"));
        plans.put("explain", List.of("metrics", "explain"));
        java.util.Map<String, String> caught = new java.util.LinkedHashMap<>();
        int k = 0;
        for (var plan : plans.entrySet()) {
            String target = plan.getKey();
            List<String> order = plan.getValue();
            k++;
            long id = fx.experiments.create("cancel in " + target, fx.bundleId, "{}", "test", List.of());
            ExperimentSpec spec = ExperimentSpec.builder().experimentId(id).bundle(fx.bundle.hash(), fx.bundle.dir().toString())
                    .layers(List.of("layer2")).samples(40).seed(700 + k).thresholds(20, 701 + k).method("iqr").quantile(0.01).topK(4)
                    .batch(8).shards(2).steps(order).classes(List.of("tree")).build();
            ExperimentWorkflow wf = stub("cancel-" + id);
            WorkflowClient.start(wf::run, spec);
            for (int i = 0; i < 12000; i++) {
                var st = fx.steps.list(id).stream().filter(r -> r.name().equals(target)).findFirst();
                if (st.isPresent() && !st.get().status().equals("QUEUED")) {
                    break;
                }
                Thread.sleep(5);
            }
            io.temporal.client.WorkflowStub.fromTyped(wf).cancel();
            WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
                    () -> io.temporal.client.WorkflowStub.fromTyped(wf).getResult(List.class));
            assertTrue(e.getCause() instanceof io.temporal.failure.CanceledFailure, target + ": " + e.getCause());
            var exp = fx.experiments.get(id).orElseThrow();
            assertEquals("CANCELLED", exp.status(), target);
            List<String> statuses = fx.steps.list(id).stream().map(r -> r.status()).toList();
            assertEquals(order, fx.steps.list(id).stream().map(r -> r.name()).toList());
            if (ExperimentWorkflowImpl.LATE_CANCEL.equals(exp.error())) { // the last step finished before the cancel (LateCancelTest)
                assertEquals(java.util.Collections.nCopies(order.size(), "SUCCEEDED"), statuses, target);
                caught.put(target, "(after the last step)");
                WorkflowReplayer.replayWorkflowExecution(fx.env.getWorkflowClient().fetchHistory("cancel-" + id), ExperimentWorkflowImpl.class);
                continue;
            }
            assertEquals("cancelled by a user", exp.error(), target);
            int cancelled = statuses.indexOf("CANCELLED");
            assertTrue(cancelled >= 0 && statuses.lastIndexOf("CANCELLED") == cancelled, target + ": one step cancelled: " + statuses);
            for (int i = 0; i < statuses.size(); i++) {
                assertEquals(i < cancelled ? "SUCCEEDED" : i == cancelled ? "CANCELLED" : "SKIPPED", statuses.get(i), target + ": " + statuses);
            }
            caught.put(target, order.get(cancelled));
            WorkflowReplayer.replayWorkflowExecution(fx.env.getWorkflowClient().fetchHistory("cancel-" + id), ExperimentWorkflowImpl.class);
        }
        System.out.println("cancelled while running (target -> step cancelled): " + caught);
        // the cancel reached the step it was aimed at in most kinds (a short step may finish before the cancel lands)
        assertTrue(caught.entrySet().stream().filter(en -> en.getKey().equals(en.getValue())).count() >= 4, caught.toString());
    }

    @Test
    void theOptimizeAndArtifactsStepsRecordAlphaAndArtifactMetrics() throws Exception {
        long id = fx.experiments.create("optimize and artifacts", fx.bundleId, "{}", "test", List.of());
        ExperimentSpec spec = ExperimentSpec.builder().experimentId(id).bundle(fx.bundle.hash(), fx.bundle.dir().toString())
                .layers(List.of("layer2")).samples(20).seed(5).thresholds(10, 6).method("iqr").quantile(0.01).topK(4).batch(8).shards(1)
                .steps(List.of("dissect", "optimize", "artifacts")).classes(List.of("tree")).build();
        List<String> keys = stub("exp-" + id).run(spec);
        assertEquals(3, keys.size());
        var alpha = fx.results.metrics(id, ResultRepository.metricsKey("optimize", "layer2"));
        assertTrue(alpha.keySet().containsAll(List.of("held_out_delta|tree", "baseline_held_out_delta|tree", "alpha_l1|tree")), alpha.toString());
        var art = fx.results.metrics(id, ResultRepository.metricsKey("artifacts", "layer2"));
        assertTrue(art.keySet().containsAll(List.of("domain_fd|none", "domain_fd|worst-20", "domain_fd|random-20", "precision|worst-5")),
                art.toString());
        assertTrue(art.keySet().containsAll(List.of("domain_fd|causal-none", "domain_fd|causal-worst-20", "domain_fd|causal-random-20",
                "p_value|causal-worst-5")), art.toString());
        assertTrue(fx.store.exists(keys.get(2), ".png"), "the before/after images are stored with the study");
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(fx.store.get(keys.get(1), ".json").orElseThrow());
        assertEquals(128, json.get("classes").get(0).get("alpha").size(), "one alpha per unit");
        assertTrue(json.get("classes").get(0).get("delta_curve").size() > 1, "the objective per iteration");
        assertEquals(List.of("SUCCEEDED", "SUCCEEDED", "SUCCEEDED"), fx.steps.list(id).stream().map(st -> st.status()).toList());
        WorkflowReplayer.replayWorkflowExecution(fx.env.getWorkflowClient().fetchHistory("exp-" + id), ExperimentWorkflowImpl.class);
    }

    @Test
    void badInputFailsTheExperimentOnceWithAClearMessage() {
        long id = fx.experiments.create("unknown layer", fx.bundleId, "{}", "test", List.of());
        ExperimentSpec spec = ExperimentSpec.builder().experimentId(id).bundle(fx.bundle.hash(), fx.bundle.dir().toString())
                .layers(List.of("layer9")).samples(30).seed(5).thresholds(20, 6).method("iqr").quantile(0.01).topK(4).batch(8).shards(2)
                .steps(List.of("dissect", "metrics")).build();
        assertThrows(WorkflowFailedException.class, () -> stub("exp-" + id).run(spec));
        var exp = fx.experiments.get(id).orElseThrow();
        assertEquals("FAILED", exp.status());
        assertTrue(exp.error().contains("no layer 'layer9'"), exp.error());
        var step = fx.steps.list(id).get(0);
        assertEquals("FAILED", step.status());
        assertEquals(1, step.attempt(), "bad input must not be retried");
        var metrics = fx.steps.list(id).get(1);
        assertEquals("SKIPPED", metrics.status(), "the steps after a failure are marked skipped");
        assertTrue(metrics.error().contains("dissect layer9 failed"), metrics.error());
    }

    @Test
    void theWorkflowCanBeStartedAsynchronouslyAndQueried() {
        long id = fx.experiments.create("async", fx.bundleId, "{}", "test", List.of());
        ExperimentWorkflow wf = stub("exp-" + id);
        WorkflowClient.start(wf::run, spec(id, "layer1", 2));
        String result = fx.env.getWorkflowClient().newUntypedWorkflowStub("exp-" + id).getResult(List.class).toString();
        assertTrue(result.startsWith("["));
        assertEquals("done", wf.progress());
    }
}
