package org.ganscope.ui.experiments;

import com.vaadin.flow.component.AttachEvent;
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
 * sortable columns, status badges and each run's progress over its steps, refreshed live.
 */
@jakarta.annotation.security.PermitAll
@Route(value = "", layout = MainLayout.class)
@PageTitle("Experiments | ganscope")
public class ExperimentsView extends VerticalLayout {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);
    private final TextField search = new TextField();
    private final ComboBox<String> status = new ComboBox<>("status", ExperimentService.STATUSES);
    private final ComboBox<String> model = new ComboBox<>("model");
    private final ComboBox<String> dataset = new ComboBox<>("dataset");
    private final TextField tag = new TextField("tag");
    private final DataProvider<ExperimentSummary, Void> data;

    public ExperimentsView(ExperimentService experiments, BundleService bundles) {
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
            p.setWidth("5em");
            return p;
        }).setHeader("progress").setAutoWidth(true).setFlexGrow(0);
        // run timing: when its first step started, and how long it ran (so far, while it runs)
        grid.addColumn(e -> e.startedAt() == null ? "" : TIME.format(e.startedAt())).setHeader("started (UTC)").setAutoWidth(true);
        grid.addColumn(ExperimentsView::duration).setHeader("duration").setAutoWidth(true);
        grid.addColumn(e -> String.join(", ", e.tags())).setHeader("tags").setAutoWidth(true);
        grid.addColumn(e -> TIME.format(e.createdAt())).setHeader("created (UTC)").setSortProperty("created").setAutoWidth(true);
        data = DataProvider.fromCallbacks(
                q -> experiments.list(query(q.getSortOrders()), q.getOffset(), q.getLimit()).stream(),
                q -> experiments.count(query(List.of())));
        grid.setItems(data);
        search.addValueChangeListener(e -> data.refreshAll());
        tag.addValueChangeListener(e -> data.refreshAll());
        for (ComboBox<String> c : List.of(status, model, dataset)) {
            c.addValueChangeListener(e -> data.refreshAll());
        }
        grid.addItemClickListener(e -> getUI().ifPresent(ui -> ui.navigate(ExperimentView.class,
                new RouteParameters("id", String.valueOf(e.getItem().id())))));
        setSizeFull();
        grid.setSizeFull();
        HorizontalLayout filters = new HorizontalLayout(search, model, dataset, status, tag);
        filters.setAlignItems(Alignment.BASELINE);
        // on a line of its own: beside the five filters it was squeezed into a column one or two words wide
        Span hint = new Span("Click a row for its steps and results.");
        hint.setId("experiments-hint");
        hint.getStyle().set("color", "var(--lumo-secondary-text-color)").set("font-size", "var(--lumo-font-size-s)");
        add(filters, hint, grid);
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
