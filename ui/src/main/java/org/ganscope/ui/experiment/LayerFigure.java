package org.ganscope.ui.experiment;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.ganscope.services.experiment.UnitCount;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Optional;
import org.ganscope.ui.common.EChart;
import org.ganscope.ui.common.Fmt;

/**
 * When several layers were dissected: interpretable units per layer and category (the
 * shape of the paper's layer figure), as stacked bars and as a table with the bootstrap
 * intervals and the counts that also beat the location baseline.
 */
public final class LayerFigure extends VerticalLayout {
    static final List<String> CATEGORIES = List.of("object", "part", "material");

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The three interpretability rules as a researcher reads them, in the order shown: the
     * controlled count first (docs/CONTROLS.md), the SPEC count "without control" next.
     */
    static final String CONTROLLED_LABEL = "interpretable with control (beats its location baseline at FDR 5%, lift ≥ 0.02, IoU ≥ 2× null)";
    static final String SPEC_LABEL = "without control (IoU > 0.05, IQR > 0.01)";
    static final String TOP1_LABEL = "… without control, top-1% quantile rule";

    /**
     * One table row: a layer's controlled counts per category and total with intervals (the
     * SPEC counts for dissections made before the controls), then the totals without control
     * and under the top-1% rule.
     */
    record Row(String layer, String object, String part, String material, String total, String spec, String top1) {
    }

    /** The rule whose per-category counts lead: "controlled" where the layer has it, else "spec". */
    static String headlineRule(List<UnitCount> c) {
        return find(c, "controlled", "total").isPresent() ? "controlled" : "spec";
    }

    LayerFigure() {
        setPadding(false);
        setId("layer-figure");
        setVisible(false);
    }

    void show(List<String> layers, Function<String, List<UnitCount>> counts) {
        removeAll();
        setVisible(layers.size() > 1);
        if (layers.size() < 2) {
            return;
        }
        List<Row> rows = new ArrayList<>();
        Map<String, List<Integer>> perCategory = new LinkedHashMap<>();
        CATEGORIES.forEach(c -> perCategory.put(c, new ArrayList<>()));
        for (String l : layers) {
            List<UnitCount> c = counts.apply(l);
            String rule = headlineRule(c);
            for (String cat : CATEGORIES) {
                perCategory.get(cat).add(find(c, rule, cat).map(UnitCount::units).orElse(0));
            }
            rows.add(new Row(l, cell(c, rule, "object"), cell(c, rule, "part"), cell(c, rule, "material"), cell(c, rule, "total"),
                    rule.equals("spec") ? "" : cell(c, "spec", "total"), cell(c, "top1", "total")));
        }
        EChart chart = new EChart("layer-chart", "560px", "260px");
        chart.setOption(chartOption(layers, perCategory));
        Grid<Row> table = new Grid<>();
        table.setId("layer-table");
        table.addColumn(Row::layer).setHeader("layer");
        table.addColumn(Row::object).setHeader("object");
        table.addColumn(Row::part).setHeader("part");
        table.addColumn(Row::material).setHeader("material");
        table.addColumn(Row::total).setHeader(Fmt.header("total " + CONTROLLED_LABEL));
        table.addColumn(Row::spec).setHeader(Fmt.header(SPEC_LABEL));
        table.addColumn(Row::top1).setHeader(Fmt.header(TOP1_LABEL));
        table.setItems(rows);
        table.setAllRowsVisible(true);
        add(new H3("Interpretable units per layer"), chart, table);
    }

    /** The stacked bars of interpretable units per layer and category, built as JSON (layer names are data, not code). */
    static String chartOption(List<String> layers, Map<String, List<Integer>> perCategory) {
        ObjectNode o = JSON.createObjectNode();
        o.putObject("title").put("text", "interpretable units per layer (with control)").putObject("textStyle").put("fontSize", 13);
        o.putObject("legend").put("top", 22);
        o.putObject("grid").put("top", 60).put("left", 50).put("containLabel", true);
        ArrayNode names = o.putObject("xAxis").put("type", "category").putArray("data");
        layers.forEach(names::add);
        o.putObject("yAxis").put("type", "value").put("name", "units");
        ArrayNode series = o.putArray("series");
        perCategory.forEach((cat, v) -> {
            ArrayNode d = series.addObject().put("name", cat).put("type", "bar").put("stack", "units")
                    .putArray("data");
            v.forEach(d::add);
        });
        return o.toString();
    }

    /**
     * The layer's interpretable units under the three rules side by side, each with its label and
     * the 95% bootstrap interval where one is stored; empty for dissections without controls.
     */
    static List<String[]> ruleCounts(List<UnitCount> counts) {
        List<String[]> out = new ArrayList<>();
        String spec = cell(counts, "spec", "total");
        String controlled = cell(counts, "controlled", "total");
        String top1 = cell(counts, "top1", "total");
        if (controlled.isEmpty() && top1.isEmpty()) {
            return out;
        }
        out.add(new String[] {CONTROLLED_LABEL, controlled.isEmpty() ? "—" : controlled});
        out.add(new String[] {SPEC_LABEL, spec.isEmpty() ? "—" : spec});
        out.add(new String[] {TOP1_LABEL, top1.isEmpty() ? "—" : top1 + " (no interval computed)"});
        return out;
    }

    private static Optional<UnitCount> find(List<UnitCount> c, String rule, String category) {
        return c.stream().filter(r -> r.rule().equals(rule) && r.category().equals(category)).findFirst();
    }

    /** {@code 93 [88, 97]}, or the count alone where no interval was recorded, or blank. */
    public static String cell(List<UnitCount> c, String rule, String category) {
        return find(c, rule, category).map(r -> r.ciLow() == null ? String.valueOf(r.units())
                : String.format(Locale.ROOT, "%d [%.0f, %.0f]", r.units(), r.ciLow(), r.ciHigh())).orElse("");
    }

    /**
     * The layer's one-line summary: interpretable units with control per category out of the
     * layer's units, with intervals, then the total without control; for dissections made
     * before the controls, the SPEC counts, named "without control".
     */
    static String summary(int units, Map<String, Integer> byCategory, List<UnitCount> counts) {
        boolean controlled = headlineRule(counts).equals("controlled");
        StringBuilder b = new StringBuilder(controlled ? "interpretable units with control of " : "interpretable units without control of ")
                .append(units).append(": ");
        int total = 0;
        for (int i = 0; i < CATEGORIES.size(); i++) {
            String cat = CATEGORIES.get(i);
            String withCi = cell(counts, controlled ? "controlled" : "spec", cat);
            int n = controlled ? find(counts, "controlled", cat).map(UnitCount::units).orElse(0) : byCategory.getOrDefault(cat, 0);
            total += n;
            b.append(i == 0 ? "" : " · ").append(cat).append(' ').append(withCi.isEmpty() ? String.valueOf(n) : withCi);
        }
        b.append(" · total ").append(total);
        if (controlled) {
            b.append(" · without control ").append(cell(counts, "spec", "total"));
        }
        return b.append(controlled || !counts.isEmpty() ? " · 95% bootstrap intervals in brackets" : "").toString();
    }
}
