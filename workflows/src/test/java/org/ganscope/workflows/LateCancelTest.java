package org.ganscope.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.WorkflowReplayer;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.ganscope.activities.TaskQueues;
import org.ganscope.activities.experiment.ExperimentActivities;
import org.ganscope.activities.experiment.StepSpec;
import org.ganscope.workflows.experiment.ExperimentSpec;
import org.ganscope.workflows.experiment.ExperimentWorkflow;
import org.ganscope.workflows.experiment.ExperimentWorkflowImpl;
import org.junit.jupiter.api.Test;

/**
 * Issue #28, found by the full chaos run: a cancel that arrives after the last step has
 * finished, while the workflow records SUCCEEDED, has nothing left to cut. Temporal ends the run
 * CANCELED all the same, so PostgreSQL must say CANCELLED too, but with every step SUCCEEDED
 * and a reason saying the results are complete, not a plain "cancelled by a user" over a
 * complete set of results. The bookkeeping call that records SUCCEEDED is held (the real
 * bookkeeping behind a latch) until the cancel has been sent, so the race is hit every time.
 */
class LateCancelTest {
    @Test
    void aCancelAfterTheLastStepFinishedSaysTheResultsAreComplete() throws Exception {
        CountDownLatch reached = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (PlatformFixture fx = new PlatformFixture(null, null, real -> new ExperimentActivities() {
            @Override
            public void queueSteps(long experimentId, List<StepSpec> steps) {
                real.queueSteps(experimentId, steps);
            }

            @Override
            public void setStatus(long experimentId, String status, String error) {
                if (status.equals("SUCCEEDED")) {
                    reached.countDown();
                    try {
                        release.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                real.setStatus(experimentId, status, error);
            }

            @Override
            public void stepFailed(long experimentId, String step, String layer, String status, String error) {
                real.stepFailed(experimentId, step, layer, status, error);
            }

            @Override
            public void skipQueued(long experimentId, String reason) {
                real.skipQueued(experimentId, reason);
            }
        })) {
            long id = fx.experiments.create("late cancel", fx.bundleId, "{}", "test", List.of());
            ExperimentSpec spec = ExperimentSpec.builder().experimentId(id).bundle(fx.bundle.hash(), fx.bundle.dir().toString())
                    .layers(List.of("layer2")).samples(24).seed(41).thresholds(16, 42).method("iqr").quantile(0.01).topK(4).batch(8)
                    .shards(2).build();
            ExperimentWorkflow wf = fx.env.getWorkflowClient().newWorkflowStub(ExperimentWorkflow.class,
                    WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.WORKFLOWS).setWorkflowId("late-cancel-" + id).build());
            WorkflowClient.start(wf::run, spec);
            assertTrue(reached.await(120, TimeUnit.SECONDS), "the workflow reached its final bookkeeping");
            WorkflowStub.fromTyped(wf).cancel();
            Thread.sleep(1000); // the workflow takes the cancel while the SUCCEEDED call is held
            release.countDown();

            WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> WorkflowStub.fromTyped(wf).getResult(List.class));
            assertTrue(e.getCause() instanceof CanceledFailure, "Temporal ends a cancel-requested run CANCELED: " + e.getCause());
            var exp = fx.experiments.get(id).orElseThrow();
            assertEquals("CANCELLED", exp.status(), "PostgreSQL agrees with Temporal");
            assertEquals(ExperimentWorkflowImpl.LATE_CANCEL, exp.error(), "and says the results are complete");
            assertTrue(fx.steps.list(id).stream().allMatch(r -> r.status().equals("SUCCEEDED")), "no step cut or skipped: " + fx.steps.list(id));
            assertFalse(fx.results.units(id, "layer2").isEmpty(), "the dissection's units are stored");
            WorkflowReplayer.replayWorkflowExecution(fx.env.getWorkflowClient().fetchHistory("late-cancel-" + id), ExperimentWorkflowImpl.class);
        }
    }
}
