package org.ganscope.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.api.common.v1.Payloads;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.converter.DefaultDataConverter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.ganscope.workflows.experiment.ExperimentSpec;
import org.ganscope.workflows.experiment.ExperimentSpec.ExplainParams;
import org.ganscope.workflows.experiment.ExperimentSpec.Sampling;
import org.ganscope.workflows.experiment.ExperimentSpec.StepParams;
import org.junit.jupiter.api.Test;

/**
 * The spec is the workflow input in Temporal's histories: the committed histories' inputs
 * (recorded before the step parameters were stored) still deserialise, and give the activity
 * tasks a launch now stores; a spec with its step parameters survives Temporal's JSON.
 */
class ExperimentSpecTest {

    static ExperimentSpec spec(int samples, long seed) {
        return ExperimentSpec.builder().experimentId(7).bundle("ab".repeat(32), "models/bundles/outdoor-base-s100").layers(List.of("layer2", "layer3"))
                .samples(samples).seed(seed).thresholds(10, seed + 1).method("iqr").quantile(0.01).topK(4).batch(8).shards(2)
                .steps(ExperimentSpec.STEPS).classes(List.of("tree")).build();
    }

    @Test
    void theFormulasAreTodaysConstants() {
        StepParams p = StepParams.at(3000, 7);
        assertEquals(new Sampling(200, 2007), p.intervene());
        assertEquals(new Sampling(3000, 3007), p.optimize());
        assertEquals(new Sampling(3000, 4007), p.artifacts());
        assertEquals(new Sampling(2000, 1007), p.metrics());
        assertEquals(new ExplainParams(2000, 7, 0.005, 5, 3), p.explain());
        assertEquals(new Sampling(20, 2005), StepParams.at(20, 5).intervene());
    }

    @Test
    void storedStepParamsDecideTheTasksAndWithoutThemTheFormulasDo() {
        ExperimentSpec old = spec(20, 5);
        ExperimentSpec launched = old.toBuilder().stepParams(StepParams.at(20, 5)).build();
        for (ExperimentSpec s : List.of(old, launched)) {
            assertEquals(new org.ganscope.activities.intervene.InterveneTask(7, "ab".repeat(32), "models/bundles/outdoor-base-s100", "layer3", "k",
                    List.of("tree"), 20, 2005), s.interveneTask("layer3", "k"));
            assertEquals(new org.ganscope.activities.metrics.MetricsTask(7, "ab".repeat(32), "models/bundles/outdoor-base-s100", "layer2", 20, 1005),
                    s.metricsTask());
            assertEquals(new org.ganscope.activities.explain.ExplainTask(7, "ab".repeat(32), "models/bundles/outdoor-base-s100", "layer2", 20, 5, 0.005,
                    5, 3, "k"), s.explainTask("layer2", "k"));
        }
        ExperimentSpec other = old.toBuilder().stepParams(new StepParams(new Sampling(50, 1), new Sampling(60, 2), new Sampling(70, 3),
                new Sampling(80, 4), new ExplainParams(90, 5, 0.01, 3, 2))).build();
        assertEquals(50, other.interveneTask("layer2", "k").samples());
        assertEquals(2, other.optimizeTask("layer2", "k").seed());
        assertEquals(70, other.artifactsTask("layer2").samples());
        assertEquals(4, other.metricsTask().seed());
        assertEquals(2, other.explainTask("layer2").maxLength());
    }

    @Test
    void theCommittedHistoriesInputsDeserialiseWithoutStepParams() throws Exception {
        for (Path f : HistoryReplayTest.committedHistories()) {
            WorkflowExecutionHistory h = HistoryReplayTest.read(f);
            Payloads input = h.getEvents().get(0).getWorkflowExecutionStartedEventAttributes().getInput();
            ExperimentSpec s = DefaultDataConverter.newDefaultInstance().fromPayloads(0, Optional.of(input), ExperimentSpec.class,
                    ExperimentSpec.class);
            assertNull(s.stepParams(), f.toString());
            assertEquals(StepParams.at(s.samples(), s.seed()), s.stepParamsOrFormulas(), f.toString());
            assertEquals(s, s.toBuilder().build(), f.toString());
        }
    }

    @Test
    void aSpecWithStepParamsSurvivesTemporalsJson() {
        ExperimentSpec s = spec(300, 9).toBuilder().stepParams(StepParams.at(300, 9)).build();
        var converter = DefaultDataConverter.newDefaultInstance();
        Payloads p = converter.toPayloads(s).orElseThrow();
        assertEquals(s, converter.fromPayloads(0, Optional.of(p), ExperimentSpec.class, ExperimentSpec.class));
    }

    @Test
    void theBuilderNamesAMissingValue() {
        var e = assertThrows(NullPointerException.class, () -> ExperimentSpec.builder().bundle("h", "p").layers(List.of("layer2")).build());
        assertEquals("ExperimentSpec.samples is required", e.getMessage());
    }
}
