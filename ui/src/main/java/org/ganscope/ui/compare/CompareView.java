package org.ganscope.ui.compare;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.vaadin.flow.shared.ui.LoadMode;
import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.combobox.MultiSelectComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.data.renderer.LitRenderer;
import com.vaadin.flow.function.SerializableFunction;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.QueryParameters;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.StreamResource;
import jakarta.annotation.security.PermitAll;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.ganscope.services.compare.CompareService;
import org.ganscope.services.compare.CompareService.Column;
import org.ganscope.services.experiment.ExperimentSummary;
import org.ganscope.services.unit.UnitImageService;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.select.Select;
import java.util.LinkedHashMap;
import org.ganscope.ui.common.EChart;
import org.ganscope.ui.layout.MainLayout;
import org.ganscope.ui.common.Fmt;
import org.ganscope.ui.experiment.LayerFigure;

/**
 * Compare runs across models, variants, datasets and layers: the paper's variant table
 * (interpretable units per category next to domain FD and SWD), interpretable units per
 * class as bars, the parameters that differ, and the best unit of each common class side
 * by side. The selection is in the address ({@code /compare?ids=3,7}), so a comparison can
 * be shared.
 */
@Route(value = "compare", layout = MainLayout.class)
@PageTitle("Compare | ganscope")
@PermitAll
public class CompareView extends VerticalLayout implements BeforeEnterObserver {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final CompareService compare;
    private final UnitImageService images;
    private final MultiSelectComboBox<ExperimentSummary> picker = new MultiSelectComboBox<>("experiments to compare");
    private final Grid<Column> table = new Grid<>();
    private final EChart classChart = new EChart("class-chart", "1000px", "320px");
    private final Grid<CompareService.ParamRow> params = new Grid<>();
    private final Div best = new Div();
    private final VerticalLayout results = new VerticalLayout();

    public CompareView(CompareService compare, UnitImageService images) {
        this.compare = compare;
        this.images = images;
        picker.setId("compare-picker");
        picker.setWidth("60em");
        picker.setAutoExpand(MultiSelectComboBox.AutoExpandMode.VERTICAL); // every chosen experiment's chip, on more lines if needed
        picker.setItems(compare.candidates(500));
        // distinguishable entries: id, name, bundle, layers and when it was launched
        picker.setItemLabelGenerator(e -> "#" + e.id() + " " + e.name() + " · " + e.bundleName() + " · "
                + CompareService.flattenLayers(e.paramsJson()) + " · " + Fmt.time(e.createdAt()).replace(" UTC", ""));
        Button go = new Button("Compare", e -> getUI().ifPresent(ui -> ui.navigate(CompareView.class, QueryParameters.simple(Map.of("ids",
                picker.getValue().stream().map(x -> Long.toString(x.id())).sorted().collect(Collectors.joining(",")))))));
        go.setId("compare");
        HorizontalLayout top = new HorizontalLayout(picker, go);
        top.setAlignItems(Alignment.BASELINE);

        table.setId("compare-table");
        table.addColumn(c -> "#" + c.experiment().id()).setHeader("#").setAutoWidth(true).setFlexGrow(0);
        // the bundle, and below it its dataset and variant: one column, so that the table fits a laptop's width
        table.addColumn(LitRenderer.<Column>of("<span>${item.bundle}</span> <span style=\"display: block; font-size: var(--lumo-font-size-xs);"
                + " color: var(--lumo-secondary-text-color); line-height: 1.2\">${item.kind}</span>")
                .withProperty("bundle", c -> c.experiment().bundleName())
                .withProperty("kind", c -> c.experiment().dataset() + " · " + c.experiment().variant()))
                .setHeader(Fmt.header("bundle (dataset · variant)")).setAutoWidth(true);
        table.addComponentColumn(this::layerChoice).setHeader("layer").setAutoWidth(true);
        // each value with its 95% interval on a second, smaller line, so that the whole table fits a laptop's width
        // the controlled count leads (docs/CONTROLS.md); the count without control follows it
        for (String cat : List.of("object", "part", "material")) {
            table.addColumn(withCi(c -> controlled(c, cat))).setHeader(cat).setAutoWidth(true);
        }
        table.addColumn(withCi(c -> controlled(c, "total"))).setHeader(Fmt.header("interpretable with control")).setAutoWidth(true);
        table.addColumn(withCi(c -> withInterval(c, "total"))).setHeader(Fmt.header("without control")).setAutoWidth(true);
        table.addColumn(withCi(c -> metric(c, "domain_fd"))).setHeader("domain FD").setAutoWidth(true);
        table.addColumn(withCi(c -> metric(c, "swd"))).setHeader("SWD").setAutoWidth(true);
        table.addColumn(withCi(c -> metric(c, "precision"))).setHeader("precision").setAutoWidth(true);
        table.addColumn(withCi(c -> metric(c, "recall"))).setHeader("recall").setAutoWidth(true);
        table.setAllRowsVisible(true);
        table.getStyle().set("--lumo-space-m", "0.5rem"); // narrower cell padding: thirteen columns at 1200 px

        params.setId("param-diff");
        params.setAllRowsVisible(true);
        best.setId("best-units");
        results.setPadding(false);
        results.add(new H3("Variant table"), table, new H3("Interpretable units per class"), classChart, new H3("Parameters"), params,
                new H3("Best unit per class"), best);
        results.setVisible(false);
        add(top, results);
    }

    @Override
    protected void onAttach(AttachEvent event) {
        super.onAttach(event);
        event.getUI().getPage().addJavaScript("context://webjars/echarts/5.5.0/echarts.min.js", LoadMode.LAZY); // EChart waits for it: the page does not
    }

    private List<Long> shownIds = List.of();
    private Map<Long, String> shownLayers = Map.of();

    /** The layer of one experiment, chosen among those it dissected; a change re-opens the comparison with it in the address. */
    private Component layerChoice(Column c) {
        Select<String> s = new Select<>();
        s.setItems(c.dissectedLayers());
        s.setValue(c.layer());
        s.setId("layer-" + c.experiment().id());
        s.setWidth("7em");
        s.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                Map<Long, String> next = new LinkedHashMap<>(shownLayers);
                next.put(c.experiment().id(), e.getValue());
                navigate(shownIds, next);
            }
        });
        return s;
    }

    private void navigate(List<Long> ids, Map<Long, String> layers) {
        Map<String, List<String>> q = new LinkedHashMap<>();
        q.put("ids", List.of(ids.stream().map(String::valueOf).collect(Collectors.joining(","))));
        if (!layers.isEmpty()) {
            q.put("layer", layers.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).toList());
        }
        getUI().ifPresent(ui -> ui.navigate(CompareView.class, new QueryParameters(q)));
    }

    /** The controlled count with its interval; for a dissection made before the controls, "—". */
    private static String controlled(Column c, String category) {
        String v = LayerFigure.cell(c.counts(), "controlled", category);
        return v.isEmpty() ? "—" : v;
    }

    private static String withInterval(Column c, String category) {
        String v = LayerFigure.cell(c.counts(), "spec", category);
        return v.isEmpty() ? String.valueOf(category.equals("total") ? c.interpretable() : c.byCategory().getOrDefault(category, 0)) : v;
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        Map<Long, String> layers = new LinkedHashMap<>();
        for (String l : event.getLocation().getQueryParameters().getParameters().getOrDefault("layer", List.of())) {
            int colon = l.indexOf(':');
            if (colon > 0 && l.substring(0, colon).matches("\\d{1,18}")) {
                layers.put(Long.parseLong(l.substring(0, colon)), l.substring(colon + 1));
            }
        }
        shownLayers = layers;
        List<String> raw = event.getLocation().getQueryParameters().getParameters().getOrDefault("ids", List.of());
        List<Long> ids = new ArrayList<>();
        try {
            for (String r : raw) {
                for (String x : r.split(",")) {
                    if (!x.isBlank()) {
                        ids.add(Long.parseLong(x.trim()));
                    }
                }
            }
            show(ids);
        } catch (IllegalArgumentException e) {
            Notification.show(e.getMessage(), 5000, Notification.Position.MIDDLE);
        }
    }

    private void show(List<Long> ids) {
        results.setVisible(ids.size() >= 2);
        if (ids.size() < 2) {
            return;
        }
        shownIds = ids;
        List<Column> cols = compare.compare(ids, shownLayers);
        picker.setValue(picker.getListDataView().getItems().filter(e -> ids.contains(e.id())).collect(Collectors.toSet()));
        table.setItems(cols);
        List<String> classes = CompareService.classesByUnits(cols);
        classChart.setOption(classOption(cols, classes));

        List<CompareService.ParamRow> rows = new ArrayList<>(CompareService.parameters(cols));
        rows.sort(Comparator.comparing((CompareService.ParamRow r) -> !r.differs()));
        params.removeAllColumns();
        params.addColumn(r -> (r.differs() ? "\u2260 " : "") + paramLabel(r.name())).setHeader("parameter").setAutoWidth(true);
        for (int i = 0; i < cols.size(); i++) {
            int k = i;
            params.addComponentColumn(r -> paramCell(r.name(), r.values().get(k))).setHeader("#" + cols.get(k).experiment().id()).setAutoWidth(true);
        }
        params.setItems(rows);

        best.removeAll();
        // one grid for all classes: a column per experiment, so each class's units line up under their experiment
        best.getStyle().set("display", "grid").set("grid-template-columns", "7em repeat(" + cols.size() + ", max-content)")
                .set("column-gap", "1.5em").set("row-gap", "0.5em").set("align-items", "center");
        best.add(new Span("class"));
        for (Column c : cols) {
            Span h = new Span("#" + c.experiment().id() + " " + c.experiment().bundleName() + " " + c.layer());
            h.getStyle().set("font-weight", "600");
            best.add(h);
        }
        for (String cls : classes.subList(0, Math.min(6, classes.size()))) {
            Div row = best; // cells go straight into the grid
            Span label = new Span(cls);
            label.addClassName("best-class");
            row.add(label);
            for (Column c : cols) {
                var u = c.bestUnit(cls);
                if (u == null) {
                    row.add(new Span("no unit"));
                    continue;
                }
                long id = c.experiment().id();
                StreamResource png = new StreamResource("best_" + id + "_" + u.unit() + ".png", () -> {
                    try {
                        return new ByteArrayInputStream(images.strip(id, c.layer(), u.unit(), 3, 1));
                    } catch (IOException ex) {
                        throw new UncheckedIOException(ex);
                    }
                });
                Image img = new Image(png, "experiment " + id + " unit " + u.unit());
                img.setTitle(String.format(Locale.ROOT, "#%d unit %d, IoU %.3f", id, u.unit(), u.iou()));
                img.addClassName("best-unit");
                VerticalLayout cell = new VerticalLayout(new Span(String.format(Locale.ROOT, "unit %d, IoU %s", u.unit(),
                        Fmt.withInterval(u.iou(), u.iouCiLow(), u.iouCiHigh()))), img);
                cell.setPadding(false);
                cell.setSpacing(false);
                row.add(cell);
            }
        }
    }

    /** A parameter value; hashes shortened to 12 characters, the full one in the tooltip and a copy button. */
    private Component paramCell(String name, String value) {
        if (value != null && value.matches("[0-9a-f]{40,}")) {
            Span s = new Span(value.substring(0, 12));
            s.addClassName("hash-value");
            s.getElement().setAttribute("title", value);
            Button copy = new Button("copy", e -> e.getSource().getElement().executeJs("navigator.clipboard && navigator.clipboard.writeText($0)", value));
            copy.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
            HorizontalLayout h = new HorizontalLayout(s, copy);
            h.setAlignItems(Alignment.BASELINE);
            h.setSpacing(false);
            return h;
        }
        return new Span(value == null ? "" : paramValue(value));
    }

    /** A launch parameter's name in words: thresholdSamples reads "threshold samples", bundleHash "bundle hash", topK "top k". */
    static String paramLabel(String name) {
        return name.replaceAll("(?<=[a-z0-9])(?=[A-Z])", " ").toLowerCase(Locale.ROOT);
    }

    /** A list parameter (stored comma-joined: dissect,metrics,explain) with a space after each comma, as the experiment page writes it. */
    static String paramValue(String value) {
        return value.matches("[^,\\s]+(,[^,\\s]+)+") ? value.replace(",", ", ") : value;
    }

    /** The value, with its 95% bootstrap interval when the metrics step recorded one. */
    private static String metric(Column c, String name) {
        Double v = c.metrics().get(name);
        Double lo = c.metrics().get(name + "|ci_lo");
        Double hi = c.metrics().get(name + "|ci_hi");
        if (v == null) {
            return "";
        }
        // distances at four significant digits, the shares at three decimals
        java.util.function.DoubleFunction<String> f = name.equals("domain_fd") || name.equals("swd") ? Fmt::metric : Fmt::score;
        return lo == null || hi == null ? f.apply(v) : f.apply(v) + " [" + f.apply(lo) + ", " + f.apply(hi) + "]";
    }

    /**
     * A cell of {@code value [low, high]}: the value, and below it, smaller, the interval (the
     * cell's text stays {@code value [low, high]}); a value without an interval as it is.
     */
    static LitRenderer<Column> withCi(SerializableFunction<Column, String> text) {
        return LitRenderer.<Column>of("<span>${item.v}</span> <span class=\"ci\" style=\"display: block; font-size: var(--lumo-font-size-xs);"
                + " color: var(--lumo-secondary-text-color); line-height: 1.2\">${item.ci}</span>")
                .withProperty("v", c -> split(text.apply(c))[0]).withProperty("ci", c -> split(text.apply(c))[1]);
    }

    private static String[] split(String s) {
        int at = s == null ? -1 : s.indexOf(" [");
        return at < 0 ? new String[] {s == null ? "" : s, ""} : new String[] {s.substring(0, at), s.substring(at + 1)};
    }

    static String classOption(List<Column> cols, List<String> classes) {
        ObjectNode o = JSON.createObjectNode();
        o.putObject("tooltip").put("trigger", "axis");
        o.putObject("legend").put("bottom", 0);
        o.putObject("grid").put("bottom", 120).put("left", 60);
        ObjectNode xAxis = o.putObject("xAxis").put("type", "category");
        xAxis.putObject("axisLabel").put("interval", 0).put("rotate", 40); // every class label, turned to fit
        ArrayNode x = xAxis.putArray("data");
        classes.forEach(x::add);
        o.putObject("yAxis").put("type", "value").put("name", "interpretable units (with control)");
        ArrayNode series = o.putArray("series");
        for (Column c : cols) {
            ArrayNode d = series.addObject().put("type", "bar")
                    .put("name", "#" + c.experiment().id() + " " + c.experiment().bundleName() + " " + c.layer()).putArray("data");
            // controlled counts per class; the SPEC count only for dissections made before the controls
            Map<String, Integer> n = c.classCounts().stream().collect(Collectors.toMap(r -> r.className(),
                    r -> r.controlledUnits() != null ? r.controlledUnits() : r.interpretableUnits(), (a, b) -> a));
            classes.forEach(cls -> d.add(n.getOrDefault(cls, 0)));
        }
        return o.toString();
    }
}
