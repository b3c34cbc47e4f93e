package org.ganscope.activities.intervene;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporal.activity.Activity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.ganscope.activities.BundleResolver;
import org.ganscope.activities.Failures;
import org.ganscope.activities.Heartbeats;
import org.ganscope.activities.ModelWork;
import org.ganscope.activities.store.ArtifactStore;
import org.ganscope.activities.store.ResultKeys;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.intervene.ClassIntervention;
import org.ganscope.analysis.intervene.ClassIou;
import org.ganscope.db.ResultRepository;
import org.ganscope.db.ResultRepository.InterventionRow;
import org.ganscope.db.StepRepository;

/**
 * Runs the causal tests of every class of interest in a layer (analysis does the work),
 * stores them as one JSON result and records one row per curve point and context.
 */
public final class InterveneActivitiesImpl implements InterveneActivities {
    static final String STEP = "intervene";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final BundleResolver bundles;
    private final ArtifactStore store;
    private final StepRepository steps;
    private final ResultRepository results;

    public InterveneActivitiesImpl(ModelWork work) {
        this.bundles = work.bundles();
        this.store = work.store();
        this.steps = work.steps();
        this.results = work.results();
    }

    @Override
    public String intervene(InterveneTask task) {
        return Failures.classify(() -> {
            steps.start(task.experimentId(), STEP, task.layer(), Activity.getExecutionContext().getInfo().getAttempt());
            ClassIntervention.Params p = ClassIntervention.Params.defaults(task.samples(), task.seed());
            String key = ResultKeys.of(task.bundleHash(), STEP, "layer=" + task.layer() + ";classes=" + task.classes() + ";" + p.key(),
                    task.dissectKey());
            byte[] stored = store.get(key, ".json").orElse(null);
            JsonNode result;
            if (stored != null) {
                result = JSON.readTree(stored);
            } else {
                Bundle b = bundles.resolve(task.bundleHash(), task.bundlePath());
                JsonNode dissection = JSON.readTree(store.get(task.dissectKey(), ".json")
                        .orElseThrow(() -> new IOException("dissection " + task.dissectKey() + " is missing from the artifact store")));
                ObjectNode root = JSON.createObjectNode();
                root.put("schema", "ganscope.intervene/1").put("layer", task.layer());
                ArrayNode classes = root.putArray("classes");
                long total = task.classes().size();
                long done = 0;
                for (String c : task.classes()) {
                    ClassIou iou = ClassIou.of(b, dissection, c);
                    classes.add(Heartbeats.during(Activity.getExecutionContext(), "intervene " + c, () -> ClassIntervention.run(b, iou, p)));
                    steps.progress(task.experimentId(), STEP, task.layer(), ++done, total);
                }
                store.put(key, ".json", JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root).getBytes(StandardCharsets.UTF_8));
                result = root;
            }
            results.replaceInterventions(task.experimentId(), task.layer(), rows(result), key);
            return key;
        });
    }

    /** One row per ablation point, one for the insertion overall (context "") and one per context. */
    static List<InterventionRow> rows(JsonNode result) {
        List<InterventionRow> rows = new ArrayList<>();
        for (JsonNode c : result.get("classes")) {
            String cls = c.get("class").asText();
            for (JsonNode pt : c.get("ablation").get("points")) {
                rows.add(new InterventionRow(cls, "ablation", pt.get("n").asInt(), "", pt.get("top_removed").asDouble(),
                        pt.get("random_mean").asDouble(), pt.get("random_std").asDouble(), c.get("ablation").get("images_with_class").asLong()));
            }
            JsonNode ins = c.get("insertion");
            int n = ins.get("units").asInt();
            rows.add(new InterventionRow(cls, "insertion", n, "", ins.get("effect").asDouble(), ins.get("ace").asDouble(), 0,
                    ins.get("regions").asLong()));
            for (JsonNode ctx : ins.get("by_context")) {
                rows.add(new InterventionRow(cls, "insertion", n, ctx.get("class_before").asText(), ctx.get("effect").asDouble(),
                        ctx.get("ace").asDouble(), 0, ctx.get("regions").asLong()));
            }
        }
        return rows;
    }
}
