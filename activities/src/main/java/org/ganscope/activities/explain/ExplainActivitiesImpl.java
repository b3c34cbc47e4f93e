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
import org.ganscope.analysis.explain.Formula;
import org.ganscope.analysis.explain.HeldOut;
import org.ganscope.analysis.explain.LayerExplainer;
import org.ganscope.db.ResultRepository;

/**
 * Explanations of a layer's units, searched on the even samples and judged on the odd ones
 * (analysis HeldOut). Per unit the rows carry the search-half IoUs of the formula and the
 * best single concept and their held-out IoUs; the step records metrics: the share of units
 * whose held-out gain is >= 0.02 with its bootstrap interval over held-out images
 * (held_out_gain_share|0.02, held_out_gain_share_ci_low|0.02, held_out_gain_share_ci_high|0.02),
 * held_out_mean_gain, how many formulas use AND, AND NOT, OR (formulas_and, formulas_and_not,
 * formulas_or) and units. With the task's dissect key, units are thresholded at the
 * dissection's own thresholds, and label_agreement_share (best single concept = the
 * dissection's label) is recorded too. A result already stored under the task's key (its rows
 * and metrics as JSON, beside the TSV of formulas) is reused, not explained again.
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

    /** A layer's explanations: one row per unit, and the step's metrics (null in results stored before the held-out split). */
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
                        if (e.values() != null) { // results stored before the held-out split without a dissection have none
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
            var h = r.heldOut()[u];
            rows.add(new ResultRepository.ExplanationRow(u, e.formula().render(r.conceptNames()), e.iou(),
                    e.bestSingle().render(r.conceptNames()), e.bestSingleIou(), e.formula().code(), r.thresholds()[u], r.examples()[u],
                    h.iou(), h.singleIou()));
        }
        HeldOut.Summary s = r.summary();
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("held_out_gain_share|" + HeldOut.MIN_GAIN, s.share());
        values.put("held_out_gain_share_ci_low|" + HeldOut.MIN_GAIN, s.shareLow());
        values.put("held_out_gain_share_ci_high|" + HeldOut.MIN_GAIN, s.shareHigh());
        values.put("held_out_mean_gain", s.meanGain());
        values.put("formulas_and", (double) r.using(Formula.Op.AND));
        values.put("formulas_and_not", (double) r.using(Formula.Op.AND_NOT));
        values.put("formulas_or", (double) r.using(Formula.Op.OR));
        values.put("units", (double) s.units());
        if (dissection != null) {
            double[] label = field(dissection, "label");
            int[] labels = new int[label.length];
            for (int u = 0; u < labels.length; u++) {
                labels[u] = (int) label[u];
            }
            values.put("label_agreement_share", LayerExplainer.agreement(r, labels).agreeShare());
        }
        return new Explained(rows, values);
    }

    /**
     * The stored result, so that a re-run records the same rows and metrics without explaining
     * again: {@code {"schema", "layer", "units": [{"unit", "formula", "iou", "best_single",
     * "best_single_iou", "formula_code", "threshold", "examples", "held_out_iou",
     * "held_out_single_iou"}, ...], "metrics": {...}}} (schema ganscope.explain/2; "iou" and
     * "best_single_iou" are search-half IoUs). JSON has no NaN or Infinity: a non-finite number
     * is written as null and read back as NaN (the held-out IoUs as null, as the database keeps them).
     */
    static ObjectNode toJson(String layer, List<ResultRepository.ExplanationRow> rows, Map<String, Double> values) {
        ObjectNode root = JSON.createObjectNode().put("schema", "ganscope.explain/2").put("layer", layer);
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
            number(u, "held_out_iou", r.heldOutIou() == null ? Double.NaN : r.heldOutIou());
            number(u, "held_out_single_iou", r.heldOutSingleIou() == null ? Double.NaN : r.heldOutSingleIou());
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

    /** A number that may be absent (results stored before the held-out split) or null: null. */
    private static Double optional(JsonNode v) {
        return v == null || v.isNull() ? null : v.asDouble();
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
                    examples, optional(u.get("held_out_iou")), optional(u.get("held_out_single_iou"))));
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
