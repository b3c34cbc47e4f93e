package org.ganscope.app.ui;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.ganscope.app.experiment.UnitCount;

/**
 * When several layers were dissected: interpretable units per layer and category (the
 * shape of the paper's layer figure), as stacked bars and as a table with the bootstrap
 * intervals and the counts that also beat the location baseline.
 */
final class LayerFigure extends VerticalLayout {
    static final List<String> CATEGORIES = List.of("object", "part", "material");

    /** One table row: a layer's counts per category (SPEC rule) with intervals, and the controlled total. */
    record Row(String layer, String object, String part, String material, String total, String controlled) {
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
        StringBuilder series = new StringBuilder();
        Map<String, List<Integer>> perCategory = new java.util.LinkedHashMap<>();
        CATEGORIES.forEach(c -> perCategory.put(c, new ArrayList<>()));
        for (String l : layers) {
            List<UnitCount> c = counts.apply(l);
            for (String cat : CATEGORIES) {
                perCategory.get(cat).add(find(c, "spec", cat).map(UnitCount::units).orElse(0));
            }
            rows.add(new Row(l, cell(c, "spec", "object"), cell(c, "spec", "part"), cell(c, "spec", "material"), cell(c, "spec", "total"),
                    cell(c, "controlled", "total")));
        }
        perCategory.forEach((cat, v) -> series.append(series.length() == 0 ? "" : ",").append(String.format(Locale.ROOT,
                "{\"name\": \"%s\", \"type\": \"bar\", \"stack\": \"units\", \"data\": %s}", cat, ints(v))));
        EChart chart = new EChart("layer-chart", "560px", "260px");
        StringBuilder names = new StringBuilder();
        layers.forEach(l -> names.append(names.length() == 0 ? "" : ",").append('"').append(l.replace("\"", "")).append('"'));
        chart.setOption("{\"title\": {\"text\": \"interpretable units per layer\", \"textStyle\": {\"fontSize\": 13}},"
                + " \"legend\": {\"top\": 22}, \"grid\": {\"top\": 60, \"left\": 50},"
                + " \"xAxis\": {\"type\": \"category\", \"data\": [" + names + "]}, \"yAxis\": {\"type\": \"value\", \"name\": \"units\"},"
                + " \"series\": [" + series + "]}");
        Grid<Row> table = new Grid<>();
        table.setId("layer-table");
        table.addColumn(Row::layer).setHeader("layer");
        table.addColumn(Row::object).setHeader("object");
        table.addColumn(Row::part).setHeader("part");
        table.addColumn(Row::material).setHeader("material");
        table.addColumn(Row::total).setHeader("total");
        table.addColumn(Row::controlled).setHeader("total beating location");
        table.setItems(rows);
        table.setAllRowsVisible(true);
        add(new H3("Interpretable units per layer"), chart, table);
    }

    private static String ints(List<Integer> v) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < v.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(v.get(i));
        }
        return b.append(']').toString();
    }

    private static java.util.Optional<UnitCount> find(List<UnitCount> c, String rule, String category) {
        return c.stream().filter(r -> r.rule().equals(rule) && r.category().equals(category)).findFirst();
    }

    /** {@code 93 [88, 97]}, or the count alone where no interval was recorded, or blank. */
    static String cell(List<UnitCount> c, String rule, String category) {
        return find(c, rule, category).map(r -> r.ciLow() == null ? String.valueOf(r.units())
                : String.format(Locale.ROOT, "%d [%.0f, %.0f]", r.units(), r.ciLow(), r.ciHigh())).orElse("");
    }

    /** The layer's one-line summary: interpretable units per category out of the layer's units, with intervals where recorded. */
    static String summary(int units, Map<String, Integer> byCategory, List<UnitCount> counts) {
        StringBuilder b = new StringBuilder("interpretable units of ").append(units).append(": ");
        int total = 0;
        for (int i = 0; i < CATEGORIES.size(); i++) {
            String cat = CATEGORIES.get(i);
            String withCi = cell(counts, "spec", cat);
            int n = byCategory.getOrDefault(cat, 0);
            total += n;
            b.append(i == 0 ? "" : " · ").append(cat).append(' ').append(withCi.isEmpty() ? String.valueOf(n) : withCi);
        }
        b.append(" · total ").append(total);
        String controlled = cell(counts, "controlled", "total");
        if (!controlled.isEmpty()) {
            b.append(" (beating the location baseline: ").append(controlled).append(')');
        }
        return b.append(" · 95% bootstrap intervals in brackets").toString();
    }
}
