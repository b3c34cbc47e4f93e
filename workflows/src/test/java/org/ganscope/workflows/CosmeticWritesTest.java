package org.ganscope.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.client.WorkflowOptions;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.ganscope.activities.TaskQueues;
import org.ganscope.workflows.experiment.ExperimentSpec;
import org.ganscope.workflows.experiment.ExperimentWorkflow;
import org.junit.jupiter.api.Test;

/**
 * Progress writes are cosmetic: with PostgreSQL refusing every progress update of the
 * timeline (a trigger), a real dissection still succeeds, each step in its first attempt.
 */
class CosmeticWritesTest {
    @Test
    void refusedProgressWritesDoNotFailTheWork() throws Exception {
        try (PlatformFixture fx = new PlatformFixture()) {
            try (Connection c = fx.ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("""
                        CREATE FUNCTION refuse_progress() RETURNS trigger LANGUAGE plpgsql AS $$
                        BEGIN RAISE EXCEPTION 'progress write refused (test)'; END $$""");
                // a progress update changes the counts but not the status; start and finish change the status
                st.execute("""
                        CREATE TRIGGER refuse_progress BEFORE UPDATE ON steps FOR EACH ROW
                        WHEN (OLD.status = NEW.status AND (OLD.progress_done IS DISTINCT FROM NEW.progress_done
                              OR OLD.progress_total IS DISTINCT FROM NEW.progress_total))
                        EXECUTE FUNCTION refuse_progress()""");
            }
            long id = fx.experiments.create("cosmetic", fx.bundleId, "{}", "test", List.of());
            ExperimentSpec spec = ExperimentSpec.builder().experimentId(id).bundle(fx.bundle.hash(), fx.bundle.dir().toString())
                    .layers(List.of("layer3")).samples(36).seed(2).thresholds(16, 3).method("quantile").quantile(0.01).topK(4).batch(8).shards(2).build();
            ExperimentWorkflow wf = fx.env.getWorkflowClient().newWorkflowStub(ExperimentWorkflow.class,
                    WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.WORKFLOWS).setWorkflowId("cosmetic-" + id).build());
            wf.run(spec);
            assertEquals("SUCCEEDED", fx.experiments.get(id).orElseThrow().status());
            var step = fx.steps.list(id).get(0);
            assertEquals("SUCCEEDED", step.status());
            assertEquals(1, step.attempt(), "no attempt failed on a progress write");
            assertTrue(fx.results.units(id, "layer3").size() > 0);
        }
    }
}
