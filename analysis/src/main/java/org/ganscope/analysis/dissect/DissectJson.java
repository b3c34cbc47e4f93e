package org.ganscope.analysis.dissect;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a {@link LayerDissection} as dissect.json. Schema "ganscope.dissect/1":
 * <pre>
 * { "schema": "ganscope.dissect/1",
 *   "bundle": {"name", "hash"},
 *   "layer": {"name", "units", "height", "width"},
 *   "params": {"samples", "seed", "threshold_samples", "threshold_seed", "method" ("iqr"|"quantile"),
 *              "quantile", "top_k", "batch"},
 *   "images": evaluation images counted,
 *   "classes": [{"index", "name", "category", "frequency" (fraction of evaluation pixels)}],
 *   "summary": {"interpretable": n, "by_category": {"object": n, "part": n, "material": n},
 *               "by_class": {"tree": n, ...}},
 *   "units": [{"unit", "threshold", "label", "label_name", "category", "iou", "iqr",
 *              "interpretable", "label_undetermined", "top_samples": [sample indices],
 *              "top_values": [max activations]}],
 *   "iou": [[C] x U], "iqr": [[C] x U] }
 * </pre>
 * With controls ({@link UnitControls}; all dissections made since they exist) also:
 * <pre>
 *   "controls": {"held_out": {"set": "threshold", "seed", "images"}, "bootstrap": {"method": "poisson",
 *                "replicates", "seed"}, "interval": [0.025, 0.975], "rule": text},
 *   "controls": {..., "location_test": {...}, "constants": {"fdr_q", "min_lift", "null_ratio", "iqr_threshold", "iou_threshold"}},
 *   "summary": {"headline": "interpretable_controlled", "interpretable_controlled": n, "by_category_controlled": {...},
 *               "by_class_controlled": {...}, "interpretable_controlled_ci": {"object": [lo, hi], ..., "total": [lo, hi]},
 *               "beats_location": n, "decision_steps": [{"step": "without_control" | "location_uncorrected" |
 *               "location_fdr" | "controlled", "count": n, "ci": [lo, hi]}], then the SPEC fields ("without control") and "interpretable_ci": {...},
 *               "top1_rule": {"interpretable": n, "by_category": {...}}},
 *   "units": [{..., "iou_ci_low", "iou_ci_high", "null_iou", "location_iou", "location_area", "mean_area", "lift", "lift_ci_low",
 *              "lift_se" (null when undefined), "location_p", "location_q", "beats_location", "min_effect",
 *              "interpretable_controlled", "top1_label_name", "top1_iou", "top1_interpretable"}]
 * </pre>
 * Numbers follow ../shared/SPEC.md: IoU and IQR are dataset-level (summed over all
 * evaluation pixels), thresholds come from the separate threshold set.
 */
public final class DissectJson {
    public static final String SCHEMA = "ganscope.dissect/1";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private DissectJson() {
    }

    public static ObjectNode toJson(LayerDissection d) {
        ObjectNode root = JSON.createObjectNode();
        root.put("schema", SCHEMA);
        root.putObject("bundle").put("name", d.bundleName()).put("hash", d.bundleHash());
        root.putObject("layer").put("name", d.layer().name()).put("units", d.layer().units())
                .put("height", d.layer().height()).put("width", d.layer().width());
        DissectParams p = d.params();
        root.putObject("params").put("samples", p.samples()).put("seed", p.seed())
                .put("threshold_samples", p.thresholdSamples()).put("threshold_seed", p.thresholdSeed())
                .put("method", p.method().name().toLowerCase()).put("quantile", p.quantile())
                .put("top_k", p.topK()).put("batch", p.batch());
        root.put("images", d.images());
        ArrayNode classes = root.putArray("classes");
        double[] freq = d.classFrequencies();
        for (var c : d.classes()) {
            classes.addObject().put("index", c.index()).put("name", c.name()).put("category", c.category())
                    .put("frequency", freq[c.index()]);
        }
        ObjectNode summary = root.putObject("summary");
        UnitControls uc = d.controls();
        if (uc != null) {
            // the controlled count is the headline (docs/CONTROLS.md); the SPEC count follows, "without control"
            summary.put("headline", "interpretable_controlled");
            summary.put("interpretable_controlled", uc.controlledTotal());
            ObjectNode cc = summary.putObject("by_category_controlled");
            d.controlledByCategory().forEach(cc::put);
            ObjectNode ccl = summary.putObject("by_class_controlled");
            d.controlledByClass().forEach(ccl::put);
            putIntervals(summary.putObject("interpretable_controlled_ci"), uc.controlledCountInterval());
            summary.put("beats_location", uc.beatsTotal());
            // the decision step by step (docs/CONTROLS.md section 6), each count with its interval
            ArrayNode steps = summary.putArray("decision_steps");
            int[] f = uc.funnel(d.report());
            for (int j = 0; j < f.length; j++) {
                double[] ci = uc.funnelInterval()[j];
                steps.addObject().put("step", UnitControls.FUNNEL_STEPS.get(j)).put("count", f[j]).putArray("ci").add(ci[0]).add(ci[1]);
            }
        }
        summary.put("interpretable", d.report().nInterpretable());
        ObjectNode byCat = summary.putObject("by_category");
        d.interpretableByCategory().forEach(byCat::put);
        ObjectNode byClass = summary.putObject("by_class");
        d.interpretableByClass().forEach(byClass::put);
        if (uc != null) {
            ObjectNode ctl = root.putObject("controls");
            ctl.putObject("held_out").put("set", "threshold").put("seed", p.thresholdSeed()).put("images", p.thresholdSamples());
            ctl.putObject("bootstrap").put("method", "poisson").put("replicates", uc.replicates()).put("seed", p.seed());
            ctl.putArray("interval").add(Bootstrap.LOW).add(Bootstrap.HIGH);
            ctl.putObject("location_test").put("statistic", "lift = iou - location_iou").put("method", "delta-method z, one-sided")
                    .put("fdr", "benjamini-hochberg").put("tested", d.units());
            ctl.putObject("constants").put("fdr_q", BenjaminiHochberg.Q).put("min_lift", UnitControls.MIN_LIFT)
                    .put("null_ratio", UnitControls.NULL_RATIO).put("iqr_threshold", DissectionReport.IQR_THRESHOLD)
                    .put("iou_threshold", DissectionReport.IOU_THRESHOLD);
            ctl.put("rule", RULE);
            putIntervals(summary.putObject("interpretable_ci"), uc.countInterval());
            ObjectNode top = summary.putObject("top1_rule");
            top.put("interpretable", uc.topRuleTotal());
            ObjectNode tc = top.putObject("by_category");
            uc.topRuleByCategory().forEach((k, v) -> {
                if (!k.equals(UnitControls.TOTAL)) {
                    tc.put(k, v);
                }
            });
        }
        DissectionReport r = d.report();
        ArrayNode units = root.putArray("units");
        for (int u = 0; u < d.units(); u++) {
            ObjectNode n = units.addObject();
            n.put("unit", u).put("threshold", r.thresholds()[u]).put("label", r.bestLabel()[u])
                    .put("label_name", d.label(u).name()).put("category", d.label(u).category())
                    .put("iou", r.bestIou()[u]).put("iqr", r.bestIqr()[u])
                    .put("interpretable", r.interpretable()[u]).put("label_undetermined", r.labelUndetermined()[u]);
            if (uc != null) {
                n.put("iou_ci_low", uc.iouLow()[u]).put("iou_ci_high", uc.iouHigh()[u]).put("null_iou", uc.nullIou()[u])
                        .put("location_iou", uc.locationIou()[u]).put("location_area", uc.locationArea()[u])
                        .put("mean_area", uc.meanArea()[u])
                        .put("lift", uc.lift()[u]).put("lift_ci_low", uc.liftLow()[u]);
                putFinite(n, "lift_se", uc.liftSe()[u]);
                n.put("location_p", uc.locationP()[u]).put("location_q", uc.locationQ()[u])
                        .put("beats_location", uc.beatsLocation()[u]).put("min_effect", uc.minEffect()[u])
                        .put("interpretable_controlled", uc.interpretableControlled()[u])
                        .put("top1_label_name", d.classes().get(uc.topRule().bestLabel()[u]).name())
                        .put("top1_iou", uc.topRule().bestIou()[u]).put("top1_interpretable", uc.topRule().interpretable()[u]);
            }
            ArrayNode ts = n.putArray("top_samples");
            for (long i : d.topK().indices(u)) {
                ts.add(i);
            }
            ArrayNode tv = n.putArray("top_values");
            for (float v : d.topK().values(u)) {
                tv.add(v);
            }
        }
        ArrayNode iou = root.putArray("iou");
        ArrayNode iqr = root.putArray("iqr");
        for (int u = 0; u < d.units(); u++) {
            ArrayNode a = iou.addArray();
            ArrayNode b = iqr.addArray();
            for (int c = 0; c < d.classes().size(); c++) {
                a.add(r.iou()[u][c]);
                b.add(r.iqr()[u][c]);
            }
        }
        return root;
    }

    /** The decision rule of the controlled count, as written into dissect.json. */
    public static final String RULE = "interpretable_controlled (docs/CONTROLS.md), in order: (1) iqr > 0.01 and iou > 0.05 (SPEC);"
            + " (2) location_p: one-sided delta-method z-test over images that lift = iou - location_iou > 0, se^2 = sum psi_i^2 / (N (N-1)),"
            + " psi_i the per-image influence of the lift, computed from exact integer moments; (3) location_q: Benjamini-Hochberg over"
            + " all units of the layer, beats_location iff location_q <= 0.05; (4) min_effect: lift >= 0.02 and iou >= 2 * null_iou;"
            + " interpretable_controlled = (1) and (3) and (4). location_iou: IoU of the same location_area pixels in every image, where"
            + " the label is most frequent on the threshold set; null_iou = a*s/(a+s-a*s), a = unit area share, s = label share;"
            + " count intervals: 2.5% and 97.5% quantiles over Poisson-bootstrap replicates of the counts with the whole decision"
            + " recomputed per replicate (quantile-mode labels, SPEC rule, location mask of the label, p-values, BH, minimum effect;"
            + " the threshold set is not resampled); top1_rule: labels and counts at per-unit 99th-percentile thresholds on the same images";

    /** A double, or null when it is not finite (JSON has no NaN). */
    private static void putFinite(ObjectNode n, String key, double v) {
        if (Double.isFinite(v)) {
            n.put(key, v);
        } else {
            n.putNull(key);
        }
    }

    private static void putIntervals(ObjectNode node, Map<String, double[]> ci) {
        ci.forEach((k, v) -> node.putArray(k).add(v[0]).add(v[1]));
    }

    public static void write(LayerDissection d, Path file) throws IOException {
        JSON.writeValue(file.toFile(), toJson(d));
    }
}
