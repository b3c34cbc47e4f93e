package org.ganscope.activities;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.ganscope.activities.store.ArtifactStore;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.db.DatabaseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that runs a pipeline step's activity: inside {@link Failures#classify} it
 * builds the step's declaration, records the step (or shard) as started, reuses the result
 * when every file under its content key is already in the artifact store (else computes it,
 * under {@link Heartbeats#during}, and stores the files), then persists it (the database
 * rows), and returns the key. A step declares only its name, layer, content key, upstream
 * results by name, its files, the computation and the persistence ({@link Step}).
 *
 * <p>Encoding, storing and persisting heartbeat too (a slow write is not timed out half-way),
 * with the step's own details for a step that heartbeats itself. The computation's progress
 * feeds the watchdog of {@link Heartbeats} and the step's row on the timeline; that row is
 * cosmetic, so a failed progress write is logged and skipped ({@link #cosmetic}), never the
 * end of the attempt.
 */
public final class StepRunner {
    private static final Logger LOG = LoggerFactory.getLogger(StepRunner.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ModelWork work;

    public StepRunner(ModelWork work) {
        this.work = work;
    }

    public ModelWork work() {
        return work;
    }

    /** A step's declaration, made inside the failure classification (so a bad parameter in it is bad input). */
    public interface Declaration<R> {
        Step<R> declare() throws Exception;
    }

    /** The step's computation, given its context. */
    public interface Compute<R> {
        R compute(Context ctx) throws Exception;
    }

    /**
     * The step's files under its key (suffix to bytes, a map of one entry or a LinkedHashMap), in the order they are
     * written: a crash between them leaves the result incomplete, so it is computed again.
     */
    public interface Encode<R> {
        Map<String, byte[]> encode(R result) throws IOException;
    }

    /** The result read back from its stored files (read on demand: a step that needs none reads none). */
    public interface Decode<R> {
        R decode(Stored files) throws IOException;
    }

    /** What the step records of its result (database rows); {@code reused}: the result was already stored. */
    public interface Persist<R> {
        void persist(R result, boolean reused) throws Exception;
    }

    /** The stored files of a result, by suffix. */
    public interface Stored {
        byte[] get(String suffix) throws IOException;

        default JsonNode json() throws IOException {
            return JSON.readTree(get(".json"));
        }
    }

    /** An action of the step's bookkeeping. */
    public interface Action {
        void run() throws Exception;
    }

    /**
     * One run of a step, declared by name: {@code input}s are upstream results by step name
     * (their JSON is read with {@link Context#input}); {@code files}: the suffixes of the
     * result's files under its key; {@code phase}: the heartbeat's phase (the step's name
     * unless set; {@link #heartbeatsItself} for a step that reports its own details);
     * {@link #alwaysCompute}: a stored result is not reused; {@code startedBy}: what marks it
     * started (unless set: its row on the experiment's timeline).
     */
    public static final class Step<R> {
        private final String name;
        private final long experimentId;
        private final String layer;
        private String bundleHash;
        private String bundlePath;
        private String key;
        private final Map<String, String> inputs = new LinkedHashMap<>();
        private List<String> files = List.of();
        private String phase;
        private boolean reuse = true;
        private Action start;
        private Compute<R> compute;
        private Encode<R> encode;
        private Decode<R> decode;
        private Persist<R> persist = (r, reused) -> { };

        private Step(String name, long experimentId, String layer) {
            this.name = name;
            this.experimentId = experimentId;
            this.layer = layer;
            this.phase = name;
        }

        /** Step {@code name} of an experiment, for a layer ("" for a step run once). */
        public static <R> Step<R> of(String name, long experimentId, String layer) {
            return new Step<>(name, experimentId, layer);
        }

        public String name() {
            return name;
        }

        public Step<R> bundle(String hash, String path) {
            bundleHash = hash;
            bundlePath = path;
            return this;
        }

        public Step<R> key(String contentKey) {
            key = contentKey;
            return this;
        }

        public Step<R> input(String step, String resultKey) {
            inputs.put(step, resultKey);
            return this;
        }

        public Step<R> files(String... suffixes) {
            files = List.of(suffixes);
            return this;
        }

        public Step<R> phase(String heartbeatPhase) {
            phase = heartbeatPhase;
            return this;
        }

        public Step<R> heartbeatsItself() {
            phase = null;
            return this;
        }

        public Step<R> alwaysCompute() {
            reuse = false;
            return this;
        }

        public Step<R> startedBy(Action action) {
            start = action;
            return this;
        }

        public Step<R> compute(Compute<R> c) {
            compute = c;
            return this;
        }

        public Step<R> encode(Encode<R> e) {
            encode = e;
            return this;
        }

        public Step<R> decode(Decode<R> d) {
            decode = d;
            return this;
        }

        public Step<R> persist(Persist<R> p) {
            persist = p;
            return this;
        }

        private void check() {
            for (Object[] f : new Object[][] {{"key", key}, {"compute", compute}, {"encode", encode}, {"decode", reuse ? decode : ""}}) {
                if (f[1] == null) {
                    throw new IllegalStateException("step " + name + " declares no " + f[0]);
                }
            }
        }
    }

    /** What a computation may use: the bundle (resolved on first use), upstream results, progress on the timeline. */
    public final class Context {
        private final Step<?> step;
        private final Heartbeats.Watch watch = new Heartbeats.Watch();
        private Bundle bundle;

        private Context(Step<?> step) {
            this.step = step;
        }

        /** The step's bundle, resolved (loaded and checked, once per worker) on first use. */
        public Bundle bundle() {
            if (bundle == null) {
                bundle = work.bundles().resolve(Objects.requireNonNull(step.bundleHash, () -> "step " + step.name + " declares no bundle"),
                        step.bundlePath);
            }
            return bundle;
        }

        /** The JSON result of the upstream step {@code name}. */
        public JsonNode input(String name) throws IOException {
            String key = Objects.requireNonNull(step.inputs.get(name), () -> "step " + step.name + " declares no input " + name);
            return JSON.readTree(work.store().get(key, ".json")
                    .orElseThrow(() -> new IOException(name + " result " + key + " is missing from the artifact store")));
        }

        /** Progress on the step's timeline row (best effort) and for the stall watchdog. */
        public void progress(long done, long total) {
            watch.advanced();
            cosmetic("progress of " + step.name + " " + step.layer, () -> work.steps().progress(step.experimentId, step.name, step.layer, done, total));
        }

        public ArtifactStore store() {
            return work.store();
        }
    }

    public <R> String run(Declaration<R> declaration) {
        return Failures.classify(() -> {
            Step<R> step = declaration.declare();
            step.check();
            if (step.start != null) {
                step.start.run();
            } else {
                work.steps().start(step.experimentId, step.name, step.layer, attempt());
            }
            ArtifactStore store = work.store();
            boolean stored = step.reuse;
            for (String suffix : step.files) {
                stored = stored && store.exists(step.key, suffix);
            }
            R result;
            if (stored) { // already stored, reuse it
                result = step.decode.decode(suffix -> store.get(step.key, suffix)
                        .orElseThrow(() -> new IOException(step.name + " result " + step.key + suffix + " is missing from the artifact store")));
            } else {
                Context ctx = new Context(step);
                result = step.phase == null ? step.compute.compute(ctx)
                        : Heartbeats.during(activity(), step.phase, () -> step.phase, ctx.watch, () -> step.compute.compute(ctx));
            }
            R finished = result;
            boolean reused = stored;
            ActivityExecutionContext activity = activity();
            // a step that heartbeats itself keeps its details (a retry reads them); the others name the phase
            String phase = (step.phase == null ? step.name : step.phase) + "/store";
            java.util.function.Supplier<Object> details = step.phase == null
                    ? () -> activity.getLastHeartbeatDetails(Object.class).orElse(null) : () -> phase;
            Heartbeats.during(activity, phase, details, null, () -> {
                if (!reused) {
                    for (Map.Entry<String, byte[]> f : step.encode.encode(finished).entrySet()) {
                        store.put(step.key, f.getKey(), f.getValue());
                    }
                }
                step.persist.persist(finished, reused);
                return null;
            });
            return step.key;
        });
    }

    /**
     * Runs a write that only shows progress (a timeline row, a shard's images so far): a
     * database failure in it is logged and skipped; the real work goes on.
     */
    public static void cosmetic(String what, Runnable write) {
        try {
            write.run();
        } catch (DatabaseException e) {
            LOG.warn("{}: not recorded ({}); the work goes on", what, e.getMessage());
        }
    }

    /** This activity attempt's number (1 for the first). */
    public static int attempt() {
        return Activity.getExecutionContext().getInfo().getAttempt();
    }

    public static ActivityExecutionContext activity() {
        return Activity.getExecutionContext();
    }
}
