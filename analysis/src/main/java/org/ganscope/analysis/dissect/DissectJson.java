package org.ganscope.analysis.dissect;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;

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
        summary.put("interpretable", d.report().nInterpretable());
        ObjectNode byCat = summary.putObject("by_category");
        d.interpretableByCategory().forEach(byCat::put);
        ObjectNode byClass = summary.putObject("by_class");
        d.interpretableByClass().forEach(byClass::put);
        DissectionReport r = d.report();
        ArrayNode units = root.putArray("units");
        for (int u = 0; u < d.units(); u++) {
            ObjectNode n = units.addObject();
            n.put("unit", u).put("threshold", r.thresholds()[u]).put("label", r.bestLabel()[u])
                    .put("label_name", d.label(u).name()).put("category", d.label(u).category())
                    .put("iou", r.bestIou()[u]).put("iqr", r.bestIqr()[u])
                    .put("interpretable", r.interpretable()[u]).put("label_undetermined", r.labelUndetermined()[u]);
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

    public static void write(LayerDissection d, Path file) throws IOException {
        JSON.writeValue(file.toFile(), toJson(d));
    }
}
