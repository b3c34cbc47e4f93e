package org.ganscope.activities.metrics;

import io.temporal.activity.Activity;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
                values = new LinkedHashMap<>();
                JSON.readTree(stored.get()).fields().forEachRemaining(f -> values.put(f.getKey(), f.getValue().isNull() ? Double.NaN : f.getValue().asDouble()));
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
                ObjectNode json = JSON.createObjectNode();
                values.forEach((k, v) -> {
                    if (Double.isFinite(v)) {
                        json.put(k, v);
                    } else {
                        json.putNull(k); // JSON has no NaN
                    }
                });
                store.put(key, ".json", JSON.writeValueAsBytes(json));
            }
            results.replaceMetrics(task.experimentId(), STEP, "", values, key);
            return key;
        });
    }
}
