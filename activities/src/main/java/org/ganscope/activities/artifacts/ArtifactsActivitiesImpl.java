package org.ganscope.activities.artifacts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.ganscope.activities.ModelWork;
import org.ganscope.activities.StepRunner;
import org.ganscope.activities.store.ResultKeys;
import org.ganscope.analysis.artifacts.ArtifactStudy;
import org.ganscope.analysis.bundle.Bundle;

/**
 * Automatic artifact units of a layer: the study is one JSON result plus a before/after PNG
 * (same key, ".png"); the metric deltas go to the metrics table (e.g. "domain_fd|worst-20",
 * "domain_fd|random-20", "domain_fd|none"), and the causal study's held-out validation
 * ("domain_fd|causal-worst-20", "domain_fd|causal-random-20", "domain_fd_sd|causal-random-20",
 * "p_value|causal-worst-20", "domain_fd|causal-none"). The result key names the causal
 * parameters ("causal=1;..."), so results of the top-k study alone are not reused.
 */
public final class ArtifactsActivitiesImpl implements ArtifactsActivities {
    static final String STEP = "artifacts";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final StepRunner runner;

    public ArtifactsActivitiesImpl(ModelWork work) {
        this.runner = new StepRunner(work);
    }

    /** The study (its JSON) and, when just computed, its before/after image. */
    record Study(JsonNode json, byte[] png) {
    }

    /** The study's parameters for an experiment of {@code samples} samples: small enough for a default run. */
    static ArtifactStudy.Params params(int samples, long seed) {
        int[] ns = {5, 10, 20};
        return new ArtifactStudy.Params(Math.max(10, Math.min(samples, 1000)), seed, Math.max(2, Math.min(50, samples / 10)), ns,
                3, Math.max(10, Math.min(samples, 500)),
                ArtifactStudy.Params.causalDefaults(seed, Math.max(10, Math.min(samples, 150)), Math.max(10, Math.min(samples, 300)), ns));
    }

    @Override
    public String artifacts(ArtifactsTask task) {
        return runner.run(() -> {
            ArtifactStudy.Params p = params(task.samples(), task.seed());
            String key = ResultKeys.of(task.bundleHash(), STEP, "layer=" + task.layer() + ";" + p.key());
            return StepRunner.Step.<Study>of(STEP, task.experimentId(), task.layer()).bundle(task.bundleHash(), task.bundlePath()).key(key)
                    .files(".png", ".json")
                    .compute(ctx -> {
                        Bundle b = ctx.bundle();
                        int[] done = {0};
                        int total = 4 + p.ns().length;
                        ObjectNode root = ArtifactStudy.run(b, task.layer(), p, s -> ctx.progress(Math.min(total, ++done[0]), total));
                        ByteArrayOutputStream png = new ByteArrayOutputStream();
                        ImageIO.write(ArtifactStudy.beforeAfter(b, task.layer(), ArtifactStudy.worst(root, root.get("before_after_units").asInt()),
                                p.seed() + 100), "png", png);
                        return new Study(root, png.toByteArray());
                    })
                    .encode(study -> {
                        Map<String, byte[]> files = new LinkedHashMap<>();
                        files.put(".png", study.png());
                        files.put(".json", JSON.writerWithDefaultPrettyPrinter().writeValueAsString(study.json()).getBytes(StandardCharsets.UTF_8));
                        return files;
                    })
                    .decode(files -> new Study(files.json(), null))
                    .persist((study, reused) -> runner.work().results().replaceMetrics(task.experimentId(), STEP, task.layer(),
                            values(study.json()), key));
        });
    }

    /** The metric deltas of a study (see the class comment). */
    static Map<String, Double> values(JsonNode result) {
        Map<String, Double> values = new LinkedHashMap<>();
        result.get("baseline").fields().forEachRemaining(f -> values.put(f.getKey() + "|none", f.getValue().asDouble()));
        for (JsonNode row : result.get("ablations")) {
            int n = row.get("n").asInt();
            row.get("worst").fields().forEachRemaining(f -> values.put(f.getKey() + "|worst-" + n, f.getValue().asDouble()));
            values.put("domain_fd|random-" + n, row.get("random_fd_mean").asDouble());
        }
        JsonNode causal = result.get("causal");
        if (causal != null) {
            values.put("domain_fd|causal-none", causal.get("validate_base_fd").asDouble());
            for (JsonNode row : causal.get("validation")) {
                int n = row.get("n").asInt();
                values.put("domain_fd|causal-worst-" + n, row.get("worst_fd").asDouble());
                values.put("domain_fd|causal-random-" + n, row.get("random_fd_mean").asDouble());
                values.put("domain_fd_sd|causal-random-" + n, row.get("random_fd_sd").asDouble());
                values.put("p_value|causal-worst-" + n, row.get("p_value").asDouble());
            }
        }
        return values;
    }
}
