package org.ganscope.activities.optimize;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ganscope.activities.ClassStudies;
import org.ganscope.activities.ModelWork;
import org.ganscope.activities.StepRunner;
import org.ganscope.activities.store.ResultKeys;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.optimize.AlphaStudy;

/**
 * Alpha optimisation for every class of interest of a layer (analysis does the work on the
 * bundle's TorchScript through DJL); the full curves and alphas are one JSON result, the
 * held-out effects go to the metrics table ("held_out_delta|class", ...).
 */
public final class OptimizeActivitiesImpl implements OptimizeActivities {
    static final String STEP = "optimize";
    private final StepRunner runner;

    public OptimizeActivitiesImpl(ModelWork work) {
        this.runner = new StepRunner(work);
    }

    @Override
    public String optimize(OptimizeTask task) {
        return runner.run(() -> {
            AlphaStudy.Params p = AlphaStudy.Params.defaults(task.samples(), task.seed());
            String key = ResultKeys.of(task.bundleHash(), STEP, "layer=" + task.layer() + ";classes=" + task.classes() + ";" + p.key(),
                    task.dissectKey());
            StepRunner.Step<JsonNode> step = StepRunner.Step.<JsonNode>of(STEP, task.experimentId(), task.layer())
                    .bundle(task.bundleHash(), task.bundlePath()).key(key).input("dissect", task.dissectKey());
            return ClassStudies.perClass(step, "ganscope.optimize/1", task.layer(), task.classes(), (b, iou) -> {
                if (b.layer(task.layer()).torchscript() == null) {
                    throw new AnalysisException("bundle " + b.name() + " has no TorchScript for " + task.layer()
                            + ", which alpha optimisation needs; choose a layer that has one");
                }
                return AlphaStudy.run(b, iou, p);
            }).persist((result, reused) -> {
                Map<String, Double> values = new LinkedHashMap<>();
                for (JsonNode c : result.get("classes")) {
                    String cls = c.get("class").asText();
                    values.put("held_out_delta|" + cls, c.get("held_out_delta").asDouble());
                    values.put("initial_held_out_delta|" + cls, c.get("initial_held_out_delta").asDouble());
                    values.put("baseline_held_out_delta|" + cls, c.get("baseline_held_out_delta").asDouble());
                    values.put("alpha_l1|" + cls, c.get("alpha_l1").asDouble());
                }
                runner.work().results().replaceMetrics(task.experimentId(), STEP, task.layer(), values, key);
            });
        });
    }
}
