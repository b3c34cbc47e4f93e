package org.ganscope.ui.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ganscope.services.experiment.Intervention;
import org.ganscope.services.experiment.UnitCount;
import org.junit.jupiter.api.Test;

/** The chart options and science texts of the experiment page, built from names a person typed or a bundle declared. */
class ChartOptionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A quote, a backslash, a closing brace and a line break: each broke the concatenated options. */
    private static final String HOSTILE = "lay\"er\\2}]\n<b>";

    @Test
    void theCategoryChartCarriesAnyLayerNameAsData() throws Exception {
        JsonNode o = JSON.readTree(ExperimentView.categoryOption(HOSTILE, Map.of("object", 7, "material", 2)));
        assertEquals("interpretable units in " + HOSTILE, o.at("/title/text").asText());
        assertEquals(List.of("object", "part", "material"), JSON.convertValue(o.at("/xAxis/data"), List.class));
        assertEquals(List.of(7, 0, 2), JSON.convertValue(o.at("/series/0/data"), List.class));
    }

    @Test
    void theLayerChartCarriesAnyLayerNamesAsData() throws Exception {
        Map<String, List<Integer>> per = new LinkedHashMap<>();
        per.put("object", List.of(3, 4));
        per.put("part", List.of(0, 1));
        per.put("material", List.of(1, 0));
        JsonNode o = JSON.readTree(LayerFigure.chartOption(List.of(HOSTILE, "layer\"3"), per));
        assertEquals(List.of(HOSTILE, "layer\"3"), JSON.convertValue(o.at("/xAxis/data"), List.class));
        assertEquals(3, o.at("/series").size());
        assertEquals("part", o.at("/series/1/name").asText());
        assertEquals(List.of(0, 1), JSON.convertValue(o.at("/series/1/data"), List.class));
        assertEquals("units", o.at("/series/2/stack").asText());
    }

    @Test
    void theAblationChartCarriesAnyClassAndLayerName() throws Exception {
        var p = new Intervention(HOSTILE, "ablation", 5, "", 0.4, 0.1, 0.05, 30, 1.0 / 21, 20);
        JsonNode o = JSON.readTree(InterventionsPanel.ablationOption(HOSTILE, HOSTILE, List.of(p)));
        assertEquals("removing '" + HOSTILE + "' units in " + HOSTILE, o.at("/title/text").asText());
        assertTrue(o.at("/grid/containLabel").asBoolean());
    }

    @Test
    void theAlphaChartsLeaveRoomForTheirAxisNames() throws Exception {
        JsonNode curve = JSON.readTree(CausalPanel.curveOption(HOSTILE, JSON.readTree("[0.1, 0.2]")));
        JsonNode alpha = JSON.readTree(CausalPanel.alphaOption(HOSTILE, JSON.readTree("[0.5, 0.9, 0.0]")));
        for (JsonNode o : List.of(curve, alpha)) {
            assertTrue(o.at("/grid/containLabel").asBoolean());
            assertTrue(o.at("/grid/right").asInt() >= 60, "room for the x axis name at the axis end");
            assertTrue(o.at("/grid/top").asInt() >= 50, "room for the title and the y axis name");
        }
        assertEquals("objective for '" + HOSTILE + "' per iteration", curve.at("/title/text").asText());
    }

    @Test
    void theAlphaChartsXAxisLabelsAreReadable() throws Exception {
        // 200 iterations: a value axis with a handful of ticks, not 200 category labels
        StringBuilder points = new StringBuilder("[");
        for (int k = 0; k < 200; k++) {
            points.append(k == 0 ? "" : ",").append(k / 1000.0);
        }
        JsonNode curve = JSON.readTree(CausalPanel.curveOption("tree", JSON.readTree(points.append("]").toString())));
        assertEquals("value", curve.at("/xAxis/type").asText());
        assertEquals(0, curve.at("/xAxis/min").asInt());
        assertEquals(199, curve.at("/xAxis/max").asInt());
        assertEquals(1, curve.at("/xAxis/minInterval").asInt(), "whole iterations only");
        assertTrue(curve.at("/xAxis/splitNumber").asInt() <= 6, "a handful of ticks");
        assertTrue(curve.at("/xAxis/axisLabel/hideOverlap").asBoolean());
        assertTrue(!curve.at("/xAxis/axisLabel/showMaxLabel").asBoolean(true), "no odd last label (199) beside the round tick before it");
        assertTrue(curve.at("/xAxis/data").isMissingNode(), "no label per iteration");
        assertEquals(200, curve.at("/series/0/data").size());
        assertEquals(List.of(7, 0.007), JSON.convertValue(curve.at("/series/0/data/7"), List.class), "[iteration, delta] points");
        // the final alpha bars: every one of the 20 units labelled, turned so that three-digit units do not overlap
        StringBuilder alphas = new StringBuilder("[");
        for (int u = 0; u < 512; u++) {
            alphas.append(u == 0 ? "" : ",").append((u * 37 % 512) / 512.0);
        }
        JsonNode alpha = JSON.readTree(CausalPanel.alphaOption("tree", JSON.readTree(alphas.append("]").toString())));
        assertEquals(20, alpha.at("/xAxis/data").size());
        assertEquals(0, alpha.at("/xAxis/axisLabel/interval").asInt(), "no unit label skipped");
        assertTrue(alpha.at("/xAxis/axisLabel/rotate").asInt() >= 30, "turned labels");
        assertEquals(20, alpha.at("/series/0/data").size());
        assertEquals("alpha", alpha.at("/yAxis/name").asText());
    }

    @Test
    void anAblationPointShowsItsPValueAndDrawsOrADashForOldResults() {
        assertEquals("p = 0.048 (20 draws)", InterventionsPanel.pText(new Intervention("tree", "ablation", 5, "", 0.4, 0.1, 0.05, 30,
                1.0 / 21, 20)));
        assertEquals("p = 1.000 (1 draw)", InterventionsPanel.pText(new Intervention("tree", "ablation", 5, "", 0.0, 0.1, 0.0, 30, 1.0, 1)));
        assertEquals("—", InterventionsPanel.pText(new Intervention("tree", "ablation", 5, "", 0.4, 0.1, 0.05, 30, null, null)));
    }

    @Test
    void theThreeRulesAreShownSideBySideWithTheirIntervals() {
        var counts = List.of(new UnitCount("spec", "object", 40, 35.0, 44.0), new UnitCount("spec", "total", 93, 88.0, 97.0),
                new UnitCount("controlled", "total", 41, 36.0, 47.0), new UnitCount("top1", "total", 70, null, null));
        List<String[]> rules = LayerFigure.ruleCounts(counts);
        assertEquals(List.of("interpretable with control (beats its location baseline at FDR 5%, lift ≥ 0.02, IoU ≥ 2× null)",
                "without control (IoU > 0.05, IQR > 0.01)", "… without control, top-1% quantile rule"), rules.stream().map(r -> r[0]).toList());
        assertEquals(List.of("41 [36, 47]", "93 [88, 97]", "70 (no interval computed)"), rules.stream().map(r -> r[1]).toList(),
                "the controlled count first");
        String line = LayerFigure.summary(128, java.util.Map.of("object", 40), counts);
        assertTrue(line.startsWith("interpretable units with control of 128: object 0"), line);
        assertTrue(line.indexOf("total 41") < line.indexOf("without control 93 [88, 97]"), line);
        assertTrue(LayerFigure.summary(128, java.util.Map.of("object", 40), List.of()).startsWith("interpretable units without control of 128: object 40"));
        assertEquals(List.of(), LayerFigure.ruleCounts(List.of()), "a dissection from before the controls shows no rule comparison");
    }
}
