package org.ganscope.ui.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.ganscope.services.experiment.ExperimentResults;
import org.ganscope.services.experiment.Intervention;
import org.ganscope.ui.common.EChart;
import org.ganscope.ui.common.Fmt;

/**
 * The intervene step of a layer: per class of interest, the ablation curve (top-n units by
 * IoU against n random units, mean and one standard deviation over the draws) as a chart
 * and as a table with the empirical p-value of top-n against the draws, and the insertion
 * effect by the class that was at the region before, as a table.
 * Hidden when the experiment has no interventions for the layer.
 */
final class InterventionsPanel extends VerticalLayout {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ExperimentResults results;
    private final FlexLayout charts = new FlexLayout();
    private final Grid<Intervention> ablation = new Grid<>();
    private final Grid<Intervention> insertion = new Grid<>();

    InterventionsPanel(ExperimentResults results) {
        this.results = results;
        setPadding(false);
        charts.setFlexWrap(FlexLayout.FlexWrap.WRAP);
        ablation.setId("ablation");
        ablation.addColumn(Intervention::className).setHeader("class").setSortable(true);
        ablation.addColumn(Intervention::n).setHeader(Fmt.header("units removed (n)")).setSortable(true);
        ablation.addColumn(r -> String.format(Locale.ROOT, "%.4f", r.value())).setHeader(Fmt.header("top-n by IoU: fraction removed"))
                .setComparator(Intervention::value);
        ablation.addColumn(r -> String.format(Locale.ROOT, "%.4f ± %.4f", r.baseline(), r.spread())).setHeader(Fmt.header("n random units: mean ± sd"))
                .setComparator(Intervention::baseline);
        ablation.addColumn(InterventionsPanel::pText).setHeader(Fmt.header("p (random removes at least as much)"))
                .setComparator(r -> r.pValue() == null ? 2.0 : r.pValue());
        ablation.setAllRowsVisible(true);
        insertion.setId("insertion");
        insertion.addColumn(Intervention::className).setHeader("class inserted").setSortable(true);
        insertion.addColumn(r -> r.context().isEmpty() ? "(all regions)" : r.context()).setHeader("class at the region before").setSortable(true);
        insertion.addColumn(Intervention::count).setHeader("regions").setSortable(true);
        insertion.addColumn(r -> String.format(Locale.ROOT, "%+.4f", r.value())).setHeader("insertion effect").setComparator(Intervention::value);
        insertion.addColumn(r -> String.format(Locale.ROOT, "%+.4f", r.baseline())).setHeader("ACE").setComparator(Intervention::baseline);
        insertion.setAllRowsVisible(true);
        add(new H3("Interventions"), charts, ablation, insertion);
        setVisible(false);
    }

    void show(long experimentId, String layer) {
        List<Intervention> rows = layer == null ? List.of() : results.interventions(experimentId, layer);
        setVisible(!rows.isEmpty());
        charts.removeAll();
        Map<String, List<Intervention>> curves = rows.stream().filter(r -> r.kind().equals("ablation"))
                .collect(Collectors.groupingBy(Intervention::className, TreeMap::new, Collectors.toList()));
        int i = 0;
        for (var e : curves.entrySet()) {
            EChart chart = new EChart("ablation-chart-" + i++, "460px", "260px");
            charts.add(chart);
            chart.setOption(ablationOption(e.getKey(), layer, e.getValue()));
        }
        ablation.setItems(curves.values().stream().flatMap(List::stream).toList());
        insertion.setItems(rows.stream().filter(r -> r.kind().equals("insertion")).toList());
    }

    /**
     * The empirical one-sided p-value of top-n against the random draws, with their number:
     * {@code p = 0.048 (20 draws)}; "—" where the stored result has none (results from before it).
     */
    static String pText(Intervention r) {
        if (r.pValue() == null || r.draws() == null) {
            return "—";
        }
        return String.format(Locale.ROOT, "p = %.3f (%d draw%s)", r.pValue(), r.draws(), r.draws() == 1 ? "" : "s");
    }

    /** Top-n against random: the random mean with a band of one standard deviation (stacked areas). */
    static String ablationOption(String cls, String layer, List<Intervention> points) {
        ObjectNode o = JSON.createObjectNode();
        o.putObject("title").put("text", "removing '" + cls + "' units in " + layer).putObject("textStyle").put("fontSize", 13);
        o.putObject("tooltip").put("trigger", "axis");
        o.putObject("legend").put("bottom", 0).putArray("data").add("top-n by IoU").add("n random units");
        o.putObject("grid").put("top", 56).put("right", 40).put("bottom", 40).put("left", 40).put("containLabel", true);
        ArrayNode x = o.putObject("xAxis").put("type", "category").put("name", "n").putArray("data");
        o.putObject("yAxis").put("type", "value").put("name", "fraction removed").put("min", 0);
        ArrayNode series = o.putArray("series");
        ArrayNode top = line(series, "top-n by IoU");
        ArrayNode mean = line(series, "n random units");
        ArrayNode low = band(series, "low", false);
        ArrayNode width = band(series, "+-1 sd", true);
        for (Intervention p : points) {
            x.add(p.n());
            top.add(p.value());
            mean.add(p.baseline());
            double lo = Math.max(0, p.baseline() - p.spread());
            low.add(lo);
            width.add(p.baseline() + p.spread() - lo);
        }
        return o.toString();
    }

    private static ArrayNode line(ArrayNode series, String name) {
        return series.addObject().put("name", name).put("type", "line").put("symbolSize", 6).putArray("data");
    }

    private static ArrayNode band(ArrayNode series, String name, boolean visible) {
        ObjectNode s = series.addObject().put("name", name).put("type", "line").put("stack", "band").put("symbol", "none");
        s.putObject("lineStyle").put("opacity", 0);
        s.putObject("areaStyle").put("opacity", visible ? 0.2 : 0).put("color", "#91cc75");
        return s.putArray("data");
    }
}
