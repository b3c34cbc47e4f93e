package org.ganscope.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.activity.Activity;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.ganscope.activities.TaskQueues;
import org.ganscope.activities.dissect.DissectActivities;
import org.ganscope.activities.dissect.DissectTask;
import org.ganscope.activities.dissect.DissectTasks;
import org.ganscope.analysis.dissect.LayerDissection;
import org.ganscope.analysis.dissect.LayerDissector;
import org.ganscope.db.ResultRepository;
import org.ganscope.workflows.experiment.ExperimentSpec;
import org.ganscope.workflows.experiment.ExperimentWorkflow;
import org.junit.jupiter.api.Test;

/**
 * Faults during an experiment: a shard's worker dies after doing part of its work (its
 * first attempt fails with a transient error, as a crash looks to Temporal) and the
 * bookkeeping database write of the merge fails once. The experiment completes, the
 * results are bit-identical to an uninterrupted in-process run, no rows are duplicated,
 * and the work lost is at most the one shard.
 */
class FaultToleranceTest {
    @Test
    void crashedShardAndFailedWriteAreRetriedToIdenticalResults() throws Exception {
        AtomicInteger shardAttempts = new AtomicInteger();
        AtomicInteger mergeAttempts = new AtomicInteger();
        try (PlatformFixture fx = new PlatformFixture(real -> new DissectActivities() {
            @Override
            public String thresholds(DissectTask task) {
                return real.thresholds(task);
            }

            @Override
            public String shard(DissectTask task, String thresholdsKey, int shard) {
                if (shard == 1) {
                    shardAttempts.incrementAndGet();
                    if (Activity.getExecutionContext().getInfo().getAttempt() == 1) {
                        throw ApplicationFailure.newFailure("worker lost (simulated crash)", "WorkerLost");
                    }
                }
                return real.shard(task, thresholdsKey, shard);
            }

            @Override
            public String merge(DissectTask task, String thresholdsKey, List<String> shardKeys) {
                mergeAttempts.incrementAndGet();
                String key = real.merge(task, thresholdsKey, shardKeys);
                if (Activity.getExecutionContext().getInfo().getAttempt() == 1) {
                    // the rows were written, then the worker died before reporting: the retry must not duplicate them
                    throw ApplicationFailure.newFailure("connection reset (simulated)", "DatabaseUnavailable");
                }
                return key;
            }
        })) {
            long id = fx.experiments.create("faults", fx.bundleId, "{}", "test", List.of());
            ExperimentSpec spec = ExperimentSpec.builder().experimentId(id).bundle(fx.bundle.hash(), fx.bundle.dir().toString())
                    .layers(List.of("layer3")).samples(36).seed(2).thresholds(16, 3).method("quantile").quantile(0.01).topK(4).batch(8).shards(3).build();
            ExperimentWorkflow wf = fx.env.getWorkflowClient().newWorkflowStub(ExperimentWorkflow.class,
                    WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.WORKFLOWS).setWorkflowId("faults-" + id).build());
            wf.run(spec);

            assertEquals(2, shardAttempts.get(), "the crashed shard ran again, once");
            assertEquals(2, mergeAttempts.get());
            assertEquals("SUCCEEDED", fx.experiments.get(id).orElseThrow().status());
            LayerDissection direct = LayerDissector.dissect(fx.bundle, DissectTasks.params(spec.dissectTask("layer3")), 1, x -> { });
            List<ResultRepository.UnitRow> rows = fx.results.units(id, "layer3");
            assertEquals(direct.units(), rows.size(), "no duplicate rows");
            for (int u = 0; u < rows.size(); u++) {
                assertEquals(direct.report().thresholds()[u], rows.get(u).threshold(), 0.0);
                assertEquals(direct.report().bestIou()[u], rows.get(u).iou(), 0.0);
                assertEquals(direct.report().bestIqr()[u], rows.get(u).iqr(), 0.0);
            }
            var step = fx.steps.list(id).get(0);
            assertEquals("SUCCEEDED", step.status());
            assertTrue(step.attempt() >= 1);
        }
    }
}
