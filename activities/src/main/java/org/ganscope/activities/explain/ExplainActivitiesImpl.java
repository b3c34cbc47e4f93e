package org.ganscope.activities.explain;

import com.fasterxml.jackson.databind.JsonNode;
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

/**
 * Explanations of a layer's units. With the task's dissect key, units are thresholded at the
 * dissection's own thresholds (so the single-concept IoUs are the dissection's), and the
 * step also records metrics: label_agreement_share (best single concept = the dissection's
 * label), compound_gain_share|0.02 (best formula beats the best single label by >= 0.02 IoU),
 * mean_gain, units.
 */
public final class ExplainActivitiesImpl implements ExplainActivities {
    static final String STEP = "explain";
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
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

    /** Per unit the numeric field {@code name} of a dissect.json's "units". */
    static double[] field(JsonNode dissection, String name) {
        JsonNode units = dissection.get("units");
        double[] out = new double[units.size()];
        for (int u = 0; u < out.length; u++) {
            out[u] = units.get(u).get(name).asDouble();
        }
        return out;
    }

    @Override
    public String explain(ExplainTask task) {
        return Failures.classify(() -> {
            steps.start(task.experimentId(), STEP, task.layer(), Activity.getExecutionContext().getInfo().getAttempt());
            String key = task.dissectKey() == null ? ResultKeys.of(task.bundleHash(), STEP, task.params())
                    : ResultKeys.of(task.bundleHash(), STEP, task.params(), task.dissectKey());
            Bundle b = bundles.resolve(task.bundleHash(), task.bundlePath());
            JsonNode dissection = task.dissectKey() == null ? null : JSON.readTree(store.get(task.dissectKey(), ".json")
                    .orElseThrow(() -> new java.io.IOException("dissection " + task.dissectKey() + " is missing from the artifact store")));
            double[] thresholds = dissection == null ? null : field(dissection, "threshold");
            LayerExplainer.Result r = Heartbeats.during(Activity.getExecutionContext(), STEP, () -> thresholds == null
                    ? LayerExplainer.explain(b, task.layer(), task.samples(), task.seed(), task.quantile(), task.beam(), task.maxLength())
                    : LayerExplainer.explainAt(b, task.layer(), task.samples(), task.seed(), thresholds, task.beam(), task.maxLength()));
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
            if (dissection != null) {
                double[] label = field(dissection, "label");
                int[] labels = new int[label.length];
                for (int u = 0; u < labels.length; u++) {
                    labels[u] = (int) label[u];
                }
                LayerExplainer.Agreement a = LayerExplainer.agreement(r, labels);
                java.util.Map<String, Double> values = new java.util.LinkedHashMap<>();
                values.put("label_agreement_share", a.agreeShare());
                values.put("compound_gain_share|" + LayerExplainer.MIN_GAIN, a.gainedShare());
                values.put("mean_gain", a.meanGain());
                values.put("units", (double) a.units());
                results.replaceMetrics(task.experimentId(), STEP, task.layer(), values, key);
            }
            return key;
        });
    }
}
