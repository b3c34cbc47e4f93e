package org.ganscope.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.temporal.client.WorkflowOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.ganscope.activities.TaskQueues;
import org.ganscope.db.ArtifactRepository;
import org.ganscope.db.ResultRepository;
import org.ganscope.workflows.experiment.ExperimentSpec;
import org.ganscope.workflows.experiment.ExperimentWorkflow;
import org.junit.jupiter.api.Test;

/**
 * A stored result torn on disk heals: a second experiment with the same parameters finds the
 * first one's thresholds file truncated, computes it again instead of failing on it, and ends
 * with the same units; the heal is counted in artifact_heals.
 */
class StoredResultHealTest {
    @Test
    void aTornThresholdsFileIsComputedAgain() throws Exception {
        try (PlatformFixture fx = new PlatformFixture()) {
            long first = run(fx, "first");
            Path thr;
            try (Stream<Path> files = Files.walk(fx.store.root())) {
                thr = files.filter(p -> p.toString().endsWith(".thr")).findFirst().orElseThrow();
            }
            byte[] bytes = Files.readAllBytes(thr);
            Files.write(thr, Arrays.copyOf(bytes, bytes.length / 2)); // torn
            ArtifactRepository.HealCounts before = fx.artifacts.heals();

            long second = run(fx, "second");
            assertEquals("SUCCEEDED", fx.experiments.get(second).orElseThrow().status());
            assertEquals(new ArtifactRepository.HealCounts(before.detected() + 1, before.recomputed() + 1), fx.artifacts.heals(),
                    "torn=1 healed=1");
            assertEquals(bytes.length, Files.size(thr), "the thresholds are stored whole again");
            List<ResultRepository.UnitRow> a = fx.results.units(first, "layer3");
            List<ResultRepository.UnitRow> b = fx.results.units(second, "layer3");
            assertEquals(a.size(), b.size());
            for (int u = 0; u < a.size(); u++) {
                assertEquals(a.get(u).threshold(), b.get(u).threshold(), 0.0);
                assertEquals(a.get(u).iou(), b.get(u).iou(), 0.0);
            }
            assertFalse(a.isEmpty());
        }
    }

    private static long run(PlatformFixture fx, String name) {
        long id = fx.experiments.create(name, fx.bundleId, "{}", "test", List.of());
        ExperimentSpec spec = ExperimentSpec.builder().experimentId(id).bundle(fx.bundle.hash(), fx.bundle.dir().toString())
                .layers(List.of("layer3")).samples(36).seed(2).thresholds(16, 3).method("quantile").quantile(0.01).topK(4).batch(8).shards(2).build();
        fx.env.getWorkflowClient().newWorkflowStub(ExperimentWorkflow.class,
                WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.WORKFLOWS).setWorkflowId("heal-" + name + "-" + id).build()).run(spec);
        return id;
    }
}
