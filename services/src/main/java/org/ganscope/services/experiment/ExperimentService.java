package org.ganscope.services.experiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ganscope.activities.TaskQueues;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.db.BundleRepository;
import org.ganscope.db.ExperimentRepository;
import org.ganscope.db.StepRepository;
import org.ganscope.workflows.experiment.ExperimentSpec;
import org.ganscope.workflows.experiment.ExperimentWorkflow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;

/**
 * Launch, cancel and resume experiments. A launch is validated (bundle, layers, counts,
 * method), recorded in Postgres, then started as workflow "experiment-ID". At start,
 * experiments still QUEUED or RUNNING in Postgres are checked against Temporal: with a
 * durable server (the CLI's dev server or an external cluster) the still-running
 * workflow is kept and continues from its history; only where the server has forgotten
 * it (the in-memory fallback) is it started again under the same workflow id, reusing
 * finished shards and steps from the artifact store.
 */
@Service
public class ExperimentService {
    private static final Logger LOG = LoggerFactory.getLogger(ExperimentService.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ExperimentRepository experiments;
    private final BundleRepository bundles;
    private final StepRepository steps;
    private final WorkflowClient client;
    private final boolean resumeOnStart;

    public ExperimentService(ExperimentRepository experiments, BundleRepository bundles, StepRepository steps, WorkflowClient client,
            @Value("${ganscope.resume-on-start:true}") boolean resumeOnStart) {
        this.experiments = experiments;
        this.bundles = bundles;
        this.steps = steps;
        this.client = client;
        this.resumeOnStart = resumeOnStart;
    }

    /** The statuses an experiment can have, in the order of its life. */
    public static final List<String> STATUSES = ExperimentRepository.STATUSES;

    /** The experiment, if it exists. */
    public Optional<ExperimentSummary> find(long id) {
        return experiments.get(id).map(ExperimentSummary::of);
    }

    /** A page of the experiments matching the filter, in its order. */
    public List<ExperimentSummary> list(ExperimentFilter filter, int offset, int limit) {
        return experiments.list(filter.query(), offset, limit).stream().map(ExperimentSummary::of).toList();
    }

    /** How many experiments match the filter. */
    public int count(ExperimentFilter filter) {
        return experiments.count(filter.query());
    }

    /** The experiment's step timeline, in the order the steps were queued. */
    public List<StepSummary> steps(long id) {
        return steps.list(id).stream().map(StepSummary::of).toList();
    }

    public long launch(LaunchRequest r, String user) {
        return launch(r, user, null).id();
    }

    /** A launch's outcome: {@code created} false when an earlier request with the same idempotency key made the experiment. */
    public record Launched(long id, boolean created) {
    }

    /**
     * Validates and launches. With an idempotency key (the REST API's Idempotency-Key
     * header), a repeated request of the same user returns the experiment the first one
     * created and starts nothing.
     */
    public Launched launch(LaunchRequest r, String user, String idempotencyKey) {
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 200)) {
            throw new IllegalArgumentException("Idempotency-Key must be 1 to 200 characters");
        }
        if (r == null) {
            throw new IllegalArgumentException("a launch request is required");
        }
        if (r.name() != null && r.name().isBlank()) {
            throw new IllegalArgumentException("name must not be blank (leave it out for the default name \"experiment\")");
        }
        String name = r.name() == null ? "experiment" : r.name().trim();
        if (name.length() > 200) {
            throw new IllegalArgumentException("name is longer than 200 characters");
        }
        if (r.bundle() == null || r.bundle().isBlank()) {
            throw new IllegalArgumentException("bundle is required (a registered bundle's name or hash)");
        }
        BundleRepository.BundleRow row = bundles.all().stream()
                .filter(b -> b.name().equals(r.bundle()) || b.hash().equals(r.bundle())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown bundle '" + r.bundle() + "'"));
        Bundle bundle = BundleLoader.load(Path.of(row.path()));
        List<String> offered = bundle.manifest().layers().stream().map(x -> x.name()).toList();
        if (r.layers() == null || r.layers().isEmpty()) {
            throw new IllegalArgumentException("layers is required: name at least one layer of " + bundle.name() + " to dissect, e.g. [\""
                    + offered.get(offered.size() / 2) + "\"]; its layers: " + String.join(", ", offered));
        }
        List<String> layers = r.layers();
        for (String l : layers) {
            if (l == null || l.isBlank()) {
                throw new IllegalArgumentException("layers has an empty entry; layers of " + bundle.name() + ": " + String.join(", ", offered));
            }
            bundle.layer(l);
            if (layers.indexOf(l) != layers.lastIndexOf(l)) {
                throw new IllegalArgumentException("layers lists '" + l + "' more than once");
            }
        }
        int samples = range("samples", r.samples(), 1000, 1, 1_000_000);
        int thresholdSamples = range("thresholdSamples", r.thresholdSamples(), Math.min(samples, 500), 1, 5000);
        int shards = range("shards", r.shards(), Math.max(1, Math.min(8, samples / 250)), 1, Math.min(64, samples));
        int topK = range("topK", r.topK(), 8, 1, 100);
        long seed = r.seed() == null ? 0 : r.seed();
        if (seed < 0) {
            throw new IllegalArgumentException("seed must be 0 or more, got " + seed);
        }
        if (seed == Long.MAX_VALUE) {
            throw new IllegalArgumentException("seed must be below " + Long.MAX_VALUE + " (the threshold set uses seed + 1)");
        }
        String method = r.method() == null ? "iqr" : r.method().toLowerCase(Locale.ROOT);
        if (!method.equals("iqr") && !method.equals("quantile")) {
            throw new IllegalArgumentException("method must be iqr or quantile, got '" + r.method() + "'");
        }
        double q = r.quantile() == null ? 0.01 : r.quantile();
        if (!(q > 0 && q < 1)) {
            throw new IllegalArgumentException("quantile must be in (0, 1), got " + q);
        }
        List<String> tags = r.tags() == null ? List.of() : r.tags();
        if (tags.size() > 20 || tags.stream().anyMatch(t -> t == null || t.isBlank() || t.length() > 64)) {
            throw new IllegalArgumentException("at most 20 tags of 1 to 64 characters");
        }
        if (r.steps() != null && r.steps().isEmpty()) {
            throw new IllegalArgumentException("choose at least one step of " + String.join(", ", ExperimentSpec.STEPS) + " (or leave steps out for dissect and metrics)");
        }
        List<String> steps = r.steps() == null ? List.of("dissect", "metrics") : r.steps(); // the other steps are opt-in
        for (String st : steps) {
            if (!ExperimentSpec.STEPS.contains(st)) {
                throw new IllegalArgumentException("unknown step '" + st + "'; steps offered: " + String.join(", ", ExperimentSpec.STEPS));
            }
        }
        List<String> classes = r.classes() == null ? List.of() : r.classes();
        List<String> known = bundle.manifest().classes().stream().skip(1).map(c -> c.name()).toList();
        for (String c : classes) {
            if (!known.contains(c)) {
                throw new IllegalArgumentException("unknown class '" + c + "' for " + bundle.name() + "; classes: " + String.join(", ", known));
            }
        }
        if (classes.size() > 10 || classes.stream().distinct().count() != classes.size()) {
            throw new IllegalArgumentException("at most 10 distinct classes of interest");
        }
        for (String st : List.of("metrics", "artifacts")) {
            if (steps.contains(st) && samples < 2) {
                throw new IllegalArgumentException("samples must be at least 2 for the " + st + " step (a covariance needs two samples), got " + samples);
            }
        }
        for (String st : List.of("intervene", "optimize")) {
            if (steps.contains(st) && (classes.isEmpty() || !steps.contains("dissect"))) {
                throw new IllegalArgumentException("the " + st + " step needs the dissect step and at least one class of interest");
            }
        }
        if (steps.contains("optimize")) {
            for (String l : layers) {
                if (bundle.layer(l).torchscript() == null) {
                    throw new IllegalArgumentException("the optimize step needs the bundle's TorchScript of the layer; " + bundle.name()
                            + " has it for " + String.join(", ", bundle.manifest().layers().stream().filter(x -> x.torchscript() != null).map(x -> x.name()).toList()));
                }
            }
        }
        // the later steps' sample counts and seeds are fixed now, in the stored spec, so that a running experiment replays with them
        ExperimentSpec spec = ExperimentSpec.builder().bundle(bundle.hash(), bundle.dir().toString()).layers(layers).samples(samples).seed(seed)
                .thresholds(thresholdSamples, seed + 1).method(method).quantile(q).topK(topK).batch(16).shards(shards).steps(steps).classes(classes)
                .stepParams(ExperimentSpec.StepParams.at(samples, seed)).build();
        ExperimentRepository.Created made;
        try {
            made = experiments.create(name, row.id(), JSON.writeValueAsString(spec), user, tags, idempotencyKey);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        if (made.created()) {
            startOrFail(made.id(), spec.withId(made.id()));
        } else {
            requireSameRequest(made.id(), idempotencyKey, name, spec);
            // a replay: if the first request recorded the experiment but its workflow never started (the start failed, or it
            // failed before its row was marked), start it now; a replay that cannot start it either says so, like the first
            var e = experiments.get(made.id()).orElseThrow(() -> new NotFound("no experiment " + made.id()));
            if (e.workflowId() == null && (e.status().equals("QUEUED") || e.status().equals("FAILED"))) {
                if (e.status().equals("FAILED")) {
                    experiments.setStatus(e.id(), "QUEUED", null);
                }
                startOrFail(e.id(), storedSpec(e));
            }
        }
        return new Launched(made.id(), made.created());
    }

    /**
     * A replayed Idempotency-Key must come with the request it was first used for (the same
     * name and parameters after defaults); another request under the same key is refused
     * rather than answered with the first one's experiment.
     */
    private void requireSameRequest(long id, String key, String name, ExperimentSpec spec) {
        var e = experiments.get(id).orElseThrow(() -> new NotFound("no experiment " + id));
        boolean same;
        try {
            same = e.name().equals(name) && JSON.readTree(e.paramsJson()).equals(JSON.readTree(JSON.writeValueAsString(spec)));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("stored parameters of experiment " + id + " are unreadable", ex);
        }
        if (!same) {
            throw new IdempotencyKeyReused("Idempotency-Key '" + key + "' was already used for experiment " + id
                    + " with a different request; send a new key for a new launch (or the same request to replay it)", id);
        }
    }

    private static ExperimentSpec storedSpec(ExperimentRepository.ExperimentRow e) {
        try {
            return JSON.readValue(e.paramsJson(), ExperimentSpec.class).withId(e.id());
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("stored parameters of experiment " + e.id() + " are unreadable", ex);
        }
    }

    /**
     * Starts the recorded experiment's workflow; if that fails (Temporal unreachable, the
     * request refused) the experiment is marked FAILED with the reason, so it neither waits
     * QUEUED forever nor blocks a retry, and {@link StartFailed} says so. If even that mark
     * cannot be written, the row stays QUEUED without a workflow, which the next platform
     * start starts (or fails with the reason).
     */
    private void startOrFail(long id, ExperimentSpec spec) {
        try {
            start(id, spec);
        } catch (RuntimeException ex) {
            String reason = "the workflow could not be started: " + describe(ex);
            LOG.warn("experiment {}: {}", id, reason);
            try {
                experiments.endIfOpen(id, "FAILED", reason);
            } catch (RuntimeException db) {
                ex.addSuppressed(db);
            }
            throw new StartFailed("experiment " + id + " was recorded, but " + reason + "; retry it (or repeat the launch with the same Idempotency-Key)", id, ex);
        }
    }

    /** What went wrong, from the causes' messages (the SDK's own exception names only the workflow): "UNAVAILABLE: io exception: Connection refused ...". */
    private static String describe(Throwable ex) {
        List<String> parts = new ArrayList<>();
        for (Throwable t = ex.getCause() == null ? ex : ex.getCause(); t != null; t = t.getCause()) {
            String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (parts.isEmpty() || !parts.get(parts.size() - 1).contains(m)) {
                parts.add(m);
            }
        }
        return String.join(": ", parts);
    }

    /** Replaces an experiment's notes and tags (validated like a launch's tags). */
    public void annotate(long id, String notes, List<String> tags) {
        experiments.get(id).orElseThrow(() -> new NotFound("no experiment " + id));
        if (notes != null && notes.length() > 10_000) {
            throw new IllegalArgumentException("notes are at most 10,000 characters");
        }
        if (tags.size() > 20 || tags.stream().anyMatch(t -> t == null || t.isBlank() || t.length() > 64)) {
            throw new IllegalArgumentException("at most 20 tags of 1 to 64 characters");
        }
        experiments.setNotes(id, notes == null ? "" : notes);
        experiments.setTags(id, tags);
    }

    private static int range(String what, Integer v, int def, int min, int max) {
        int x = v == null ? def : v;
        if (x < min || x > max) {
            throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ", got " + x);
        }
        return x;
    }

    public static String workflowId(long id) {
        return "experiment-" + id;
    }

    /** Starts the experiment's workflow; false if Temporal still runs it (a durable server kept it across a restart). */
    private boolean start(long id, ExperimentSpec spec) {
        ExperimentWorkflow wf = client.newWorkflowStub(ExperimentWorkflow.class, WorkflowOptions.newBuilder()
                .setTaskQueue(TaskQueues.WORKFLOWS).setWorkflowId(workflowId(id))
                .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE).build());
        try {
            WorkflowClient.start(wf::run, spec);
            experiments.setWorkflowId(id, workflowId(id));
            return true;
        } catch (WorkflowExecutionAlreadyStarted e) {
            LOG.info("experiment {} is still running in Temporal (run {}): it continues from its history", id, e.getExecution().getRunId());
            return false;
        }
    }

    /**
     * Runs a FAILED or CANCELLED experiment again under its workflow id, with the same
     * parameters: steps and shards that finished before are reused from the artifact store.
     */
    public void retry(long id) {
        var e = experiments.get(id).orElseThrow(() -> new NotFound("no experiment " + id));
        if (!e.status().equals("FAILED") && !e.status().equals("CANCELLED")) {
            throw new Conflict("experiment " + id + " is " + e.status() + "; only FAILED or CANCELLED experiments can be retried");
        }
        ExperimentSpec spec = storedSpec(e);
        experiments.setStatus(id, "QUEUED", null);
        startOrFail(id, spec);
    }

    /**
     * Cancels a QUEUED or RUNNING experiment: its workflow records the cancel (the running step
     * CANCELLED, the rest SKIPPED, the experiment CANCELLED). Where Temporal has no open
     * workflow for it (it never started, or it ended without its bookkeeping landing) the
     * cancel is recorded here. Cancelling a CANCELLED experiment again changes nothing.
     *
     * @return false if it was already cancelled
     */
    public boolean cancel(long id) {
        var e = experiments.get(id).orElseThrow(() -> new NotFound("no experiment " + id));
        if (e.status().equals("CANCELLED")) {
            return false;
        }
        if (!e.status().equals("QUEUED") && !e.status().equals("RUNNING")) {
            throw new Conflict("experiment " + id + " is " + e.status() + "; only QUEUED or RUNNING experiments can be cancelled");
        }
        // the server accepts a cancel of a closed workflow and changes nothing, so ask first whether one is open
        var open = temporalStatus(id).filter(st -> st == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
        if (open.isPresent()) {
            try {
                client.newUntypedWorkflowStub(workflowId(id)).cancel();
                return true;
            } catch (WorkflowNotFoundException ex) {
                // it closed meanwhile
            }
        }
        LOG.info("experiment {} has no open workflow: its cancel is recorded without one", id);
        recordCancelled(id);
        return true;
    }

    /** Records a cancel that no workflow records: running steps CANCELLED, queued ones SKIPPED, the experiment CANCELLED. */
    private void recordCancelled(long id) {
        if (experiments.endIfOpen(id, "CANCELLED", "cancelled by a user")) {
            steps.cancelRunning(id, "cancelled by a user");
            steps.skipQueued(id, "not run: the experiment was cancelled");
        }
    }

    /**
     * The status of the experiment's latest workflow run on the Temporal server, or empty if
     * the server has none (the in-memory server after a restart, or it never started).
     */
    private Optional<WorkflowExecutionStatus> temporalStatus(long id) {
        try {
            return Optional.of(client.newUntypedWorkflowStub(workflowId(id)).describe().getStatus());
        } catch (WorkflowNotFoundException ex) {
            return Optional.empty();
        } catch (io.grpc.StatusRuntimeException ex) {
            if (ex.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND) {
                return Optional.empty();
            }
            throw ex;
        }
    }

    @EventListener(ApplicationReadyEvent.class)
    public void resumeUnfinished() {
        if (!resumeOnStart) {
            return; // extra workers leave that to the node that orchestrates
        }
        List<ExperimentRepository.ExperimentRow> open = new ArrayList<>();
        for (String status : List.of("QUEUED", "RUNNING")) {
            open.addAll(experiments.list(new ExperimentRepository.Query(null, status, null, null, null, "id", true), 0, 100_000));
        }
        for (var e : open) {
            try {
                // a workflow the server ended as cancelled is not run again (its cancel did not reach PostgreSQL: record it now)
                if (e.workflowId() != null && temporalStatus(e.id()).orElse(null) == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED) {
                    LOG.info("experiment {} ({}) was cancelled in Temporal: recorded as CANCELLED, not started again", e.id(), e.name());
                    recordCancelled(e.id());
                    continue;
                }
                ExperimentSpec spec = JSON.readValue(e.paramsJson(), ExperimentSpec.class).withId(e.id());
                if (start(e.id(), spec)) {
                    LOG.info("started experiment {} ({}) again: the Temporal server had no running workflow for it", e.id(), e.name());
                }
            } catch (Exception ex) {
                LOG.warn("cannot resume experiment {}: {}", e.id(), ex.getMessage());
                experiments.setStatus(e.id(), "FAILED", "could not be resumed after a restart: " + ex.getMessage());
            }
        }
    }

    /** The experiment was recorded (and is now FAILED with the reason) but its workflow could not be started (HTTP 503). */
    public static class StartFailed extends RuntimeException {
        private final long id;

        public StartFailed(String message, long id, Throwable cause) {
            super(message, cause);
            this.id = id;
        }

        public long id() {
            return id;
        }
    }

    /** An Idempotency-Key sent again with a different request (HTTP 422): names the key and the experiment it made. */
    public static class IdempotencyKeyReused extends RuntimeException {
        private final long id;

        public IdempotencyKeyReused(String message, long id) {
            super(message);
            this.id = id;
        }

        public long id() {
            return id;
        }
    }

    /** An action the resource's state does not allow (HTTP 409). */
    public static class Conflict extends RuntimeException {
        public Conflict(String message) {
            super(message);
        }
    }

    /** A missing resource (HTTP 404). */
    public static class NotFound extends RuntimeException {
        public NotFound(String message) {
            super(message);
        }
    }
}
