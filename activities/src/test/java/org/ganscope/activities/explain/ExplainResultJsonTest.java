package org.ganscope.activities.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ganscope.db.ResultRepository.ExplanationRow;
import org.junit.jupiter.api.Test;

/** The explain step's stored result reads back as written, held-out IoUs included; older results read with none. */
class ExplainResultJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void rowsAndMetricsRoundTripWithHeldOutIous() throws Exception {
        List<ExplanationRow> rows = List.of(
                new ExplanationRow(0, "wall AND material:brick", 0.5, "wall", 0.3, "0&14", 1.25, new long[] {4, 2}, 0.375, 0.4375),
                new ExplanationRow(1, "sky", 0.2, "sky", 0.2, "1", 0.5, new long[0], Double.NaN, 0.0));
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("held_out_gain_share|0.02", 0.5);
        metrics.put("held_out_mean_gain", -0.03125);
        var stored = JSON.readTree(JSON.writeValueAsBytes(ExplainActivitiesImpl.toJson("layer3", rows, metrics)));
        assertEquals("ganscope.explain/2", stored.get("schema").asText());
        List<ExplanationRow> back = ExplainActivitiesImpl.rows(stored);
        assertEquals(0.375, back.get(0).heldOutIou());
        assertEquals(-0.0625, back.get(0).heldOutGain(), 0.0);
        assertArrayEquals(new long[] {4, 2}, back.get(0).examples());
        assertNull(back.get(1).heldOutIou(), "NaN is stored as null");
        assertEquals(0.0, back.get(1).heldOutSingleIou());
        assertEquals(metrics, ExplainActivitiesImpl.metrics(stored));
    }

    @Test
    void aResultStoredBeforeTheSplitHasNoHeldOutIous() throws Exception {
        var old = JSON.readTree("""
                {"schema": "ganscope.explain/1", "layer": "layer2", "units": [{"unit": 0, "formula": "a OR b", "iou": 0.4,
                 "best_single": "a", "best_single_iou": 0.3, "formula_code": "0|1", "threshold": 2.0, "examples": [1]}]}""");
        ExplanationRow r = ExplainActivitiesImpl.rows(old).get(0);
        assertNull(r.heldOutIou());
        assertNull(r.heldOutGain());
        assertEquals(0.1, r.gain(), 1e-15);
        assertNull(ExplainActivitiesImpl.metrics(old));
    }
}
