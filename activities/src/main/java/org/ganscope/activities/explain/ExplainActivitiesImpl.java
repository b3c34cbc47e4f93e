package org.ganscope.activities.explain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporal.activity.Activity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * mean_gain, units. A result already stored under the task's key (its rows and metrics as
 * JSON, beside the TSV of formulas) is reused, not explained again.
 */
public final class ExplainActivitiesImpl implements ExplainActivities {
    static final String STEP = "explain";
    private static final ObjectMapper JSON = new ObjectMapper();
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
            byte[] stored = store.get(key, ".json").orElse(null);
            List<ResultRepository.ExplanationRow> rows;
            Map<String, Double> values;
            if (stored != null && store.exists(key, ".tsv")) { // already stored, reuse it
                JsonNode result = JSON.readTree(stored);
                rows = rows(result);
                values = metrics(result);
            } else {
                Bundle b = bundles.resolve(task.bundleHash(), task.bundlePath());
                JsonNode dissection = task.dissectKey() == null ? null : JSON.readTree(store.get(task.dissectKey(), ".json")
                        .orElseThrow(() -> new IOException("dissection " + task.dissectKey() + " is missing from the artifact store")));
                double[] thresholds = dissection == null ? null : field(dissection, "threshold");
                LayerExplainer.Result r = Heartbeats.during(Activity.getExecutionContext(), STEP, () -> thresholds == null
                        ? LayerExplainer.explain(b, task.layer(), task.samples(), task.seed(), task.quantile(), task.beam(), task.maxLength())
                        : LayerExplainer.explainAt(b, task.layer(), task.samples(), task.seed(), thresholds, task.beam(), task.maxLength()));
                rows = new ArrayList<>();
                StringBuilder text = new StringBuilder();
                for (int u = 0; u < r.units().length; u++) {
                    var e = r.units()[u];
                    rows.add(new ResultRepository.ExplanationRow(u, e.formula().render(r.conceptNames()), e.iou(),
                            e.bestSingle().render(r.conceptNames()), e.bestSingleIou(), e.formula().code(), r.thresholds()[u], r.examples()[u]));
                    text.append(u).append('\t').append(rows.get(u).formula()).append('\t').append(e.iou()).append('\n');
                }
                values = null;
                if (dissection != null) {
                    double[] label = field(dissection, "label");
                    int[] labels = new int[label.length];
                    for (int u = 0; u < labels.length; u++) {
                        labels[u] = (int) label[u];
                    }
                    LayerExplainer.Agreement a = LayerExplainer.agreement(r, labels);
                    values = new LinkedHashMap<>();
                    values.put("label_agreement_share", a.agreeShare());
                    values.put("compound_gain_share|" + LayerExplainer.MIN_GAIN, a.gainedShare());
                    values.put("mean_gain", a.meanGain());
                    values.put("units", (double) a.units());
                }
                store.put(key, ".tsv", text.toString().getBytes(StandardCharsets.UTF_8));
                store.put(key, ".json", JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(toJson(task.layer(), rows, values)));
            }
            results.replaceExplanations(task.experimentId(), task.layer(), rows, key);
            if (values != null) {
                results.replaceMetrics(task.experimentId(), STEP, task.layer(), values, key);
            }
            return key;
        });
    }

    /**
     * The stored result, so that a re-run records the same rows and metrics without explaining
     * again: {@code {"schema", "layer", "units": [{"unit", "formula", "iou", "best_single",
     * "best_single_iou", "formula_code", "threshold", "examples"}, ...], "metrics": {...}}}
     * ("metrics" only with a dissection). JSON has no NaN or Infinity: a non-finite number is
     * written as null and read back as NaN.
     */
    static ObjectNode toJson(String layer, List<ResultRepository.ExplanationRow> rows, Map<String, Double> values) {
        ObjectNode root = JSON.createObjectNode().put("schema", "ganscope.explain/1").put("layer", layer);
        ArrayNode units = root.putArray("units");
        for (ResultRepository.ExplanationRow r : rows) {
            ObjectNode u = units.addObject().put("unit", r.unit()).put("formula", r.formula());
            number(u, "iou", r.iou());
            u.put("best_single", r.bestSingle());
            number(u, "best_single_iou", r.bestSingleIou());
            u.put("formula_code", r.formulaCode());
            number(u, "threshold", r.threshold());
            ArrayNode examples = u.putArray("examples");
            for (long x : r.examples()) {
                examples.add(x);
            }
        }
        if (values != null) {
            ObjectNode m = root.putObject("metrics");
            values.forEach((k, v) -> number(m, k, v));
        }
        return root;
    }

    private static void number(ObjectNode node, String name, double v) {
        if (Double.isFinite(v)) {
            node.put(name, v);
        } else {
            node.putNull(name);
        }
    }

    private static double number(JsonNode v) {
        return v.isNull() ? Double.NaN : v.asDouble();
    }

    /** The explanation rows of a stored result. */
    static List<ResultRepository.ExplanationRow> rows(JsonNode result) {
        List<ResultRepository.ExplanationRow> rows = new ArrayList<>();
        for (JsonNode u : result.get("units")) {
            JsonNode ex = u.get("examples");
            long[] examples = new long[ex.size()];
            for (int i = 0; i < examples.length; i++) {
                examples[i] = ex.get(i).asLong();
            }
            rows.add(new ResultRepository.ExplanationRow(u.get("unit").asInt(), u.get("formula").asText(), number(u.get("iou")),
                    u.get("best_single").asText(), number(u.get("best_single_iou")), u.get("formula_code").asText(), number(u.get("threshold")),
                    examples));
        }
        return rows;
    }

    /** The metrics of a stored result, in their order; null when it has none (explained without a dissection). */
    static Map<String, Double> metrics(JsonNode result) {
        JsonNode m = result.get("metrics");
        if (m == null) {
            return null;
        }
        Map<String, Double> values = new LinkedHashMap<>();
        m.fields().forEachRemaining(f -> values.put(f.getKey(), number(f.getValue())));
        return values;
    }
}
