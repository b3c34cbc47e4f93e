package org.ganscope.activities.optimize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporal.activity.Activity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ganscope.activities.BundleResolver;
import org.ganscope.activities.Failures;
import org.ganscope.activities.Heartbeats;
import org.ganscope.activities.ModelWork;
import org.ganscope.activities.store.ArtifactStore;
import org.ganscope.activities.store.ResultKeys;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.intervene.ClassIou;
import org.ganscope.analysis.optimize.AlphaStudy;
import org.ganscope.db.ResultRepository;
import org.ganscope.db.StepRepository;

/**
 * Alpha optimisation for every class of interest of a layer (analysis does the work on the
 * bundle's TorchScript through DJL); the full curves and alphas are one JSON result, the
 * held-out effects go to the metrics table ("held_out_delta|class", ...).
 */
public final class OptimizeActivitiesImpl implements OptimizeActivities {
    static final String STEP = "optimize";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final BundleResolver bundles;
    private final ArtifactStore store;
    private final StepRepository steps;
    private final ResultRepository results;

    public OptimizeActivitiesImpl(ModelWork work) {
        this.bundles = work.bundles();
        this.store = work.store();
        this.steps = work.steps();
        this.results = work.results();
    }

    @Override
    public String optimize(OptimizeTask task) {
        return Failures.classify(() -> {
            steps.start(task.experimentId(), STEP, task.layer(), Activity.getExecutionContext().getInfo().getAttempt());
            AlphaStudy.Params p = AlphaStudy.Params.defaults(task.samples(), task.seed());
            String key = ResultKeys.of(task.bundleHash(), STEP, "layer=" + task.layer() + ";classes=" + task.classes() + ";" + p.key(),
                    task.dissectKey());
            byte[] stored = store.get(key, ".json").orElse(null);
            JsonNode result;
            if (stored != null) {
                result = JSON.readTree(stored);
            } else {
                Bundle b = bundles.resolve(task.bundleHash(), task.bundlePath());
                if (b.manifest().layers().stream().noneMatch(l -> l.name().equals(task.layer()) && l.torchscript() != null)) {
                    throw new AnalysisException("bundle " + b.name() + " has no TorchScript for " + task.layer()
                            + ", which alpha optimisation needs; choose a layer that has one");
                }
                JsonNode dissection = JSON.readTree(store.get(task.dissectKey(), ".json")
                        .orElseThrow(() -> new IOException("dissection " + task.dissectKey() + " is missing from the artifact store")));
                ObjectNode root = JSON.createObjectNode().put("schema", "ganscope.optimize/1").put("layer", task.layer());
                ArrayNode classes = root.putArray("classes");
                long done = 0;
                for (String c : task.classes()) {
                    ClassIou iou = ClassIou.of(b, dissection, c);
                    classes.add(Heartbeats.during(Activity.getExecutionContext(), "optimize " + c, () -> AlphaStudy.run(b, iou, p)));
                    steps.progress(task.experimentId(), STEP, task.layer(), ++done, task.classes().size());
                }
                store.put(key, ".json", JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root).getBytes(StandardCharsets.UTF_8));
                result = root;
            }
            Map<String, Double> values = new LinkedHashMap<>();
            for (JsonNode c : result.get("classes")) {
                String cls = c.get("class").asText();
                values.put("held_out_delta|" + cls, c.get("held_out_delta").asDouble());
                values.put("initial_held_out_delta|" + cls, c.get("initial_held_out_delta").asDouble());
                values.put("baseline_held_out_delta|" + cls, c.get("baseline_held_out_delta").asDouble());
                values.put("alpha_l1|" + cls, c.get("alpha_l1").asDouble());
            }
            results.replaceMetrics(task.experimentId(), STEP, task.layer(), values, key);
            return key;
        });
    }
}
