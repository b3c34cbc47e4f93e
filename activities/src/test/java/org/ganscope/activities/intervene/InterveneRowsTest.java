package org.ganscope.activities.intervene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.ganscope.db.ResultRepository.InterventionRow;
import org.junit.jupiter.api.Test;

/** The rows the intervene step records from its stored JSON result. */
class InterveneRowsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode result(boolean withP) throws Exception {
        ObjectNode r = (ObjectNode) JSON.readTree("""
                {"classes": [{"class": "tree",
                  "ablation": {"images_with_class": 30, "points": [
                    {"n": 1, "top_removed": 0.2, "random_mean": 0.01, "random_std": 0.005, "p_value": 0.047619047619047616,
                     "random_draws": [0.0, 0.01, 0.02]},
                    {"n": 5, "top_removed": 0.5, "random_mean": 0.05, "random_std": 0.02, "p_value": 0.25, "random_draws": [0.6, 0.01, 0.02]}]},
                  "insertion": {"units": 5, "effect": 0.1, "ace": 0.05, "regions": 12,
                    "by_context": [{"class_before": "sky", "effect": 0.2, "ace": 0.1, "regions": 4}]}}]}""");
        if (!withP) {
            for (JsonNode pt : r.get("classes").get(0).get("ablation").get("points")) {
                ((ObjectNode) pt).remove(List.of("p_value", "random_draws"));
            }
        }
        return r;
    }

    @Test
    void ablationRowsCarryThePValueAndTheNumberOfDraws() throws Exception {
        List<InterventionRow> rows = InterveneActivitiesImpl.rows(result(true));
        assertEquals(4, rows.size());
        assertEquals(new InterventionRow("tree", "ablation", 1, "", 0.2, 0.01, 0.005, 30, 0.047619047619047616, 3), rows.get(0));
        assertEquals(new InterventionRow("tree", "ablation", 5, "", 0.5, 0.05, 0.02, 30, 0.25, 3), rows.get(1));
        assertNull(rows.get(2).pValue(), "insertion has no p-value");
        assertEquals("sky", rows.get(3).context());
    }

    @Test
    void aResultStoredBeforeThePValueGivesRowsWithoutIt() throws Exception {
        List<InterventionRow> rows = InterveneActivitiesImpl.rows(result(false));
        assertNull(rows.get(0).pValue());
        assertNull(rows.get(0).draws());
        assertEquals(0.2, rows.get(0).value());
    }
}
