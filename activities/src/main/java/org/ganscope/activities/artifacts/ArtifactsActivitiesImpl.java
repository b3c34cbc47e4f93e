package org.ganscope.activities.artifacts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporal.activity.Activity;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.ganscope.activities.BundleResolver;
import org.ganscope.activities.Failures;
import org.ganscope.activities.Heartbeats;
import org.ganscope.activities.ModelWork;
import org.ganscope.activities.store.ArtifactStore;
import org.ganscope.activities.store.ResultKeys;
import org.ganscope.analysis.artifacts.ArtifactStudy;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.db.ResultRepository;
import org.ganscope.db.StepRepository;

/**
 * Automatic artifact units of a layer: the study is one JSON result plus a before/after PNG
 * (same key, ".png"); the metric deltas go to the metrics table (e.g. "domain_fd|worst-20",
 * "domain_fd|random-20", "domain_fd|none").
 */
public final class ArtifactsActivitiesImpl implements ArtifactsActivities {
    static final String STEP = "artifacts";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final BundleResolver bundles;
    private final ArtifactStore store;
    private final StepRepository steps;
    private final ResultRepository results;

    public ArtifactsActivitiesImpl(ModelWork work) {
        this.bundles = work.bundles();
        this.store = work.store();
        this.steps = work.steps();
        this.results = work.results();
    }

    /** The study's parameters for an experiment of {@code samples} samples: small enough for a default run. */
    static ArtifactStudy.Params params(int samples, long seed) {
        return new ArtifactStudy.Params(Math.max(10, Math.min(samples, 1000)), seed, Math.max(2, Math.min(50, samples / 10)), new int[] {5, 10, 20},
                3, Math.max(10, Math.min(samples, 500)));
    }

    @Override
    public String artifacts(ArtifactsTask task) {
        return Failures.classify(() -> {
            steps.start(task.experimentId(), STEP, task.layer(), Activity.getExecutionContext().getInfo().getAttempt());
            ArtifactStudy.Params p = params(task.samples(), task.seed());
            String key = ResultKeys.of(task.bundleHash(), STEP, "layer=" + task.layer() + ";" + p.key());
            byte[] stored = store.get(key, ".json").orElse(null);
            JsonNode result;
            if (stored != null && store.exists(key, ".png")) {
                result = JSON.readTree(stored);
            } else {
                Bundle b = bundles.resolve(task.bundleHash(), task.bundlePath());
                int[] done = {0};
                int total = 2 + p.ns().length;
                ObjectNode root = Heartbeats.during(Activity.getExecutionContext(), "artifacts", () -> ArtifactStudy.run(b, task.layer(), p,
                        s -> steps.progress(task.experimentId(), STEP, task.layer(), Math.min(total, ++done[0]), total)));
                ByteArrayOutputStream png = new ByteArrayOutputStream();
                ImageIO.write(ArtifactStudy.beforeAfter(b, task.layer(), ArtifactStudy.worst(root, root.get("before_after_units").asInt()),
                        p.seed() + 100), "png", png);
                store.put(key, ".png", png.toByteArray());
                store.put(key, ".json", JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root).getBytes(StandardCharsets.UTF_8));
                result = root;
            }
            Map<String, Double> values = new LinkedHashMap<>();
            result.get("baseline").fields().forEachRemaining(f -> values.put(f.getKey() + "|none", f.getValue().asDouble()));
            for (JsonNode row : result.get("ablations")) {
                int n = row.get("n").asInt();
                row.get("worst").fields().forEachRemaining(f -> values.put(f.getKey() + "|worst-" + n, f.getValue().asDouble()));
                values.put("domain_fd|random-" + n, row.get("random_fd_mean").asDouble());
            }
            results.replaceMetrics(task.experimentId(), STEP, task.layer(), values, key);
            return key;
        });
    }
}
