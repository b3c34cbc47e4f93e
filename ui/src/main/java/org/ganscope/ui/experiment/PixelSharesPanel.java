package org.ganscope.ui.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import java.util.List;
import java.util.Locale;
import org.ganscope.services.experiment.ExperimentResults;
import org.ganscope.services.experiment.PixelShare;
import org.ganscope.ui.common.EChart;
import org.ganscope.ui.common.Fmt;

/**
 * What the generator cannot draw (Bau et al. 2019, "Seeing what a GAN cannot generate"): per class of a concept group,
 * the share of generated pixels against the share of real pixels, each with its 95% bootstrap interval over images, the
 * classes drawn least (relative to the real data) first. A section of its own; from the metrics step.
 */
public final class PixelSharesPanel extends VerticalLayout {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ExperimentResults results;
    private final Select<String> group = new Select<>();
    private final EChart chart = new EChart("pixel-share-chart", "900px", "340px");
    private final Grid<PixelShare> table = new Grid<>();
    private final Paragraph empty = new Paragraph("Not measured: the metrics step computes the pixel shares (not run, or not finished yet).");
    private List<PixelShare> shares = List.of();

    public PixelSharesPanel(ExperimentResults results) {
        this.results = results;
        setId("pixel-shares");
        setPadding(false);
        Paragraph about = new Paragraph("Share of pixels per class, generated images against real ones, each with its 95% bootstrap interval"
                + " over images. A class far below its real share is one the generator fails to draw; the real share has no interval where"
                + " the bundle's manifest records it without per-image counts.");
        about.getStyle().set("font-size", "var(--lumo-font-size-s)").set("color", "var(--lumo-secondary-text-color)");
        group.setLabel("concept group");
        group.setId("pixel-share-group");
        group.addValueChangeListener(e -> draw());
        table.setId("pixel-share-table");
        table.addColumn(PixelShare::className).setHeader("class").setAutoWidth(true);
        table.addColumn(p -> Fmt.withInterval(p.generated(), p.generatedLow(), p.generatedHigh())).setHeader("generated share").setAutoWidth(true);
        table.addColumn(p -> Fmt.withInterval(p.real(), p.realLow(), p.realHigh())).setHeader("real share").setAutoWidth(true);
        table.addColumn(p -> Double.isNaN(p.ratio()) ? "n/a" : String.format(Locale.ROOT, "%.2f", p.ratio())).setHeader("generated / real")
                .setAutoWidth(true);
        table.setAllRowsVisible(true);
        add(new H3("What the generator cannot draw"), about, group, empty, chart, table);
    }

    /** Shows the experiment's shares (from its metrics step), or says they are not measured. */
    public void show(long experimentId) {
        shares = results.pixelShares(experimentId);
        List<String> groups = shares.stream().map(PixelShare::group).distinct().toList();
        empty.setVisible(shares.isEmpty());
        chart.setVisible(!shares.isEmpty());
        table.setVisible(!shares.isEmpty());
        group.setVisible(groups.size() > 1);
        group.setItems(groups);
        if (!groups.isEmpty()) {
            group.setValue(groups.get(0));
        }
        draw();
    }

    private void draw() {
        List<PixelShare> of = shares.stream().filter(p -> p.group().equals(group.getValue())).toList();
        table.setItems(of);
        if (!of.isEmpty()) {
            chart.setOption(option(of));
        }
    }

    /**
     * Generated and real share per class side by side, each a value with its error bar: a boxplot item
     * {@code [low, v, v, v, high]} draws the value as a line and the interval as whiskers (boxplot series sit side by side
     * on a category axis, unlike bars with separate error-bar series); without an interval, the value alone.
     */
    static String option(List<PixelShare> of) {
        ObjectNode o = JSON.createObjectNode();
        o.putObject("tooltip").put("trigger", "item");
        o.putObject("legend").put("top", 0);
        // labels inside the chart; the axis name starts at the axis (centred on it, it ran off the chart's left edge)
        o.putObject("grid").put("left", 20).put("right", 30).put("bottom", 10).put("top", 50).put("containLabel", true);
        ObjectNode x = o.putObject("xAxis").put("type", "category");
        x.putObject("axisLabel").put("interval", 0).put("rotate", 40);
        of.forEach(p -> x.withArray("data").add(p.className()));
        o.putObject("yAxis").put("type", "value").put("name", "share of pixels (95% interval)").putObject("nameTextStyle").put("align", "left");
        ArrayNode series = o.putArray("series");
        ArrayNode gen = series.addObject().put("type", "boxplot").put("name", "generated").putArray("data");
        ArrayNode real = series.addObject().put("type", "boxplot").put("name", "real").putArray("data");
        for (PixelShare p : of) {
            whisker(gen, p.generated(), p.generatedLow(), p.generatedHigh());
            whisker(real, p.real(), p.realLow(), p.realHigh());
        }
        return o.toString();
    }

    private static void whisker(ArrayNode d, double v, Double lo, Double hi) {
        double l = lo == null ? v : lo;
        double h = hi == null ? v : hi;
        d.addArray().add(l).add(v).add(v).add(v).add(h);
    }
}
