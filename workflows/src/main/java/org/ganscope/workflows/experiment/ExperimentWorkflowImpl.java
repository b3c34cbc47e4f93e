package org.ganscope.workflows.experiment;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
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
 * Deterministic orchestration of a step plan: queue the plan's steps on the timeline, then
 * run them in order, each per layer (or once), with the result keys of its upstream steps
 * by name; dissect is per layer the threshold pass, the evaluation shards in parallel (any
 * model worker), and the merge.
 * Failures of bad input end the experiment with the researcher-facing message;
 * transient ones are retried with backoff by Temporal. Cancellation marks the
 * experiment CANCELLED.
 * <p>
 * Adding a step: its package in activities/api (the activity interface and task record) and
 * in activities (the implementation, declared to {@code StepRunner}, listed in
 * {@code ModelActivities}); here its activity stub and one entry in {@link #plan} with the
 * next {@code since} and its own gate; in {@link ExperimentSpec} its name in {@code STEPS}
 * and its task factory.
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

    /** How a planned step schedules its activity for one layer ("" for a step run once), given its upstream keys by step name. */
    private interface Run {
        String run(ExperimentSpec spec, String layer, Map<String, String> upstream);
    }

    /**
     * One entry of the step plan, declared by name ({@link #step}). {@code since}: the order in
     * which the steps were added, which is the order their {@code Workflow.getVersion} gates
     * ({@code gate}; none for dissect, which every release ran) are read at the start; a new
     * step takes the next number, so histories recorded before it replay without it.
     * {@code upstream}: the steps whose results (of the same layer) it reads; {@code required}:
     * whether it runs only when they run, else it gets those of them that ran. {@code needs}:
     * what else the spec must give it; {@code total}: its work on the timeline before it runs.
     */
    private record Step(String name, int since, String gate, boolean perLayer, List<String> upstream, boolean required,
            Predicate<ExperimentSpec> needs, ToLongFunction<ExperimentSpec> total, Run run) {

        Step gated(int order, String changeId) {
            return new Step(name, order, changeId, perLayer, upstream, required, needs, total, run);
        }

        /** Run once per experiment, not per layer (its layer is ""). */
        Step once() {
            return new Step(name, since, gate, false, upstream, required, needs, total, run);
        }

        /** Runs only when these steps run, and reads their results. */
        Step after(String... steps) {
            return new Step(name, since, gate, perLayer, List.of(steps), true, needs, total, run);
        }

        /** Reads the results of those of these steps that ran. */
        Step reads(String... steps) {
            return new Step(name, since, gate, perLayer, List.of(steps), false, needs, total, run);
        }

        Step needs(Predicate<ExperimentSpec> p) {
            return new Step(name, since, gate, perLayer, upstream, required, p, total, run);
        }

        Step total(ToLongFunction<ExperimentSpec> t) {
            return new Step(name, since, gate, perLayer, upstream, required, needs, t, run);
        }
    }

    /** A step run per layer, with no gate, no upstream, no needs and nothing to show on the timeline before it runs. */
    private static Step step(String name, Run run) {
        return new Step(name, 0, null, true, List.of(), true, spec -> true, spec -> 0, run);
    }

    private static final Predicate<ExperimentSpec> CLASSES = spec -> !spec.classesOfInterest().isEmpty();

    /** The steps in the order they run (keys are recorded in this order too). */
    private final List<Step> plan = List.of(
            // totals as the activities count the work, so the timeline's total is fixed at launch: dissect counts its threshold
            // pass twice (generating, then selecting) before the evaluation images; artifacts 4 phases + 3 ablation sizes
            step("dissect", (spec, layer, in) -> dissectLayer(spec.dissectTask(layer)))
                    .total(spec -> 2L * spec.thresholdSamples() + spec.samples()),
            step("intervene", (spec, layer, in) -> intervene.intervene(spec.interveneTask(layer, in.get("dissect"))))
                    .gated(3, "intervene-step").after("dissect").needs(CLASSES).total(spec -> spec.classesOfInterest().size()),
            step("optimize", (spec, layer, in) -> optimize.optimize(spec.optimizeTask(layer, in.get("dissect"))))
                    .gated(4, "optimize-step").after("dissect").needs(CLASSES).total(spec -> spec.classesOfInterest().size()),
            step("artifacts", (spec, layer, in) -> artifacts.artifacts(spec.artifactsTask(layer)))
                    .gated(5, "artifacts-step").total(spec -> 7),
            step("metrics", (spec, layer, in) -> metrics.metrics(spec.metricsTask()))
                    .gated(1, "metrics-step").once(),
            step("explain", (spec, layer, in) -> {
                // version 1 thresholds units at the dissection's own thresholds; older histories used the explain step's own quantile
                // (read once: a second read of the same change returns the recorded version)
                boolean dissectThresholds = Workflow.getVersion("explain-dissect-thresholds", Workflow.DEFAULT_VERSION, 1) >= 1
                        && in.containsKey("dissect");
                return explain.explain(dissectThresholds ? spec.explainTask(layer, in.get("dissect")) : spec.explainTask(layer));
            }).gated(2, "explain-step").reads("dissect"));

    private String progress = "queued";

    /** The reason recorded for a cancel that arrived after every step had finished. */
    public static final String LATE_CANCEL = "cancelled by a user after every step had finished: the results are complete";

    /** The step running now: its name and layer ("" for a step run once); null between steps. */
    private String[] running;

    /** The steps of the plan this run executes, in plan order; reads every step's gate, in the order the steps were added. */
    private List<Step> enabled(ExperimentSpec spec) {
        Map<String, Boolean> gated = new HashMap<>();
        plan.stream().sorted(Comparator.comparingInt(Step::since)).forEach(s -> gated.put(s.name(),
                s.gate() == null || Workflow.getVersion(s.gate(), Workflow.DEFAULT_VERSION, 1) >= 1));
        Set<String> on = new HashSet<>();
        List<Step> out = new ArrayList<>();
        for (Step s : plan) {
            if (gated.get(s.name()) && spec.runs(s.name()) && s.needs().test(spec) && (!s.required() || on.containsAll(s.upstream()))) {
                on.add(s.name());
                out.add(s);
            }
        }
        return out;
    }

    private static String keyName(String step, String layer) {
        return layer.isEmpty() ? step : step + ":" + layer;
    }

    @Override
    public List<String> run(ExperimentSpec spec) {
        List<Step> steps = enabled(spec);
        List<StepSpec> timeline = new ArrayList<>();
        for (Step s : steps) {
            for (String l : s.perLayer() ? spec.layers() : List.of("")) {
                timeline.add(new StepSpec(s.name(), l, s.total().applyAsLong(spec)));
            }
        }
        try {
            book.queueSteps(spec.experimentId(), timeline);
            book.setStatus(spec.experimentId(), "RUNNING", null);
        } catch (ActivityFailure e) {
            if (cancelled(e) && recordsCancel()) {
                recordCancel(spec.experimentId(), null, false);
            }
            throw e;
        }
        // result keys by "step:layer" ("step" for a step run once); the workflow returns them in the order they were made
        Map<String, String> keys = new HashMap<>();
        List<String> made = new ArrayList<>();
        String layer = null;
        String step = "dissect";
        try {
            for (Step s : steps) {
                step = s.name();
                for (String l : s.perLayer() ? spec.layers() : List.of("")) {
                    layer = l;
                    progress = keyName(s.name(), l).replace(':', ' ');
                    Map<String, String> upstream = new HashMap<>();
                    for (String u : s.upstream()) {
                        String k = keys.get(keyName(u, l));
                        if (k != null) {
                            upstream.put(u, k);
                        }
                    }
                    running = new String[] {s.name(), l};
                    String key = s.run().run(spec, l, upstream);
                    running = null;
                    keys.put(keyName(s.name(), l), key);
                    made.add(key);
                }
            }
            progress = "done";
            if (Workflow.getVersion("late-cancel", Workflow.DEFAULT_VERSION, 1) < 1) {
                book.setStatus(spec.experimentId(), "SUCCEEDED", null);
                return made;
            }
        } catch (CanceledFailure e) {
            if (recordsCancel()) {
                recordCancel(spec.experimentId(), running, false);
                throw e;
            }
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
            // a cancelled activity (or a bookkeeping call cut off by the cancel) arrives as an ActivityFailure whose cause is the
            // CanceledFailure; before version 1 of "cancel-bookkeeping" it took the failure path below, whose first bookkeeping
            // call was cancelled at once, so the experiment stayed RUNNING in PostgreSQL while Temporal said CANCELED (issue #28)
            if (cancelled(e) && recordsCancel()) {
                recordCancel(spec.experimentId(), running, false);
                throw e;
            }
            String message = rootMessage(e);
            String where = step + (layer == null || layer.isEmpty() ? "" : " " + layer);
            book.stepFailed(spec.experimentId(), step, layer == null ? "" : layer, "FAILED", message);
            if (Workflow.getVersion("skip-steps", Workflow.DEFAULT_VERSION, 1) >= 1) {
                book.skipQueued(spec.experimentId(), "not run: " + where + " failed");
            }
            book.setStatus(spec.experimentId(), "FAILED", where + ": " + message);
            throw ApplicationFailure.newNonRetryableFailure(where + ": " + message, "StepFailed");
        }
        // version 1 of "late-cancel": every step has finished. A cancel arriving now has nothing left to cut, but Temporal
        // ends a cancel-requested run CANCELED all the same, so PostgreSQL must say so too, after (never before) the
        // SUCCEEDED write, with a reason that says the results are complete. Before it, the SUCCEEDED call was abandoned by
        // such a cancel and could land after CANCELLED (seen in the full chaos run: a cancel aimed at the 1.5 s explain step)
        Workflow.newDetachedCancellationScope(() -> book.setStatus(spec.experimentId(), "SUCCEEDED", null)).run();
        if (CancellationScope.current().isCancelRequested()) {
            recordCancel(spec.experimentId(), null, true);
            throw new CanceledFailure(LATE_CANCEL);
        }
        return made;
    }

    /**
     * Whether this run records a cancellation in PostgreSQL through {@link #recordCancel} (version 1 of
     * "cancel-bookkeeping", read only once a cancellation arrives); histories recorded before it replay without.
     */
    private static boolean recordsCancel() {
        return Workflow.getVersion("cancel-bookkeeping", Workflow.DEFAULT_VERSION, 1) >= 1;
    }

    /** Whether the failure is (or was caused by) the workflow's cancellation. */
    private static boolean cancelled(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CanceledFailure) {
                return true;
            }
        }
        return false;
    }

    /**
     * Records the cancellation, in a scope the cancel does not reach: the step that was running
     * (if one was: {@code running} is its name and layer) CANCELLED, the steps that never
     * started SKIPPED, the experiment CANCELLED (so a platform start does not run it again).
     */
    private void recordCancel(long experimentId, String[] running, boolean late) {
        Workflow.newDetachedCancellationScope(() -> {
            if (running != null) {
                book.stepFailed(experimentId, running[0], running[1], "CANCELLED", "cancelled by a user");
            }
            book.skipQueued(experimentId, "not run: the experiment was cancelled");
            book.setStatus(experimentId, "CANCELLED", late ? LATE_CANCEL : "cancelled by a user");
        }).run();
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
