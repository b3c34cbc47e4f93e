package org.ganscope.activities.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporal.activity.Activity;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ganscope.activities.BundleResolver;
import org.ganscope.activities.ModelWork;
import org.ganscope.activities.Failures;
import org.ganscope.activities.Heartbeats;
import org.ganscope.activities.store.ArtifactStore;
import org.ganscope.activities.store.ResultKeys;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.metrics.SampleMetrics;
import org.ganscope.db.ResultRepository;
import org.ganscope.db.StepRepository;

public final class MetricsActivitiesImpl implements MetricsActivities {
    static final String STEP = "metrics";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final BundleResolver bundles;
    private final ArtifactStore store;
    private final StepRepository steps;
    private final ResultRepository results;

    public MetricsActivitiesImpl(ModelWork work) {
        this.bundles = work.bundles();
        this.store = work.store();
        this.steps = work.steps();
        this.results = work.results();
    }

    @Override
    public String metrics(MetricsTask task) {
        return Failures.classify(() -> {
            steps.start(task.experimentId(), STEP, "", Activity.getExecutionContext().getInfo().getAttempt());
            String key = ResultKeys.of(task.bundleHash(), STEP, task.params());
            var stored = store.get(key, ".json");
            Map<String, Double> values;
            if (stored.isPresent()) { // the same bundle, samples and seed were measured before
                values = fromJson(stored.get());
            } else {
                Bundle b = bundles.resolve(task.bundleHash(), task.bundlePath());
                SampleMetrics m = Heartbeats.during(Activity.getExecutionContext(), STEP,
                        () -> SampleMetrics.compute(b, task.layer(), new int[0], task.samples(), task.seed(), 32));
                values = new LinkedHashMap<>();
                values.put("domain_fd", m.domainFd());
                values.put("swd", m.swd().mean());
                values.put("precision", m.prdc().precision());
                values.put("recall", m.prdc().recall());
                values.put("density", m.prdc().density());
                values.put("coverage", m.prdc().coverage());
                store.put(key, ".json", toJson(values));
            }
            results.replaceMetrics(task.experimentId(), STEP, "", values, key);
            return key;
        });
    }

    /**
     * The stored result: one JSON object, a field per metric in the order measured, each finite
     * value as Jackson writes a double (the digits of {@link Double#toString(double)}). JSON has
     * no NaN or Infinity, so a non-finite value (e.g. a metric of degenerate samples) is written
     * as {@code null}.
     */
    static byte[] toJson(Map<String, Double> values) throws IOException {
        ObjectNode json = JSON.createObjectNode();
        values.forEach((k, v) -> {
            if (Double.isFinite(v)) {
                json.put(k, v);
            } else {
                json.putNull(k);
            }
        });
        return JSON.writeValueAsBytes(json);
    }

    /** The metrics of a stored result, in its order; a {@code null} (a non-finite value) reads as NaN. */
    static Map<String, Double> fromJson(byte[] json) throws IOException {
        Map<String, Double> values = new LinkedHashMap<>();
        JSON.readTree(json).fields().forEachRemaining(f -> values.put(f.getKey(), f.getValue().isNull() ? Double.NaN : f.getValue().asDouble()));
        return values;
    }
}
