package org.ganscope.activities.intervene;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.ganscope.activities.ClassStudies;
import org.ganscope.activities.ModelWork;
import org.ganscope.activities.StepRunner;
import org.ganscope.activities.store.ResultKeys;
import org.ganscope.analysis.intervene.ClassIntervention;
import org.ganscope.db.ResultRepository.InterventionRow;

/**
 * Runs the causal tests of every class of interest in a layer (analysis does the work),
 * stores them as one JSON result and records one row per curve point (with its p-value and number of
 * random draws) and context.
 */
public final class InterveneActivitiesImpl implements InterveneActivities {
    static final String STEP = "intervene";
    private final StepRunner runner;

    public InterveneActivitiesImpl(ModelWork work) {
        this.runner = new StepRunner(work);
    }

    @Override
    public String intervene(InterveneTask task) {
        return runner.run(() -> {
            ClassIntervention.Params p = ClassIntervention.Params.defaults(task.samples(), task.seed());
            String key = ResultKeys.of(task.bundleHash(), STEP, "layer=" + task.layer() + ";classes=" + task.classes() + ";" + p.key(),
                    task.dissectKey());
            StepRunner.Step<JsonNode> step = StepRunner.Step.<JsonNode>of(STEP, task.experimentId(), task.layer())
                    .bundle(task.bundleHash(), task.bundlePath()).key(key).input("dissect", task.dissectKey());
            return ClassStudies.perClass(step, "ganscope.intervene/1", task.layer(), task.classes(), (b, iou) -> ClassIntervention.run(b, iou, p))
                    .persist((result, reused) -> runner.work().results().replaceInterventions(task.experimentId(), task.layer(), rows(result), key));
        });
    }

    /** One row per ablation point, one for the insertion overall (context "") and one per context. */
    static List<InterventionRow> rows(JsonNode result) {
        List<InterventionRow> rows = new ArrayList<>();
        for (JsonNode c : result.get("classes")) {
            String cls = c.get("class").asText();
            for (JsonNode pt : c.get("ablation").get("points")) {
                // results stored before the p-value was computed have neither it nor the draws: kept null
                JsonNode p = pt.get("p_value");
                JsonNode draws = pt.get("random_draws");
                boolean withP = p != null && p.isNumber() && draws != null && draws.isArray();
                rows.add(new InterventionRow(cls, "ablation", pt.get("n").asInt(), "", pt.get("top_removed").asDouble(),
                        pt.get("random_mean").asDouble(), pt.get("random_std").asDouble(), c.get("ablation").get("images_with_class").asLong(),
                        withP ? p.asDouble() : null, withP ? draws.size() : null));
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
