package org.ganscope.activities;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.intervene.ClassIou;

/**
 * What the per-class steps (intervene, optimize) share: one study per class of interest on
 * the units' IoU from the layer's stored dissection (the step's "dissect" input), progress
 * counted per class; the results become one JSON document
 * {@code {"schema", "layer", "classes": [...]}} in the store, reused by key like every step's.
 */
public final class ClassStudies {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One class's study (analysis work). */
    public interface Study {
        ObjectNode run(Bundle b, ClassIou iou) throws Exception;
    }

    private ClassStudies() {
    }

    /** Completes {@code step} (its name, layer, bundle, key and "dissect" input declared) as a study per class. */
    public static StepRunner.Step<JsonNode> perClass(StepRunner.Step<JsonNode> step, String schema, String layer, List<String> classes,
            Study study) {
        return step.files(".json")
                .compute(ctx -> {
                    Bundle b = ctx.bundle();
                    JsonNode dissection = ctx.input("dissect");
                    ObjectNode root = JSON.createObjectNode().put("schema", schema).put("layer", layer);
                    ArrayNode out = root.putArray("classes");
                    long done = 0;
                    for (String c : classes) {
                        ClassIou iou = ClassIou.of(b, dissection, c);
                        out.add(study.run(b, iou));
                        ctx.progress(++done, classes.size());
                    }
                    return root;
                })
                .encode(root -> Map.of(".json", JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root).getBytes(StandardCharsets.UTF_8)))
                .decode(StepRunner.Stored::json);
    }
}
