package org.ganscope.workflows.experiment;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.ganscope.activities.FailureTypes;
import org.ganscope.activities.TaskQueues;
import org.ganscope.activities.artifacts.ArtifactsActivities;
import org.ganscope.activities.dissect.DissectActivities;
import org.ganscope.activities.dissect.DissectTask;
import org.ganscope.activities.experiment.ExperimentActivities;
import org.ganscope.activities.experiment.StepSpec;
import org.ganscope.activities.explain.ExplainActivities;
import org.ganscope.activities.intervene.InterveneActivities;
import org.ganscope.activities.metrics.MetricsActivities;
import org.ganscope.activities.optimize.OptimizeActivities;

/**
 * Deterministic orchestration: queue the steps on the timeline, then per layer the
 * threshold pass, the evaluation shards in parallel (any model worker), and the merge.
 * Failures of bad input end the experiment with the researcher-facing message;
 * transient ones are retried with backoff by Temporal. Cancellation marks the
 * experiment CANCELLED.
 */
public final class ExperimentWorkflowImpl implements ExperimentWorkflow {
    private static final RetryOptions RETRY = RetryOptions.newBuilder()
            .setInitialInterval(Duration.ofSeconds(1))
            .setBackoffCoefficient(2.0)
            .setMaximumInterval(Duration.ofMinutes(1))
            .setMaximumAttempts(8)
            .setDoNotRetry(FailureTypes.BAD_INPUT, FailureTypes.DATABASE_REJECTED)
            .build();

    /**
     * Model work on the model queue: long; every step heartbeats (each chunk of images, else
     * every 3 s from a side thread), so a killed worker is noticed in 20 s.
     */
    private static ActivityOptions model(Duration startToClose) {
        return ActivityOptions.newBuilder().setTaskQueue(TaskQueues.MODEL).setStartToCloseTimeout(startToClose)
                .setRetryOptions(RETRY).setHeartbeatTimeout(Duration.ofSeconds(20)).build();
    }

    private final DissectActivities dissect = Workflow.newActivityStub(DissectActivities.class, model(Duration.ofHours(2)));
    private final MetricsActivities metrics = Workflow.newActivityStub(
            MetricsActivities.class, model(Duration.ofHours(1)));
    private final ExplainActivities explain = Workflow.newActivityStub(
            ExplainActivities.class, model(Duration.ofHours(1)));
    private final InterveneActivities intervene = Workflow.newActivityStub(
            InterveneActivities.class, model(Duration.ofHours(2)));
    private final OptimizeActivities optimize = Workflow.newActivityStub(
            OptimizeActivities.class, model(Duration.ofHours(2)));
    private final ArtifactsActivities artifacts = Workflow.newActivityStub(
            ArtifactsActivities.class, model(Duration.ofHours(2)));

    /**
     * Bookkeeping: short database writes, retried while the database is unreachable, for
     * at most 10 minutes and 12 attempts (a rejection such as a missing row is not retried).
     */
    private final ExperimentActivities book = Workflow.newActivityStub(ExperimentActivities.class, ActivityOptions.newBuilder()
            .setTaskQueue(TaskQueues.BOOKKEEPING)
            .setStartToCloseTimeout(Duration.ofSeconds(30))
            .setScheduleToCloseTimeout(Duration.ofMinutes(10))
            .setRetryOptions(RetryOptions.newBuilder().setInitialInterval(Duration.ofSeconds(1)).setBackoffCoefficient(2.0)
                    .setMaximumInterval(Duration.ofSeconds(30)).setMaximumAttempts(12).setDoNotRetry(FailureTypes.DATABASE_REJECTED).build())
            .build());

    private String progress = "queued";

    @Override
    public List<String> run(ExperimentSpec spec) {
        // version 1 added the metrics step; histories recorded before it replay without it
        boolean metricsStep = Workflow.getVersion("metrics-step", Workflow.DEFAULT_VERSION, 1) >= 1 && spec.runs("metrics");
        boolean explainStep = Workflow.getVersion("explain-step", Workflow.DEFAULT_VERSION, 1) >= 1 && spec.runs("explain");
        boolean interveneStep = Workflow.getVersion("intervene-step", Workflow.DEFAULT_VERSION, 1) >= 1 && spec.runs("intervene")
                && spec.runs("dissect") && !spec.classesOfInterest().isEmpty();
        boolean optimizeStep = Workflow.getVersion("optimize-step", Workflow.DEFAULT_VERSION, 1) >= 1 && spec.runs("optimize")
                && spec.runs("dissect") && !spec.classesOfInterest().isEmpty();
        boolean artifactsStep = Workflow.getVersion("artifacts-step", Workflow.DEFAULT_VERSION, 1) >= 1 && spec.runs("artifacts");
        List<StepSpec> steps = new ArrayList<>();
        if (spec.runs("dissect")) {
            for (String layer : spec.layers()) {
                steps.add(new StepSpec("dissect", layer, spec.samples()));
            }
        }
        if (interveneStep) {
            for (String layer : spec.layers()) {
                steps.add(new StepSpec("intervene", layer, spec.classesOfInterest().size()));
            }
        }
        if (optimizeStep) {
            for (String layer : spec.layers()) {
                steps.add(new StepSpec("optimize", layer, spec.classesOfInterest().size()));
            }
        }
        if (artifactsStep) {
            for (String layer : spec.layers()) {
                steps.add(new StepSpec("artifacts", layer, 5));
            }
        }
        if (metricsStep) {
            steps.add(new StepSpec("metrics", "", 0));
        }
        if (explainStep) {
            for (String layer : spec.layers()) {
                steps.add(new StepSpec("explain", layer, 0));
            }
        }
        book.queueSteps(spec.experimentId(), steps);
        book.setStatus(spec.experimentId(), "RUNNING", null);
        List<String> keys = new ArrayList<>();
        String layer = null;
        String step = "dissect";
        try {
            if (spec.runs("dissect")) {
                for (String l : spec.layers()) {
                    layer = l;
                    keys.add(dissectLayer(spec.dissectTask(l)));
                }
            }
            if (interveneStep) {
                step = "intervene";
                for (int i = 0; i < spec.layers().size(); i++) {
                    layer = spec.layers().get(i);
                    progress = "intervene " + layer;
                    keys.add(intervene.intervene(spec.interveneTask(layer, keys.get(i))));
                }
            }
            if (optimizeStep) {
                step = "optimize";
                for (int i = 0; i < spec.layers().size(); i++) {
                    layer = spec.layers().get(i);
                    progress = "optimize " + layer;
                    keys.add(optimize.optimize(spec.optimizeTask(layer, keys.get(i))));
                }
            }
            if (artifactsStep) {
                step = "artifacts";
                for (String l : spec.layers()) {
                    layer = l;
                    progress = "artifacts " + l;
                    keys.add(artifacts.artifacts(spec.artifactsTask(l)));
                }
            }
            if (metricsStep) {
                step = "metrics";
                layer = "";
                progress = "metrics";
                keys.add(metrics.metrics(spec.metricsTask()));
            }
            if (explainStep) {
                step = "explain";
                // version 1 thresholds units at the dissection's own thresholds; older histories used the explain step's own quantile
                boolean dissectThresholds = Workflow.getVersion("explain-dissect-thresholds", Workflow.DEFAULT_VERSION, 1) >= 1
                        && spec.runs("dissect");
                for (int i = 0; i < spec.layers().size(); i++) {
                    String l = spec.layers().get(i);
                    layer = l;
                    progress = "explain " + l;
                    keys.add(explain.explain(dissectThresholds ? spec.explainTask(l, keys.get(i)) : spec.explainTask(l)));
                }
            }
            progress = "done";
            book.setStatus(spec.experimentId(), "SUCCEEDED", null);
            return keys;
        } catch (CanceledFailure e) {
            String failedLayer = layer;
            String failedStep = step;
            Workflow.newDetachedCancellationScope(() -> {
                book.stepFailed(spec.experimentId(), failedStep, failedLayer, "CANCELLED", "cancelled by a user");
                // version 1 marks the steps that never started SKIPPED; older histories left them QUEUED
                if (Workflow.getVersion("skip-steps", Workflow.DEFAULT_VERSION, 1) >= 1) {
                    book.skipQueued(spec.experimentId(), "not run: the experiment was cancelled");
                }
                book.setStatus(spec.experimentId(), "CANCELLED", "cancelled by a user");
            }).run();
            throw e;
        } catch (ActivityFailure e) {
            String message = rootMessage(e);
            String where = step + (layer == null || layer.isEmpty() ? "" : " " + layer);
            book.stepFailed(spec.experimentId(), step, layer == null ? "" : layer, "FAILED", message);
            if (Workflow.getVersion("skip-steps", Workflow.DEFAULT_VERSION, 1) >= 1) {
                book.skipQueued(spec.experimentId(), "not run: " + where + " failed");
            }
            book.setStatus(spec.experimentId(), "FAILED", where + ": " + message);
            throw ApplicationFailure.newNonRetryableFailure(where + ": " + message, "StepFailed");
        }
    }

    private String dissectLayer(DissectTask task) {
        progress = "dissect " + task.layer() + ": thresholds";
        String thresholds = dissect.thresholds(task);
        List<Promise<String>> shards = new ArrayList<>();
        for (int k = 0; k < task.shards(); k++) {
            shards.add(Async.function(dissect::shard, task, thresholds, k));
        }
        List<String> shardKeys = new ArrayList<>();
        for (int k = 0; k < shards.size(); k++) {
            shardKeys.add(shards.get(k).get());
            progress = "dissect " + task.layer() + ": " + (k + 1) + " of " + task.shards() + " shards";
        }
        progress = "dissect " + task.layer() + ": merging";
        return dissect.merge(task, thresholds, shardKeys);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof ApplicationFailure af) {
            // our own failure types carry a researcher-facing message; anything else (an Error, a bug) also says what it was
            String type = af.getType();
            boolean ours = type == null || !type.contains(".");
            return ours ? af.getOriginalMessage() : type.substring(type.lastIndexOf('.') + 1) + ": " + af.getOriginalMessage();
        }
        return t.getMessage();
    }

    @Override
    public String progress() {
        return progress;
    }
}
