package org.ganscope.services.experiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
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
        String name = r.name() == null || r.name().isBlank() ? "experiment" : r.name().trim();
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
        List<String> layers = r.layers() == null || r.layers().isEmpty()
                ? List.of(bundle.manifest().layers().get(bundle.manifest().layers().size() / 2).name()) : r.layers();
        for (String l : layers) {
            bundle.layer(l);
        }
        int samples = range("samples", r.samples(), 1000, 1, 1_000_000);
        int thresholdSamples = range("thresholdSamples", r.thresholdSamples(), Math.min(samples, 500), 1, 5000);
        int shards = range("shards", r.shards(), Math.max(1, Math.min(8, samples / 250)), 1, Math.min(64, samples));
        int topK = range("topK", r.topK(), 8, 1, 100);
        long seed = r.seed() == null ? 0 : r.seed();
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
            start(made.id(), spec.withId(made.id()));
        }
        return new Launched(made.id(), made.created());
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
        ExperimentSpec spec;
        try {
            spec = JSON.readValue(e.paramsJson(), ExperimentSpec.class).withId(id);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("stored parameters of experiment " + id + " are unreadable", ex);
        }
        experiments.setStatus(id, "QUEUED", null);
        start(id, spec);
    }

    public void cancel(long id) {
        var e = experiments.get(id).orElseThrow(() -> new NotFound("no experiment " + id));
        if (!e.status().equals("QUEUED") && !e.status().equals("RUNNING")) {
            throw new Conflict("experiment " + id + " is " + e.status() + "; only QUEUED or RUNNING experiments can be cancelled");
        }
        client.newUntypedWorkflowStub(workflowId(id)).cancel();
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
