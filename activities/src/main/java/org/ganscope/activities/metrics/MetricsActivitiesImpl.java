package org.ganscope.activities.metrics;

import io.temporal.activity.Activity;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ganscope.activities.BundleResolver;
import org.ganscope.activities.ModelWork;
import org.ganscope.activities.Failures;
import org.ganscope.activities.store.ArtifactStore;
import org.ganscope.activities.store.ResultKeys;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.metrics.SampleMetrics;
import org.ganscope.db.ResultRepository;
import org.ganscope.db.StepRepository;

public final class MetricsActivitiesImpl implements MetricsActivities {
    static final String STEP = "metrics";
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
            Bundle b = bundles.resolve(task.bundleHash(), task.bundlePath());
            SampleMetrics m = SampleMetrics.compute(b, task.layer(), new int[0], task.samples(), task.seed(), 32);
            Map<String, Double> values = new LinkedHashMap<>();
            values.put("domain_fd", m.domainFd());
            values.put("swd", m.swd().mean());
            values.put("precision", m.prdc().precision());
            values.put("recall", m.prdc().recall());
            values.put("density", m.prdc().density());
            values.put("coverage", m.prdc().coverage());
            StringBuilder json = new StringBuilder("{");
            values.forEach((k, v) -> json.append(json.length() > 1 ? ", " : "").append('"').append(k).append("\": ").append(v));
            store.put(key, ".json", json.append('}').toString().getBytes(StandardCharsets.UTF_8));
            results.replaceMetrics(task.experimentId(), STEP, "", values, key);
            return key;
        });
    }
}
