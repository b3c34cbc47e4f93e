package org.ganscope.activities.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The metrics step's stored JSON: valid JSON with null for a non-finite metric, finite values in Double.toString's digits. */
class MetricsJsonTest {
    private static Map<String, Double> values(double domainFd, double swd, double precision, double recall, double density, double coverage) {
        Map<String, Double> v = new LinkedHashMap<>();
        v.put("domain_fd", domainFd);
        v.put("swd", swd);
        v.put("precision", precision);
        v.put("recall", recall);
        v.put("density", density);
        v.put("coverage", coverage);
        return v;
    }

    @Test
    void aNanMetricIsWrittenAsNullInValidJson() throws Exception {
        Map<String, Double> v = values(12.5, Double.NaN, 0.75, Double.POSITIVE_INFINITY, 1.0 / 3, Double.NEGATIVE_INFINITY);
        byte[] bytes = MetricsActivitiesImpl.toJson(v);
        // a strict parser (Jackson's default refuses NaN and Infinity tokens) reads it
        JsonNode json = new ObjectMapper().readTree(bytes);
        assertEquals(List.of("domain_fd", "swd", "precision", "recall", "density", "coverage"), fieldNames(json));
        assertTrue(json.get("swd").isNull(), json.toString());
        assertTrue(json.get("recall").isNull(), json.toString());
        assertTrue(json.get("coverage").isNull(), json.toString());
        assertEquals(12.5, json.get("domain_fd").doubleValue(), 0.0);
        assertEquals("{\"domain_fd\":12.5,\"swd\":null,\"precision\":0.75,\"recall\":null,\"density\":0.3333333333333333,\"coverage\":null}",
                new String(bytes, StandardCharsets.UTF_8));
        Map<String, Double> back = MetricsActivitiesImpl.fromJson(bytes);
        assertEquals(v.keySet(), back.keySet());
        assertTrue(back.get("swd").isNaN() && back.get("recall").isNaN() && back.get("coverage").isNaN(), back.toString());
        assertEquals(1.0 / 3, back.get("density"), 0.0);
    }

    @Test
    void finiteMetricsKeepTheirDigitsAndReadBackExactly() throws Exception {
        Map<String, Double> v = values(1234.5678901234567, 1.0E-5, 0.1 + 0.2, 1.0, 0.0, 2.5E12);
        String text = new String(MetricsActivitiesImpl.toJson(v), StandardCharsets.UTF_8);
        for (var e : v.entrySet()) {
            assertTrue(text.contains("\"" + e.getKey() + "\":" + e.getValue() + (e.getKey().equals("coverage") ? "}" : ",")),
                    e.getKey() + " as Double.toString writes it: " + text);
        }
        assertEquals(v, MetricsActivitiesImpl.fromJson(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<String> fieldNames(JsonNode json) {
        List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
