package org.ganscope.activities.explain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ganscope.activities.ModelWork;
import org.ganscope.activities.StepRunner;
import org.ganscope.activities.store.ResultKeys;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.explain.LayerExplainer;
import org.ganscope.db.ResultRepository;

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
    private final StepRunner runner;

    public ExplainActivitiesImpl(ModelWork work) {
        this.runner = new StepRunner(work);
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

    /** A layer's explanations: one row per unit, and the agreement metrics (null without a dissection). */
    record Explained(List<ResultRepository.ExplanationRow> rows, Map<String, Double> values) {
    }

    @Override
    public String explain(ExplainTask task) {
        return runner.run(() -> {
            String key = task.dissectKey() == null ? ResultKeys.of(task.bundleHash(), STEP, task.params())
                    : ResultKeys.of(task.bundleHash(), STEP, task.params(), task.dissectKey());
            StepRunner.Step<Explained> step = StepRunner.Step.<Explained>of(STEP, task.experimentId(), task.layer())
                    .bundle(task.bundleHash(), task.bundlePath()).key(key).files(".tsv", ".json");
            if (task.dissectKey() != null) {
                step.input("dissect", task.dissectKey());
            }
            return step.compute(ctx -> compute(task, ctx))
                    .encode(e -> {
                        StringBuilder text = new StringBuilder();
                        for (ResultRepository.ExplanationRow r : e.rows()) {
                            text.append(r.unit()).append('\t').append(r.formula()).append('\t').append(r.iou()).append('\n');
                        }
                        Map<String, byte[]> files = new LinkedHashMap<>();
                        files.put(".tsv", text.toString().getBytes(StandardCharsets.UTF_8));
                        files.put(".json", JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(toJson(task.layer(), e.rows(), e.values())));
                        return files;
                    })
                    .decode(files -> {
                        JsonNode result = files.json();
                        return new Explained(rows(result), metrics(result));
                    })
                    .persist((e, reused) -> {
                        ResultRepository results = runner.work().results();
                        results.replaceExplanations(task.experimentId(), task.layer(), e.rows(), key);
                        if (e.values() != null) {
                            results.replaceMetrics(task.experimentId(), STEP, task.layer(), e.values(), key);
                        }
                    });
        });
    }

    private static Explained compute(ExplainTask task, StepRunner.Context ctx) throws Exception {
        Bundle b = ctx.bundle();
        JsonNode dissection = task.dissectKey() == null ? null : ctx.input("dissect");
        double[] thresholds = dissection == null ? null : field(dissection, "threshold");
        LayerExplainer.Result r = thresholds == null
                ? LayerExplainer.explain(b, task.layer(), task.samples(), task.seed(), task.quantile(), task.beam(), task.maxLength())
                : LayerExplainer.explainAt(b, task.layer(), task.samples(), task.seed(), thresholds, task.beam(), task.maxLength());
        List<ResultRepository.ExplanationRow> rows = new ArrayList<>();
        for (int u = 0; u < r.units().length; u++) {
            var e = r.units()[u];
            rows.add(new ResultRepository.ExplanationRow(u, e.formula().render(r.conceptNames()), e.iou(),
                    e.bestSingle().render(r.conceptNames()), e.bestSingleIou(), e.formula().code(), r.thresholds()[u], r.examples()[u]));
        }
        Map<String, Double> values = null;
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
        return new Explained(rows, values);
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
