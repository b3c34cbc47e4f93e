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
import org.ganscope.services.compare.MeaningFlags;
import org.ganscope.services.compare.SeedGroups;
import org.ganscope.services.compare.UnitMatches;
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
    // column widths in rem, not em: em follows each cell's font, and the header's smaller font put the headers out of line
    /** Wide enough for a run's state in place of a number: "pending ⚠", "not run ⚠". */
    private static final String STATE_WIDTH = "5.8rem";
    /** A seed group's mean with its n, and beneath it its interval: each on one line. */
    private static final String STAT_WIDTH = "8.5rem";
    private final CompareService compare;
    private final UnitImageService images;
    private final MultiSelectComboBox<ExperimentSummary> picker = new MultiSelectComboBox<>("experiments to compare");
    private final Grid<Column> table = new Grid<>();
    private final EChart classChart = new EChart("class-chart", "1000px", "320px");
    private final Grid<CompareService.ParamRow> params = new Grid<>();
    private final Div best = new Div();
    private final Div matches = new Div();
    private final Div flagNotes = new Div();
    private final Grid<SeedGroups.Group> groups = new Grid<>();
    private final EChart intervalChart = new EChart("interval-chart", "1000px", "340px");
    private final EChart manyRuns = new EChart("many-runs", "1000px", "360px");
    private final Paragraph manyRunsNote = new Paragraph();
    private final Grid<CompareService.ShareRow> shares = new Grid<>();
    /** The flags of the shown comparison, by kind of number (MeaningFlags.SAMPLE_METRICS, UNIT_COUNTS): the text of the marks. */
    private Map<String, String> flagText = Map.of();
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
        // fixed: an auto width is measured on the first rows drawn, and "#10" below "#9" was cut
        table.addColumn(c -> "#" + c.experiment().id()).setHeader("#").setWidth("3rem").setFlexGrow(0);
        // the bundle, and below it its dataset and variant: one column, so that the table fits a laptop's width
        // a long name ("outdoor-mbstd-s100") wraps at its hyphens rather than being cut
        table.addColumn(LitRenderer.<Column>of("<span style=\"white-space: normal; overflow-wrap: anywhere\">${item.bundle}</span>"
                + " <span style=\"display: block; font-size: var(--lumo-font-size-xs);"
                + " color: var(--lumo-secondary-text-color); line-height: 1.2\">${item.kind}</span>")
                .withProperty("bundle", c -> c.experiment().bundleName())
                .withProperty("kind", c -> c.experiment().dataset() + " · " + c.experiment().variant()))
                .setHeader(Fmt.header("bundle (dataset · variant)")).setWidth("7.5rem").setFlexGrow(0);
        table.addComponentColumn(this::layerChoice).setHeader("layer").setAutoWidth(true);
        // each value with its 95% interval on a second, smaller line, so that the whole table fits a laptop's width
        // the controlled count leads (docs/CONTROLS.md); the count without control follows it
        // a number whose meaning differs across the runs (another sample count, another threshold rule) carries a warning
        // mark beside it, its reason in the tooltip and in the notes under the table
        String counts = MeaningFlags.UNIT_COUNTS;
        String sample = MeaningFlags.SAMPLE_METRICS;
        // a column's auto width is measured on the rows first drawn and short headers ("part") made the columns of a run
        // still pending read "pe…": these columns are as wide as "pending ⚠" and "not run ⚠", the long headers wrap
        for (String cat : List.of("object", "part", "material")) {
            table.addColumn(withCi(c -> controlled(c, cat), counts)).setHeader(cat).setWidth(STATE_WIDTH).setFlexGrow(0);
        }
        table.addColumn(withCi(c -> controlled(c, "total"), counts)).setHeader(Fmt.header("interpretable with control")).setWidth("6.5rem")
                .setFlexGrow(0);
        table.addColumn(withCi(c -> withInterval(c, "total"), counts)).setHeader(Fmt.header("without control")).setWidth(STATE_WIDTH)
                .setFlexGrow(0);
        table.addColumn(withCi(c -> metric(c, "domain_fd"), sample)).setHeader("domain FD").setAutoWidth(true);
        table.addColumn(withCi(c -> metric(c, "swd"), sample)).setHeader("SWD").setWidth(STATE_WIDTH).setFlexGrow(0);
        table.addColumn(withCi(c -> metric(c, "precision"), sample)).setHeader("precision").setAutoWidth(true);
        table.addColumn(withCi(c -> metric(c, "recall"), sample)).setHeader("recall").setAutoWidth(true);
        table.setAllRowsVisible(true);
        table.getStyle().set("--lumo-space-m", "0.4rem"); // narrower cell padding: thirteen columns at 1200 px

        flagNotes.setId("meaning-flags");
        groups.setId("seed-groups");
        // fixed widths and wrapping text (a group of many seeds lists them on several lines): the table fits 1200 px
        groups.addColumn(wrapping(g -> g.label())).setHeader(Fmt.header("group (bundle · layer)")).setWidth("8.5rem").setFlexGrow(0);
        groups.addColumn(wrapping(g -> g.ids().stream().map(i -> "#" + i).collect(Collectors.joining(" ")))).setHeader("runs")
                .setWidth("4.5rem").setFlexGrow(0);
        groups.addColumn(wrapping(g -> String.join(", ", g.seeds()))).setHeader(Fmt.header("seeds (what varies)")).setWidth("12rem").setFlexGrow(1);
        groups.addColumn(groupStat("controlled", 0)).setHeader(Fmt.header("interpretable with control, mean")).setWidth(STAT_WIDTH).setFlexGrow(0);
        groups.addColumn(groupStat("spec", 0)).setHeader(Fmt.header("without control, mean")).setWidth(STAT_WIDTH).setFlexGrow(0);
        groups.addColumn(groupStat("domain_fd", 4)).setHeader(Fmt.header("domain FD, mean")).setWidth(STAT_WIDTH).setFlexGrow(0);
        groups.addColumn(groupStat("precision", 3)).setHeader(Fmt.header("precision, mean")).setWidth(STAT_WIDTH).setFlexGrow(0);
        groups.addColumn(groupStat("recall", 3)).setHeader(Fmt.header("recall, mean")).setWidth(STAT_WIDTH).setFlexGrow(0);
        groups.setAllRowsVisible(true);
        groups.getStyle().set("--lumo-space-m", "0.5rem");
        manyRuns.getElement().setAttribute("aria-label", "every finished run: dataset, variant, layer, seed against the controlled count, FD and recall");

        shares.setId("compare-pixel-shares");
        shares.setAllRowsVisible(true);

        params.setId("param-diff");
        params.setAllRowsVisible(true);
        best.setId("best-units");
        matches.setId("unit-matches");
        results.setPadding(false);
        Paragraph groupNote = new Paragraph("Runs that differ only by seed (evaluation seed, or the generator's training seed with the same"
                + " recipe) form one group: the mean across its runs, below it the 95% t-interval of that mean across seeds (none for a single run).");
        groupNote.getStyle().set("font-size", "var(--lumo-font-size-s)").set("color", "var(--lumo-secondary-text-color)");
        Paragraph barsNote = new Paragraph("Each run with its 95% bootstrap interval over its images; each group of seeds with its 95% t-interval across runs.");
        barsNote.getStyle().set("font-size", "var(--lumo-font-size-s)").set("color", "var(--lumo-secondary-text-color)");
        results.add(new H3("Variant table"), table, flagNotes, new H3("Runs grouped by everything but seed"), groupNote, groups,
                new H3("With intervals"), barsNote, intervalChart, new H3("Interpretable units per class"), classChart, new H3("Parameters"), params,
                new H3("Best unit per class"), best, new H3("Units matched across variants"), matchesNote(), matches,
                new H3("What the generators cannot draw"), sharesNote(), shares);
        results.setVisible(false);
        manyRunsNote.getStyle().set("font-size", "var(--lumo-font-size-s)").set("color", "var(--lumo-secondary-text-color)");
        Div many = new Div(new H3("All finished runs"), manyRunsNote, manyRuns);
        many.setId("many-runs-section");
        add(top, results, many);
    }

    @Override
    protected void onAttach(AttachEvent event) {
        super.onAttach(event);
        event.getUI().getPage().addJavaScript("context://webjars/echarts/5.5.0/echarts.min.js", LoadMode.LAZY); // EChart waits for it: the page does not
        List<CompareService.RunPoint> runs = compare.manyRuns(200);
        manyRunsNote.setText(runs.size() + " dissected layers of the newest finished runs (at most 200 runs): a line per run and layer,"
                + " by dataset; drag along an axis to select. A dash: not measured (FD (EfficientNet-Lite0) needs more than 1280 samples).");
        manyRuns.setOption(manyRunsOption(runs));
    }

    private List<Long> shownIds = List.of();
    private Map<Long, String> shownLayers = Map.of();

    /** The layer of one experiment, chosen among those it dissected; a change re-opens the comparison with it in the address. */
    private Component layerChoice(Column c) {
        Select<String> s = new Select<>();
        s.setItems(c.dissectedLayers());
        s.setValue(c.layer());
        s.setId("layer-" + c.experiment().id());
        s.setWidth("6em");
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
        if (!c.countsState().isEmpty()) {
            return c.countsState();
        }
        String v = LayerFigure.cell(c.counts(), "controlled", category);
        return v.isEmpty() ? "—" : v;
    }

    private static String withInterval(Column c, String category) {
        if (!c.countsState().isEmpty()) {
            return c.countsState();
        }
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
        List<MeaningFlags.Flag> flags = CompareService.flags(cols);
        flagText = flags.stream().collect(Collectors.groupingBy(MeaningFlags.Flag::numbers, LinkedHashMap::new,
                Collectors.mapping(MeaningFlags.Flag::text, Collectors.joining("; "))));
        flagNotes.removeAll();
        for (MeaningFlags.Flag f : flags) {
            Paragraph line = new Paragraph("\u26a0 " + f.text() + " — " + String.join(", ", java.util.stream.IntStream.range(0, cols.size())
                    .mapToObj(i -> "#" + cols.get(i).experiment().id() + " " + f.values().get(i)).toList()));
            line.addClassName("meaning-flag-note");
            line.getStyle().set("margin", "0.2em 0").set("font-size", "var(--lumo-font-size-s)").set("color", "var(--lumo-warning-text-color, #a15c00)");
            flagNotes.add(line);
        }
        table.setItems(cols);
        List<SeedGroups.Group> grouped = CompareService.groups(cols);
        groups.setItems(grouped);
        intervalChart.setOption(intervalOption(cols, grouped));
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

        shares.removeAllColumns();
        shares.addColumn(r -> r.group().equals("main") ? r.className() : r.group() + ": " + r.className()).setHeader("class").setAutoWidth(true);
        for (int i = 0; i < cols.size(); i++) {
            int k = i;
            Column c = cols.get(k);
            shares.addColumn(LitRenderer.<CompareService.ShareRow>of("<span>${item.v}</span> <span class=\"ci\" style=\"display: block;"
                    + " font-size: var(--lumo-font-size-xs); color: var(--lumo-secondary-text-color); line-height: 1.2\">${item.ci}</span>")
                    .withProperty("v", r -> shareCell(r.perColumn().get(k), c)[0]).withProperty("ci", r -> shareCell(r.perColumn().get(k), c)[1]))
                    .setHeader(Fmt.header("#" + c.experiment().id() + " " + c.experiment().bundleName() + ": generated / real")).setAutoWidth(true);
        }
        shares.setItems(CompareService.pixelShares(cols));

        matches.removeAll();
        compare.matchedUnits(cols).forEach(m -> matches.add(matchBlock(m)));

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
        for (String cls : classes) { // the classes of the chart above, all of them
            Div row = best; // cells go straight into the grid
            Span label = new Span(cls);
            label.addClassName("best-class");
            row.add(label);
            for (Column c : cols) {
                var u = c.bestUnit(cls);
                if (u == null) {
                    row.add(new Span(!c.countsState().isEmpty() ? c.countsState() : "no unit with control"));
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

    private static Paragraph matchesNote() {
        Paragraph p = new Paragraph("The first run's units paired one-to-one with each other run's (same dataset and layer) so that the summed"
                + " similarity is largest: a unit's profile is its IoU with every class of the dissection, the similarity of two units the"
                + " cosine of their profiles (1: the same classes in the same proportions). Most similar first; beside each unit its label"
                + " and whether it is interpretable with control. Concept groups other than the dissection's classes are not measured per"
                + " unit by the platform's dissection, so they take no part.");
        p.getStyle().set("font-size", "var(--lumo-font-size-s)").set("color", "var(--lumo-secondary-text-color)");
        return p;
    }

    /** One comparison of the first run with another: why it does not apply, or the concepts only one has and the pairs. */
    private Component matchBlock(UnitMatches m) {
        Div block = new Div();
        long idB = m.b().experiment().id();
        block.setId("unit-match-" + idB);
        block.addClassName("unit-match");
        block.getStyle().set("margin-bottom", "1.5em");
        String a = "#" + m.a().experiment().id() + " " + m.a().experiment().bundleName() + " " + m.a().layer();
        String b = "#" + idB + " " + m.b().experiment().bundleName() + " " + m.b().layer();
        Span title = new Span(a + " \u2194 " + b);
        title.getStyle().set("font-weight", "600");
        block.add(title);
        if (!m.notApplicable().isEmpty()) {
            Paragraph why = new Paragraph("Not applicable: " + m.notApplicable() + ".");
            why.addClassName("match-not-applicable");
            why.getStyle().set("margin", "0.3em 0");
            block.add(why);
            return block;
        }
        double mean = m.pairs().stream().mapToDouble(UnitMatches.Pair::similarity).average().orElse(0);
        String unmatched = m.unmatchedA().isEmpty() && m.unmatchedB().isEmpty() ? ""
                : "; without a partner: " + (m.unmatchedA().isEmpty() ? "" : m.unmatchedA().size() + " of #" + m.a().experiment().id())
                        + (m.unmatchedB().isEmpty() ? "" : (m.unmatchedA().isEmpty() ? "" : ", ") + m.unmatchedB().size() + " of #" + idB);
        Paragraph summary = new Paragraph(m.pairs().size() + " pairs over " + m.concepts().size() + " classes (" + String.join(", ", m.concepts())
                + "), mean similarity " + Fmt.score(mean) + unmatched + ".");
        summary.getStyle().set("margin", "0.3em 0");
        Paragraph onlyA = new Paragraph("Only " + a + " has units with control for: " + concepts(m.onlyA()));
        onlyA.addClassName("only-a");
        Paragraph onlyB = new Paragraph("Only " + b + " has units with control for: " + concepts(m.onlyB()));
        onlyB.addClassName("only-b");
        for (Paragraph p : List.of(onlyA, onlyB)) {
            p.getStyle().set("margin", "0.2em 0");
        }
        Grid<UnitMatches.Pair> pairs = new Grid<>();
        pairs.setId("unit-pairs-" + idB);
        pairs.addClassName("unit-pairs");
        pairs.addColumn(p -> p.unitA()).setHeader("#" + m.a().experiment().id() + " unit").setWidth("7rem").setFlexGrow(0);
        pairs.addColumn(decided(UnitMatches.Pair::labelA, UnitMatches.Pair::controlledA)).setHeader(Fmt.header("label, decision")).setWidth("13rem");
        pairs.addColumn(p -> p.unitB()).setHeader("#" + idB + " unit").setWidth("7rem").setFlexGrow(0);
        pairs.addColumn(decided(UnitMatches.Pair::labelB, UnitMatches.Pair::controlledB)).setHeader(Fmt.header("label, decision")).setWidth("13rem");
        pairs.addColumn(p -> Fmt.score(p.similarity())).setHeader("similarity").setWidth("7rem").setFlexGrow(0);
        pairs.setItems(m.pairs());
        pairs.setHeight("22em");
        pairs.setWidth("50em");
        block.add(summary, onlyA, onlyB, pairs);
        return block;
    }

    private static String concepts(List<UnitMatches.Concept> cs) {
        return cs.isEmpty() ? "none" : cs.stream().map(c -> c.name() + " (" + c.units() + (c.units() == 1 ? " unit)" : " units)"))
                .collect(Collectors.joining(", "));
    }

    /** A unit's label and, beneath it, whether the unit is interpretable with control. */
    private static LitRenderer<UnitMatches.Pair> decided(SerializableFunction<UnitMatches.Pair, String> label,
            SerializableFunction<UnitMatches.Pair, Boolean> controlled) {
        return LitRenderer.<UnitMatches.Pair>of("<span>${item.l}</span> <span class=\"decision\" style=\"display: block; font-size:"
                + " var(--lumo-font-size-xs); color: var(--lumo-secondary-text-color); line-height: 1.2\">${item.d}</span>")
                .withProperty("l", label::apply).withProperty("d", p -> controlled.apply(p) ? "interpretable with control" : "not interpretable with control");
    }

    private static Paragraph sharesNote() {
        Paragraph p = new Paragraph("Per class, the share of generated pixels / the share of real pixels, below them their 95% bootstrap"
                + " intervals over images (none for a real share the bundle's manifest records without per-image counts).");
        p.getStyle().set("font-size", "var(--lumo-font-size-s)").set("color", "var(--lumo-secondary-text-color)");
        return p;
    }

    /** A run's generated / real share of a class, and below them their intervals; "pending" or "not run" before its metrics step. */
    static String[] shareCell(org.ganscope.services.experiment.PixelShare p, Column c) {
        if (!c.metricsState().isEmpty()) {
            return new String[] {c.metricsState(), ""};
        }
        if (p == null) {
            return new String[] {"—", ""};
        }
        String gen = p.generatedLow() == null ? "" : "[" + Fmt.score(p.generatedLow()) + ", " + Fmt.score(p.generatedHigh()) + "]";
        String real = p.realLow() == null ? "no interval" : "[" + Fmt.score(p.realLow()) + ", " + Fmt.score(p.realHigh()) + "]";
        return new String[] {Fmt.score(p.generated()) + " / " + Fmt.score(p.real()), gen + " / " + real};
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
        // a step's parameter (stepParams.metrics.samples) reads "step params · metrics · samples"
        return name.replaceAll("(?<=[a-z0-9])(?=[A-Z])", " ").toLowerCase(Locale.ROOT).replace(".", " · ");
    }

    /** A list parameter (stored comma-joined: dissect,metrics,explain) with a space after each comma, as the experiment page writes it. */
    static String paramValue(String value) {
        return value.matches("[^,\\s]+(,[^,\\s]+)+") ? value.replace(",", ", ") : value;
    }

    /** The value, with its 95% bootstrap interval when the metrics step recorded one. */
    private static String metric(Column c, String name) {
        if (!c.metricsState().isEmpty()) {
            return c.metricsState();
        }
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

    /** As {@link #withCi(SerializableFunction)}, with a warning mark beside the value while {@code kind}'s numbers are flagged. */
    private LitRenderer<Column> withCi(SerializableFunction<Column, String> text, String kind) {
        return LitRenderer.<Column>of("<span>${item.v}</span>${item.flag ? html`<span class=\"meaning-flag\" title=\"${item.flag}\""
                + " style=\"color: var(--lumo-warning-text-color, #a15c00); margin-left: 0.2em; cursor: help\">\u26a0</span>` : ''}"
                + " <span class=\"ci\" style=\"display: block; font-size: var(--lumo-font-size-xs);"
                + " color: var(--lumo-secondary-text-color); line-height: 1.2\">${item.ci}</span>")
                .withProperty("v", c -> split(text.apply(c))[0]).withProperty("ci", c -> split(text.apply(c))[1])
                .withProperty("flag", c -> flagText.getOrDefault(kind, ""));
    }

    /**
     * A group's mean of {@code name} at {@code digits} decimals (0: a count, 1 decimal; 4: significant digits), the runs it
     * is over beside it ("(n = 2)", "(1 run)"), and its interval on the line below; each line kept whole (an "n = 2" or an
     * interval broken across lines read as two numbers).
     */
    private static LitRenderer<SeedGroups.Group> groupStat(String name, int digits) {
        SerializableFunction<SeedGroups.Group, String[]> f = g -> {
            SeedGroups.Stat s = g.stats().get(name);
            if (s == null) {
                return new String[] {"—", "", ""};
            }
            java.util.function.DoubleFunction<String> fmt = digits == 0 ? v -> String.format(Locale.ROOT, "%.1f", v)
                    : digits == 4 ? Fmt::metric : Fmt::score;
            return new String[] {fmt.apply(s.mean()), s.n() > 1 ? "(n = " + s.n() + ")" : "(1 run)",
                    s.low() == null ? "" : "[" + fmt.apply(s.low()) + ", " + fmt.apply(s.high()) + "]"};
        };
        return LitRenderer.<SeedGroups.Group>of("<span class=\"group-mean\" style=\"white-space: nowrap\">${item.v} <span class=\"group-n\""
                + " style=\"font-size: var(--lumo-font-size-xs); color: var(--lumo-secondary-text-color)\">${item.n}</span></span>"
                + " <span class=\"ci\" style=\"display: block; font-size: var(--lumo-font-size-xs);"
                + " color: var(--lumo-secondary-text-color); line-height: 1.2; white-space: nowrap\">${item.ci}</span>")
                .withProperty("v", g -> f.apply(g)[0]).withProperty("n", g -> f.apply(g)[1]).withProperty("ci", g -> f.apply(g)[2]);
    }

    /** A text cell that wraps at spaces instead of being cut ("…") when its column is narrower than the text. */
    private static <T> LitRenderer<T> wrapping(SerializableFunction<T, String> text) {
        return LitRenderer.<T>of("<span style=\"white-space: normal; line-height: 1.3\">${item.t}</span>").withProperty("t", text::apply);
    }

    private static String[] split(String s) {
        int at = s == null ? -1 : s.indexOf(" [");
        return at < 0 ? new String[] {s == null ? "" : s, ""} : new String[] {s.substring(0, at), s.substring(at + 1)};
    }

    /**
     * The headline numbers with their error bars, in two panels: interpretable units with control and domain FD, per run
     * (its bootstrap interval over its images) and per group of seeds (the t-interval across the group's runs). A value
     * is a dot, its interval a whisker (a candlestick whose open and close are the value).
     */
    static String intervalOption(List<Column> cols, List<SeedGroups.Group> groups) {
        List<String> cats = new ArrayList<>();
        List<double[]> counts = new ArrayList<>(); // value, low, high (NaN: none)
        List<double[]> fds = new ArrayList<>();
        for (Column c : cols) {
            // short labels (the run's number and evaluation seed): long ones, turned, ran off the chart's edges; the table
            // above says what each run is
            cats.add("#" + c.experiment().id() + " · seed " + c.params().getOrDefault("seed", "?"));
            var ctl = c.countsState().isEmpty() ? c.counts().stream().filter(x -> x.rule().equals("controlled") && x.category().equals("total")).findFirst() : java.util.Optional.<org.ganscope.services.experiment.UnitCount>empty();
            counts.add(ctl.map(x -> new double[] {x.units(), x.ciLow() == null ? Double.NaN : x.ciLow(), x.ciHigh() == null ? Double.NaN : x.ciHigh()})
                    .orElse(new double[] {Double.NaN, Double.NaN, Double.NaN}));
            Double fd = c.metric("domain_fd");
            Double lo = c.metricsState().isEmpty() ? c.metrics().get("domain_fd|ci_lo") : null;
            Double hi = c.metricsState().isEmpty() ? c.metrics().get("domain_fd|ci_hi") : null;
            fds.add(new double[] {fd == null ? Double.NaN : fd, lo == null ? Double.NaN : lo, hi == null ? Double.NaN : hi});
        }
        for (int g = 0; g < groups.size(); g++) {
            SeedGroups.Group gr = groups.get(g);
            if (gr.ids().size() < 2) {
                continue; // a group of one run is that run, already shown
            }
            cats.add(gr.ids().stream().map(i -> "#" + i).collect(Collectors.joining(" ")) + " mean");
            for (var pair : List.of(Map.entry("controlled", counts), Map.entry("domain_fd", fds))) {
                SeedGroups.Stat st = gr.stats().get(pair.getKey());
                pair.getValue().add(st == null ? new double[] {Double.NaN, Double.NaN, Double.NaN}
                        : new double[] {st.mean(), st.low() == null ? Double.NaN : st.low(), st.high() == null ? Double.NaN : st.high()});
            }
        }
        ObjectNode o = JSON.createObjectNode();
        o.putObject("tooltip").put("trigger", "item");
        ArrayNode grid = o.putArray("grid");
        // containLabel: the axis labels are inside the grid's box, never cut at the chart's edge
        grid.addObject().put("left", 20).put("width", "42%").put("bottom", 10).put("top", 60).put("containLabel", true);
        grid.addObject().put("left", "54%").put("width", "42%").put("bottom", 10).put("top", 60).put("containLabel", true);
        ArrayNode x = o.putArray("xAxis");
        ArrayNode y = o.putArray("yAxis");
        ArrayNode series = o.putArray("series");
        String[] names = {"interpretable units with control", "domain FD"};
        String[] axisNames = {"units with control", "domain FD"};
        List<List<double[]>> data = List.of(counts, fds);
        for (int k = 0; k < 2; k++) {
            ObjectNode xa = x.addObject().put("type", "category").put("gridIndex", k);
            xa.putObject("axisLabel").put("interval", 0).put("rotate", 30).put("fontSize", 10);
            cats.forEach(xa.putArray("data")::add);
            ObjectNode ya = y.addObject().put("type", "value").put("gridIndex", k).put("name", axisNames[k]).put("scale", true);
            ya.putObject("nameTextStyle").put("align", "left"); // the name starts at the axis instead of centring on it, off the left edge
            ArrayNode dots = series.addObject().put("type", "scatter").put("name", names[k]).put("xAxisIndex", k).put("yAxisIndex", k)
                    .put("symbolSize", 9).putArray("data");
            ArrayNode bars = series.addObject().put("type", "candlestick").put("name", names[k] + ", 95% interval").put("xAxisIndex", k)
                    .put("yAxisIndex", k).put("barWidth", 10).putArray("data");
            for (double[] v : data.get(k)) {
                if (Double.isNaN(v[0])) {
                    dots.add("-");
                } else {
                    dots.add(v[0]);
                }
                if (Double.isNaN(v[1]) || Double.isNaN(v[2])) {
                    bars.add("-");
                } else {
                    bars.addArray().add(v[0]).add(v[0]).add(v[1]).add(v[2]);
                }
            }
        }
        o.putObject("legend").put("top", 0);
        return o.toString();
    }

    /**
     * Parallel coordinates over every finished run's dissected layers: dataset, variant, layer, evaluation seed,
     * training seed, then the controlled count, FD (EfficientNet-Lite0), domain FD and recall. A line per run and
     * layer, coloured by dataset; a missing number (not measured) leaves its line open there.
     */
    static String manyRunsOption(List<CompareService.RunPoint> runs) {
        ObjectNode o = JSON.createObjectNode();
        o.putObject("tooltip").put("trigger", "item");
        o.putObject("parallel").put("left", 60).put("right", 120).put("bottom", 40).put("top", 50);
        ArrayNode axes = o.putArray("parallelAxis");
        String[][] dims = {{"dataset", "category"}, {"variant", "category"}, {"layer", "category"}, {"seed", "category"},
                {"training seed", "category"}, {"with control", "value"}, {"FD (EfficientNet-Lite0)", "value"}, {"domain FD", "value"}, {"recall", "value"}};
        List<java.util.function.Function<CompareService.RunPoint, Object>> get = List.of(CompareService.RunPoint::dataset,
                CompareService.RunPoint::variant, CompareService.RunPoint::layer, CompareService.RunPoint::seed,
                r -> r.trainingSeed().isEmpty() ? "?" : r.trainingSeed(), CompareService.RunPoint::controlled, CompareService.RunPoint::fd,
                CompareService.RunPoint::domainFd, CompareService.RunPoint::recall);
        for (int d = 0; d < dims.length; d++) {
            ObjectNode a = axes.addObject().put("dim", d).put("name", dims[d][0]).put("type", dims[d][1]);
            if (dims[d][1].equals("category")) {
                int k = d;
                runs.stream().map(r -> String.valueOf(get.get(k).apply(r))).distinct().sorted().forEach(a.putArray("data")::add);
            } else {
                a.put("scale", true);
            }
        }
        List<String> datasets = runs.stream().map(CompareService.RunPoint::dataset).distinct().sorted().toList();
        for (String ds : datasets) {
            ObjectNode sr = o.withArray("series").addObject().put("type", "parallel").put("name", ds);
            sr.putObject("lineStyle").put("width", 1.5).put("opacity", 0.6);
            ArrayNode data = sr.putArray("data");
            for (CompareService.RunPoint r : runs) {
                if (!r.dataset().equals(ds)) {
                    continue;
                }
                ArrayNode row = data.addArray();
                for (int d = 0; d < dims.length; d++) {
                    Object v = get.get(d).apply(r);
                    if (v == null) {
                        row.add("-");
                    } else if (v instanceof Double x) {
                        row.add(x);
                    } else {
                        row.add(String.valueOf(v));
                    }
                }
            }
        }
        o.putObject("legend").put("top", 0);
        return o.toString();
    }

    static String classOption(List<Column> cols, List<String> classes) {
        ObjectNode o = JSON.createObjectNode();
        o.putObject("tooltip").put("trigger", "axis");
        o.putObject("legend").put("bottom", 0);
        // the axis labels inside the chart (containLabel), the axis name starting at the axis rather than centred on it
        // (centred, "interpretable units (with control)" ran off the chart's left edge)
        o.putObject("grid").put("bottom", 60).put("left", 20).put("right", 30).put("top", 50).put("containLabel", true);
        ObjectNode xAxis = o.putObject("xAxis").put("type", "category");
        xAxis.putObject("axisLabel").put("interval", 0).put("rotate", 40); // every class label, turned to fit
        ArrayNode x = xAxis.putArray("data");
        classes.forEach(x::add);
        ObjectNode yAxis = o.putObject("yAxis").put("type", "value").put("name", "interpretable units (with control)").put("minInterval", 1);
        yAxis.putObject("nameTextStyle").put("align", "left");
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
