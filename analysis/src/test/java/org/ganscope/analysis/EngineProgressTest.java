package org.ganscope.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.ganscope.analysis.artifacts.ArtifactStudy;
import org.ganscope.analysis.artifacts.CausalArtifacts;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.bundle.Manifest;
import org.ganscope.analysis.intervene.ClassIntervention;
import org.ganscope.analysis.intervene.ClassIou;
import org.ganscope.analysis.intervene.Insertion;
import org.ganscope.analysis.optimize.AlphaStudy;
import org.junit.jupiter.api.Test;

/**
 * The causal studies (intervene, optimize-alpha, artifacts) report their work as phases
 * whose advances add up to their totals, and the result is the same with and without a
 * progress listener (all but the wall-clock "seconds" fields, bit for bit).
 */
class EngineProgressTest {
    private static final Bundle B = BundleLoader.load(TestBundles.demo("outdoor-base-s100"));

    private static ClassIou sky(String layer) {
        Manifest.ConceptClass sky = B.manifest().classes().stream().filter(c -> c.name().equals("sky")).findFirst().orElseThrow();
        double[] iou = new double[B.layer(layer).units()];
        for (int u = 0; u < iou.length; u++) {
            iou[u] = (u * 37 % 11) / 11.0;
        }
        return new ClassIou(layer, sky, iou, new long[] {7, 8});
    }

    /** A copy without the fields that hold wall-clock seconds. */
    private static JsonNode withoutSeconds(JsonNode n) {
        JsonNode c = n.deepCopy();
        strip(c);
        return c;
    }

    private static void strip(JsonNode n) {
        if (n instanceof ObjectNode o) {
            o.remove("seconds");
        }
        n.forEach(EngineProgressTest::strip);
    }

    @Test
    void interveneReportsTheCurveTheConstantsAndTheInsertionAndGivesTheSameResult() {
        var p = new ClassIntervention.Params(12, 7, new int[] {1, 5}, 2, 4, 3, Insertion.KMode.MEAN, 0, 8);
        ObjectNode plain = ClassIntervention.run(B, sky("layer2"), p);
        RecordingProgress rec = new RecordingProgress();
        ObjectNode reported = ClassIntervention.run(B, sky("layer2"), p, rec);
        assertEquals(withoutSeconds(plain), withoutSeconds(reported));
        rec.assertComplete();
        assertEquals(List.of("ablation curve", "insertion constants", "insertion"), rec.names());
        int points = reported.get("ablation").get("points").size();
        assertEquals(12L * points * (1 + 2), rec.phase("ablation curve").total, "images x (top + draws) per n");
        assertEquals("edited images", rec.phase("ablation curve").unit);
        assertEquals(3, rec.phase("insertion constants").total);
        assertEquals(reported.get("insertion").get("regions").asLong(), rec.phase("insertion").total);
        assertEquals("regions", rec.phase("insertion").unit);
    }

    @Test
    void optimizeAlphaReportsImagesStepsAndTheHeldOutEvaluationAndGivesTheSameResult() {
        var p = new AlphaStudy.Params(8, 4, 3, 2, 4, 0.05, 0.01, 0);
        ObjectNode plain = AlphaStudy.run(B, sky("layer3"), p);
        RecordingProgress rec = new RecordingProgress();
        ObjectNode reported = AlphaStudy.run(B, sky("layer3"), p, rec);
        assertEquals(withoutSeconds(plain), withoutSeconds(reported));
        rec.assertComplete();
        assertEquals(List.of("insertion constants", "training and held-out images", "optimisation", "held-out evaluation"), rec.names());
        assertEquals(8, rec.phase("insertion constants").total);
        assertEquals(8 + 4, rec.phase("training and held-out images").total);
        assertEquals(2, rec.phase("optimisation").total);
        assertEquals("steps", rec.phase("optimisation").unit);
        assertEquals(3 * 4, rec.phase("held-out evaluation").total, "alpha*, the initial alpha and the top-n units on the held-out images");
    }

    @Test
    void artifactsReportEveryPhaseEndedBeforeItsStepTextAndGiveTheSameResult() {
        int[] ns = {2, 500}; // n beyond the layer's units is dropped: one metrics phase for n = 2
        var causal = new CausalArtifacts.Params(4, 203, 4, 303, ns, 1, 4);
        var p = new ArtifactStudy.Params(20, 3, 4, ns, 1, 16, causal);
        List<String> plainSteps = new ArrayList<>();
        ObjectNode plain = ArtifactStudy.run(B, "layer2", p, plainSteps::add);
        RecordingProgress rec = new RecordingProgress();
        List<String> steps = new ArrayList<>();
        List<Integer> phasesAtStep = new ArrayList<>();
        ObjectNode reported = ArtifactStudy.run(B, "layer2", p, s -> {
            steps.add(s);
            phasesAtStep.add(rec.phases().size());
            rec.assertComplete(); // the phase before the step text has ended, nothing is open
        }, rec);
        assertEquals(plain, reported, "the study has no wall-clock fields: identical");
        assertEquals(plainSteps, steps, "the step texts (the platform counts them) are unchanged");
        rec.assertComplete();
        int units = B.layer("layer2").units();
        assertEquals(List.of("top-k scoring", "top-k scores", "metrics, no ablation", "metrics, worst 2 + 1 random sets",
                "causal scoring", "causal validation"), rec.names());
        assertEquals(List.of(2, 3, 4, 5, 6), phasesAtStep, "each step text comes right after its phase ends");
        assertEquals(20, rec.phase("top-k scoring").total);
        assertEquals(units, rec.phase("top-k scores").total);
        assertEquals("units", rec.phase("top-k scores").unit);
        assertEquals(16, rec.phase("metrics, no ablation").total);
        assertEquals(2 * 16, rec.phase("metrics, worst 2 + 1 random sets").total);
        assertEquals((units + 1) * 4L, rec.phase("causal scoring").total, "every unit alone and the unedited images");
        assertEquals((1 + 1 * 2) * 4L, rec.phase("causal validation").total, "no ablation, then per n the worst set and one random set");
    }
}
