package org.ganscope.services.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.ganscope.db.Database;
import org.ganscope.db.StepRepository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cancel and launch of experiments on the durable platform (the Temporal CLI's dev server,
 * embedded PostgreSQL, the real workers and activities), as issue #28 found them broken: a
 * cancel that never reached PostgreSQL (so a restart ran the experiment again and a second
 * cancel answered 500), and a launch whose workflow failed to start left QUEUED for ever.
 */
class ExperimentLifecycleTest {
    static DurablePlatform p;

    @BeforeAll
    static void start() throws Exception {
        p = new DurablePlatform();
    }

    @AfterAll
    static void stop() throws Exception {
        p.close();
    }

    private static LaunchRequest request(String name, int samples, int shards, List<String> steps) {
        return LaunchRequest.of("outdoor-base-s100").name(name).layers(List.of("layer3")).samples(samples).thresholdSamples(60).seed(4L)
                .method("quantile").shards(shards).steps(steps).build();
    }

    private static void await(String what, Duration timeout, Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    private static String status(long id) {
        return p.experiments.get(id).orElseThrow().status();
    }

    private static Map<String, String> stepStatuses(long id) {
        return p.stepRows(id).stream().collect(Collectors.toMap(s -> s.name() + (s.layer().isEmpty() ? "" : " " + s.layer()),
                StepRepository.StepRow::status));
    }

    private static WorkflowExecutionDescription temporal(WorkflowClient c, long id) {
        return c.newUntypedWorkflowStub(ExperimentService.workflowId(id)).describe();
    }

    @Test
    void aCancelMidDissectionReachesPostgresAndARestartLeavesItCancelled() throws Exception {
        long id = p.service.launch(request("cancel me", 3000, 2, List.of("dissect", "metrics")), "tester");
        // mid-dissection: the threshold pass is done and the evaluation shards are running
        await("the dissection's shards to run", Duration.ofMinutes(3), () -> !p.shardRuns.list(id).isEmpty());
        assertEquals("RUNNING", status(id));
        assertEquals(Map.of("dissect layer3", "RUNNING", "metrics", "QUEUED"), stepStatuses(id));

        assertTrue(p.service.cancel(id));
        await("CANCELLED in PostgreSQL", Duration.ofSeconds(20), () -> status(id).equals("CANCELLED"));
        assertEquals(Map.of("dissect layer3", "CANCELLED", "metrics", "SKIPPED"), stepStatuses(id));
        assertEquals("cancelled by a user", p.experiments.get(id).orElseThrow().error());
        assertEquals("not run: the experiment was cancelled", p.stepRows(id).get(1).error());
        // the workflow records the cancel, then ends as cancelled
        await("the workflow to end cancelled", Duration.ofSeconds(10),
                () -> temporal(p.client, id).getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED);
        WorkflowExecutionDescription cancelled = temporal(p.client, id);
        String runId = cancelled.getExecution().getRunId();

        // a second cancel answers cleanly and changes nothing
        assertFalse(p.service.cancel(id));
        assertEquals("CANCELLED", status(id));

        // a platform restart on the same history and database: resumeUnfinished leaves it alone
        p.restart();
        p.service.resumeUnfinished();
        Thread.sleep(3000);
        assertEquals("CANCELLED", status(id));
        assertEquals(Map.of("dissect layer3", "CANCELLED", "metrics", "SKIPPED"), stepStatuses(id));
        WorkflowExecutionDescription after = temporal(p.client, id);
        assertEquals(runId, after.getExecution().getRunId(), "not started again");
        assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED, after.getStatus());
        assertFalse(p.service.cancel(id));

        // the rows a cancel left before this fix (RUNNING, while Temporal says CANCELED) are repaired, not run again:
        // at a platform start ...
        leftRunning(id);
        p.service.resumeUnfinished();
        assertEquals("CANCELLED", status(id));
        assertEquals(Map.of("dissect layer3", "CANCELLED", "metrics", "SKIPPED"), stepStatuses(id));
        assertEquals(runId, temporal(p.client, id).getExecution().getRunId(), "not started again");
        // ... and by a cancel, which answered HTTP 500 (no open workflow to cancel)
        leftRunning(id);
        assertTrue(p.service.cancel(id));
        assertEquals("CANCELLED", status(id));
        assertEquals(Map.of("dissect layer3", "CANCELLED", "metrics", "SKIPPED"), stepStatuses(id));
        assertEquals(runId, temporal(p.client, id).getExecution().getRunId());
    }

    /** The experiment's rows as a cancel left them before the fix: the experiment and its dissect step RUNNING, metrics QUEUED. */
    private static void leftRunning(long id) {
        Database.update(p.ds, "UPDATE experiments SET status = 'RUNNING', error = NULL WHERE id = ?", id);
        Database.update(p.ds, "UPDATE steps SET status = CASE WHEN name = 'dissect' THEN 'RUNNING' ELSE 'QUEUED' END, error = NULL, "
                + "finished_at = NULL WHERE experiment_id = ?", id);
    }

    @Test
    void aLaunchWhoseWorkflowCannotStartIsFailedWithTheReasonAndItsReplayStartsIt() throws Exception {
        // Temporal unreachable at launch: the experiment is recorded, its start fails
        ExperimentService down = p.service(DurablePlatform.unreachableClient());
        LaunchRequest r = request("start fails", 40, 1, List.of("dissect"));
        ExperimentService.StartFailed e = assertThrows(ExperimentService.StartFailed.class, () -> down.launch(r, "tester", "key-1"));
        long id = e.id();
        var row = p.experiments.get(id).orElseThrow();
        assertEquals("FAILED", row.status(), "not QUEUED for ever");
        assertTrue(row.error().startsWith("the workflow could not be started: "), row.error());
        assertTrue(e.getMessage().contains(row.error()), e.getMessage());
        assertNull(row.workflowId());

        // replayed while Temporal is still down: it says again that it failed, and starts nothing
        ExperimentService.StartFailed again = assertThrows(ExperimentService.StartFailed.class, () -> down.launch(r, "tester", "key-1"));
        assertEquals(id, again.id());
        assertEquals("FAILED", status(id));

        // replayed once Temporal is back: the same experiment is started, and runs
        ExperimentService.Launched replay = p.service.launch(r, "tester", "key-1");
        assertEquals(id, replay.id());
        assertFalse(replay.created());
        assertNotNull(p.experiments.get(id).orElseThrow().workflowId());
        await("the replayed launch to succeed", Duration.ofMinutes(3), () -> status(id).equals("SUCCEEDED"));
        assertNull(p.experiments.get(id).orElseThrow().error());

        // a retry whose start fails is failed with the reason too (it was left QUEUED, and then refused as not retryable)
        Database.update(p.ds, "UPDATE experiments SET status = 'FAILED' WHERE id = ?", id);
        assertThrows(ExperimentService.StartFailed.class, () -> down.retry(id));
        assertEquals("FAILED", status(id));
        assertTrue(p.experiments.get(id).orElseThrow().error().startsWith("the workflow could not be started: "));
    }

    /**
     * A launch recorded whose start failed and whose FAILED mark could not be written either (the database went away
     * between the two) is left QUEUED with no workflow: a platform start finds it and starts it, and it runs.
     */
    @Test
    void aQueuedRowWithoutAWorkflowIsStartedWhenThePlatformStarts() throws Exception {
        ExperimentService down = p.service(DurablePlatform.unreachableClient());
        long id = assertThrows(ExperimentService.StartFailed.class, () -> down.launch(request("never started", 40, 1, List.of("dissect")),
                "tester", "key-queued")).id();
        Database.update(p.ds, "UPDATE experiments SET status = 'QUEUED', error = NULL WHERE id = ?", id); // as if the FAILED write was lost
        assertNull(p.experiments.get(id).orElseThrow().workflowId());
        p.service.resumeUnfinished();
        assertNotNull(p.experiments.get(id).orElseThrow().workflowId(), "started at once");
        await("the resumed launch to succeed", Duration.ofMinutes(3), () -> status(id).equals("SUCCEEDED"));
    }
}
