package org.ganscope.activities;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporal.activity.Activity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.intervene.ClassIou;
import org.ganscope.db.StepRepository;

/**
 * What the per-class steps (intervene, optimize) share: reuse of a stored result by key,
 * else one study per class of interest on the units' IoU from the layer's stored
 * dissection, with the heartbeat kept up and progress counted per class; the results
 * become one JSON document {@code {"schema", "layer", "classes": [...]}} in the store.
 */
public final class ClassStudies {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One class's study (analysis work). */
    public interface Study {
        ObjectNode run(Bundle b, ClassIou iou) throws Exception;
    }

    private ClassStudies() {
    }

    public static JsonNode storedOrRun(ModelWork work, String key, String schema, String step, long experimentId, String layer,
            String bundleHash, String bundlePath, String dissectKey, List<String> classes, Study study) throws Exception {
        byte[] stored = work.store().get(key, ".json").orElse(null);
        if (stored != null) {
            return JSON.readTree(stored);
        }
        Bundle b = work.bundles().resolve(bundleHash, bundlePath);
        JsonNode dissection = JSON.readTree(work.store().get(dissectKey, ".json")
                .orElseThrow(() -> new IOException("dissection " + dissectKey + " is missing from the artifact store")));
        ObjectNode root = JSON.createObjectNode().put("schema", schema).put("layer", layer);
        ArrayNode out = root.putArray("classes");
        StepRepository steps = work.steps();
        long done = 0;
        for (String c : classes) {
            ClassIou iou = ClassIou.of(b, dissection, c);
            out.add(Heartbeats.during(Activity.getExecutionContext(), step + " " + c, () -> study.run(b, iou)));
            steps.progress(experimentId, step, layer, ++done, classes.size());
        }
        work.store().put(key, ".json", JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root).getBytes(StandardCharsets.UTF_8));
        return root;
    }
}
