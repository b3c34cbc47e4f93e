package org.ganscope.ui.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.QueryParameters;
import com.vaadin.flow.spring.security.AuthenticationContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.ganscope.services.experiment.ExperimentResults;
import org.ganscope.ui.launch.LaunchView;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.provider.DataProvider;
import com.vaadin.flow.data.provider.QuerySortOrder;
import com.vaadin.flow.data.provider.SortDirection;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.ganscope.services.bundle.BundleService;
import org.ganscope.services.bundle.BundleSummary;
import org.ganscope.services.experiment.ExperimentFilter;
import org.ganscope.services.experiment.ExperimentService;
import org.ganscope.services.experiment.ExperimentSummary;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.router.RouteParameters;
import com.vaadin.flow.shared.Registration;
import org.ganscope.ui.common.Fmt;
import org.ganscope.ui.common.StatusBadge;
import org.ganscope.ui.experiment.ExperimentView;
import org.ganscope.ui.layout.MainLayout;

/**
 * All experiments: a lazy grid (pages of 50 from PostgreSQL, fast at 10,000s of rows; see
 * {@code ganscope bench grid}) with search, filters by model, dataset, status and tag,
 * sortable columns, status badges and each run's progress over its steps, refreshed live;
 * each run's layers, samples and result (units interpretable with control per layer); a
 * message when the filters match nothing; the filters in the address
 * ({@code /?search=trees&status=SUCCEEDED&model=outdoor-base-s100&dataset=outdoor&tag=demo}), so a
 * filtered list can be shared and survives a reload; Clone opens the launch form prefilled.
 */
@jakarta.annotation.security.PermitAll
@Route(value = "", layout = MainLayout.class)
@PageTitle("Experiments | ganscope")
public class ExperimentsView extends VerticalLayout implements BeforeEnterObserver {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);
    /** The grid's times: month, day and minute (the year in the tooltip), so that thirteen columns fit a 1200 px window. */
    private static final DateTimeFormatter SHORT = DateTimeFormatter.ofPattern("MMM d HH:mm", java.util.Locale.ROOT).withZone(ZoneOffset.UTC);
    private final TextField search = new TextField();
    private final ComboBox<String> status = new ComboBox<>("status", ExperimentService.STATUSES);
    private final ComboBox<String> model = new ComboBox<>("model");
    private final ComboBox<String> dataset = new ComboBox<>("dataset");
    private final TextField tag = new TextField("tag");
    private final DataProvider<ExperimentSummary, Void> data;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What the grid shows of each listed run beyond its summary (its parameters' layers and samples, its result), by id. */
    private final Map<Long, Extra> extras = new ConcurrentHashMap<>();
    private final Span emptyText = new Span();
    /** While the filters are set from the address, they are not written back to it. */
    private boolean restoring;

    /** A run's dissected layers and samples (from its stored parameters) and its units interpretable with control per layer. */
    record Extra(List<String> layers, Integer samples, Map<String, Integer> controlled) {
    }

    public ExperimentsView(ExperimentService experiments, ExperimentResults results, BundleService bundles, AuthenticationContext auth) {
        search.setPlaceholder("search name, notes, bundle");
        search.setId("search");
        search.setMinWidth("16em"); // the whole placeholder, not "search name, notes, bur"
        search.setValueChangeMode(ValueChangeMode.LAZY);
        List<BundleSummary> all = bundles.all();
        model.setItems(all.stream().map(BundleSummary::name).distinct().sorted().toList());
        dataset.setItems(all.stream().map(BundleSummary::dataset).distinct().sorted().toList());
        tag.setValueChangeMode(ValueChangeMode.LAZY);
        tag.setId("tag-filter");
        for (ComboBox<String> c : List.of(status, model, dataset)) {
            c.setClearButtonVisible(true);
        }
        status.setId("status-filter");
        model.setId("model-filter");
        dataset.setId("dataset-filter");
        Grid<ExperimentSummary> grid = new Grid<>();
        grid.setId("experiments");
        grid.addColumn(ExperimentSummary::id).setHeader("id").setAutoWidth(true).setSortProperty("id");
        // the name as wide as the names on screen (it was cut to a few letters beside the auto-width columns), in full on hover
        grid.addColumn(ExperimentSummary::name).setHeader("name").setAutoWidth(true).setFlexGrow(1).setSortProperty("name")
                .setTooltipGenerator(ExperimentSummary::name);
        grid.addColumn(ExperimentSummary::bundleName).setHeader("model").setSortProperty("bundle").setAutoWidth(true);
        grid.addComponentColumn(e -> StatusBadge.of(e.status())).setHeader("status").setSortProperty("status").setAutoWidth(true);
        grid.addComponentColumn(e -> {
            // never full while work remains: a run at 100% of its counted work is still merging or bookkeeping
            double v = e.status().equals("SUCCEEDED") ? 1 : Math.max(0, Math.min(0.99, e.progress()));
            ProgressBar p = new ProgressBar(0, 1, v);
            p.setWidth("4em");
            return p;
        }).setHeader("progress").setAutoWidth(true).setFlexGrow(0);
        // run timing: when its first step started, and how long it ran (so far, while it runs)
        grid.addColumn(e -> e.startedAt() == null ? "" : SHORT.format(e.startedAt())).setHeader("started (UTC)").setAutoWidth(true)
                .setTooltipGenerator(e -> e.startedAt() == null ? "not started" : TIME.format(e.startedAt()));
        grid.addColumn(ExperimentsView::duration).setHeader("duration").setAutoWidth(true);
        // what was dissected, on how many images, and what came of it
        grid.addColumn(e -> String.join(", ", extra(e).layers())).setHeader("layers").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(e -> extra(e).samples() == null ? "" : String.format(java.util.Locale.ROOT, "%,d", extra(e).samples()))
                .setHeader("samples").setAutoWidth(true).setFlexGrow(0);
        // several layers' counts wrap onto lines of their own rather than being cut
        grid.addColumn(com.vaadin.flow.data.renderer.LitRenderer.<ExperimentSummary>of(
                "<span class=\"result\" style=\"white-space: normal; line-height: 1.3\">${item.r}</span>").withProperty("r", this::result))
                .setHeader(Fmt.header("interpretable with control")).setWidth("7rem").setFlexGrow(0)
                .setTooltipGenerator(e -> "units interpretable with control (beat their location baseline at FDR 5%), per dissected layer")
                .setKey("result");
        grid.addColumn(e -> String.join(", ", e.tags())).setHeader("tags").setAutoWidth(true);
        grid.addColumn(e -> SHORT.format(e.createdAt())).setHeader("created (UTC)").setSortProperty("created").setAutoWidth(true)
                .setTooltipGenerator(e -> TIME.format(e.createdAt()));
        if (auth.hasRole("OPERATOR")) {
            // a new run with this one's parameters: the launch form, prefilled, to change what differs and launch
            grid.addComponentColumn(e -> {
                Button clone = new Button("Clone");
                clone.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY_INLINE);
                clone.addClassName("clone");
                clone.getElement().setAttribute("data-id", String.valueOf(e.id()));
                clone.getElement().setAttribute("title", "launch a new experiment with #" + e.id() + "'s parameters");
                clone.addClickListener(c -> clone.getUI().ifPresent(ui -> ui.navigate(LaunchView.class,
                        QueryParameters.of("clone", String.valueOf(e.id())))));
                // the click opens the form, not also the row's experiment page
                clone.getElement().addEventListener("click", x -> { }).addEventData("event.stopPropagation()");
                return clone;
            }).setHeader("").setAutoWidth(true).setFlexGrow(0).setKey("clone");
        }
        data = DataProvider.fromCallbacks(q -> {
            List<ExperimentSummary> page = experiments.list(query(q.getSortOrders()), q.getOffset(), q.getLimit());
            // the page's results in one query, before its rows are rendered
            Map<Long, Map<String, Integer>> counts = results.controlledTotals(page.stream().map(ExperimentSummary::id).toList());
            page.forEach(e -> extras.put(e.id(), extra(e, counts.getOrDefault(e.id(), Map.of()))));
            return page.stream();
        }, q -> {
            int n = experiments.count(query(List.of()));
            if (n == 0) {
                emptyText.setText(filtered() ? "No experiment matches " + describeFilters() + "." : "No experiments yet: launch one.");
            }
            return n;
        });
        grid.setItems(data);
        // shown by the grid in place of its rows when there are none
        Button clear = new Button("Clear the filters", e -> clearFilters());
        clear.setId("clear-filters");
        clear.addThemeVariants(ButtonVariant.LUMO_SMALL);
        Div empty = new Div(emptyText, clear);
        empty.setId("experiments-empty");
        emptyText.setId("experiments-empty-text");
        emptyText.getStyle().set("margin-right", "1em");
        grid.setEmptyStateComponent(empty);
        search.addValueChangeListener(e -> filtersChanged());
        tag.addValueChangeListener(e -> filtersChanged());
        for (ComboBox<String> c : List.of(status, model, dataset)) {
            c.addValueChangeListener(e -> filtersChanged());
        }
        grid.addItemClickListener(e -> getUI().ifPresent(ui -> ui.navigate(ExperimentView.class,
                new RouteParameters("id", String.valueOf(e.getItem().id())))));
        setSizeFull();
        grid.setSizeFull();
        // narrower cell padding: thirteen columns, Clone included, in a 1200 px window
        grid.getStyle().set("--lumo-space-m", "0.5rem");
        HorizontalLayout filters = new HorizontalLayout(search, model, dataset, status, tag);
        filters.setAlignItems(Alignment.BASELINE);
        // on a line of its own: beside the five filters it was squeezed into a column one or two words wide
        Span hint = new Span("Click a row for its steps and results.");
        hint.setId("experiments-hint");
        hint.getStyle().set("color", "var(--lumo-secondary-text-color)").set("font-size", "var(--lumo-font-size-s)");
        add(filters, hint, grid);
    }

    /** Filters from the address: {@code ?search=trees&status=SUCCEEDED&model=outdoor-base-s100&dataset=outdoor&tag=demo}. */
    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        Map<String, List<String>> q = event.getLocation().getQueryParameters().getParameters();
        java.util.function.Function<String, String> p = k -> q.getOrDefault(k, List.of()).stream().findFirst().orElse(null);
        restoring = true;
        try {
            search.setValue(p.apply("search") == null ? "" : p.apply("search"));
            tag.setValue(p.apply("tag") == null ? "" : p.apply("tag"));
            restore(status, p.apply("status"));
            restore(model, p.apply("model"));
            restore(dataset, p.apply("dataset"));
        } finally {
            restoring = false;
        }
        data.refreshAll();
    }

    /** Sets {@code box} to {@code value} if it is one of its choices, else clears it (an unknown value filters nothing). */
    private static void restore(ComboBox<String> box, String value) {
        box.setValue(value != null && box.getListDataView().getItems().anyMatch(value::equals) ? value : null);
    }

    private void filtersChanged() {
        data.refreshAll();
        if (restoring) {
            return;
        }
        // the address follows the filters (replaced, not pushed: Back leaves the list rather than undoing a keystroke);
        // "./" is the list itself, so clearing every filter also clears the address's query
        String q = QueryParameters.simple(filters()).getQueryString();
        getUI().ifPresent(ui -> ui.getPage().executeJs("history.replaceState(history.state, '', $0)", "./" + (q.isEmpty() ? "" : "?" + q)));
    }

    /** The filters set, in the order of the fields (none set: empty). */
    private Map<String, String> filters() {
        Map<String, String> m = new LinkedHashMap<>();
        put(m, "search", search.getValue());
        put(m, "model", model.getValue());
        put(m, "dataset", dataset.getValue());
        put(m, "status", status.getValue());
        put(m, "tag", tag.getValue());
        return m;
    }

    private static void put(Map<String, String> m, String key, String value) {
        if (value != null && !value.isBlank()) {
            m.put(key, value.trim());
        }
    }

    private boolean filtered() {
        return !filters().isEmpty();
    }

    /** The filters in words: search 'trees', status FAILED. */
    private String describeFilters() {
        List<String> parts = new java.util.ArrayList<>();
        filters().forEach((k, v) -> parts.add(k + (k.equals("search") || k.equals("tag") ? " '" + v + "'" : " " + v)));
        return String.join(", ", parts);
    }

    private void clearFilters() {
        search.clear();
        tag.clear();
        status.clear();
        model.clear();
        dataset.clear();
    }

    private Extra extra(ExperimentSummary e) {
        return extras.computeIfAbsent(e.id(), id -> extra(e, Map.of()));
    }

    /** Layers and samples from the run's stored parameters; its result from {@code controlled}. */
    static Extra extra(ExperimentSummary e, Map<String, Integer> controlled) {
        List<String> layers = List.of();
        Integer samples = null;
        try {
            JsonNode p = JSON.readTree(e.paramsJson() == null ? "{}" : e.paramsJson());
            List<String> ls = new java.util.ArrayList<>();
            p.path("layers").forEach(l -> ls.add(l.asText()));
            layers = ls;
            samples = p.path("samples").isNumber() ? p.path("samples").asInt() : null;
        } catch (java.io.IOException ex) {
            // parameters that do not parse show as blank cells
        }
        return new Extra(layers, samples, controlled);
    }

    /**
     * The run's result: its units interpretable with control, one number for one layer, "layer N" pairs for several;
     * "pending" while it has not got there, blank where none was stored (a run without the dissect step, a failed one).
     */
    private static String result(ExperimentSummary e, Extra x) {
        if (x.controlled().isEmpty()) {
            return List.of("QUEUED", "RUNNING", "RETRYING").contains(e.status()) ? "pending" : "";
        }
        if (x.controlled().size() == 1 && x.layers().size() <= 1) {
            return String.valueOf(x.controlled().values().iterator().next());
        }
        List<String> parts = new java.util.ArrayList<>();
        for (String l : x.layers().isEmpty() ? List.copyOf(x.controlled().keySet()) : x.layers()) {
            Integer n = x.controlled().get(l);
            parts.add(l + " " + (n == null ? (List.of("QUEUED", "RUNNING", "RETRYING").contains(e.status()) ? "pending" : "–") : n));
        }
        return String.join(" · ", parts);
    }

    private String result(ExperimentSummary e) {
        return result(e, extra(e));
    }

    /** How long it ran: first step's start to last step's end, or "... so far" while it runs; blank before it started. */
    static String duration(ExperimentSummary e) {
        if (e.startedAt() == null) {
            return "";
        }
        if (e.finishedAt() != null) {
            return Fmt.duration(e.startedAt(), e.finishedAt());
        }
        return List.of("QUEUED", "RUNNING").contains(e.status()) ? Fmt.duration(e.startedAt(), null) + " so far" : "";
    }

    private Registration poll;

    @Override
    protected void onAttach(AttachEvent event) {
        super.onAttach(event);
        // live status and progress: re-read the visible page every 2 seconds (a page is one indexed query)
        event.getUI().setPollInterval(2000);
        poll = event.getUI().addPollListener(e -> data.refreshAll());
    }

    @Override
    protected void onDetach(DetachEvent event) {
        poll.remove();
        super.onDetach(event);
    }

    private ExperimentFilter query(List<QuerySortOrder> sort) {
        String s = search.getValue();
        String t = tag.getValue();
        String by = sort.isEmpty() ? "created" : sort.get(0).getSorted();
        boolean asc = !sort.isEmpty() && sort.get(0).getDirection() == SortDirection.ASCENDING;
        return new ExperimentFilter(s == null || s.isBlank() ? null : s, status.getValue(), model.getValue(), dataset.getValue(),
                t == null || t.isBlank() ? null : t.trim(), by, asc);
    }
}
