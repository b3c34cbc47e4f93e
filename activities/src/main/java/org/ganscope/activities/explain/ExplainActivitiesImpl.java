package org.ganscope.activities.explain;

import io.temporal.activity.Activity;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.ganscope.activities.BundleResolver;
import org.ganscope.activities.ModelWork;
import org.ganscope.activities.Failures;
import org.ganscope.activities.Heartbeats;
import org.ganscope.activities.store.ArtifactStore;
import org.ganscope.activities.store.ResultKeys;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.explain.LayerExplainer;
import org.ganscope.db.ResultRepository;
import org.ganscope.db.StepRepository;

public final class ExplainActivitiesImpl implements ExplainActivities {
    static final String STEP = "explain";
    private final BundleResolver bundles;
    private final ArtifactStore store;
    private final StepRepository steps;
    private final ResultRepository results;

    public ExplainActivitiesImpl(ModelWork work) {
        this.bundles = work.bundles();
        this.store = work.store();
        this.steps = work.steps();
        this.results = work.results();
    }

    @Override
    public String explain(ExplainTask task) {
        return Failures.classify(() -> {
            steps.start(task.experimentId(), STEP, task.layer(), Activity.getExecutionContext().getInfo().getAttempt());
            String key = ResultKeys.of(task.bundleHash(), STEP, task.params());
            Bundle b = bundles.resolve(task.bundleHash(), task.bundlePath());
            LayerExplainer.Result r = Heartbeats.during(Activity.getExecutionContext(), STEP, () -> LayerExplainer.explain(b, task.layer(),
                    task.samples(), task.seed(), task.quantile(), task.beam(), task.maxLength()));
            List<ResultRepository.ExplanationRow> rows = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            for (int u = 0; u < r.units().length; u++) {
                var e = r.units()[u];
                rows.add(new ResultRepository.ExplanationRow(u, e.formula().render(r.conceptNames()), e.iou(),
                        e.bestSingle().render(r.conceptNames()), e.bestSingleIou(), e.formula().code(), r.thresholds()[u], r.examples()[u]));
                text.append(u).append('\t').append(rows.get(u).formula()).append('\t').append(e.iou()).append('\n');
            }
            store.put(key, ".tsv", text.toString().getBytes(StandardCharsets.UTF_8));
            results.replaceExplanations(task.experimentId(), task.layer(), rows, key);
            return key;
        });
    }
}
