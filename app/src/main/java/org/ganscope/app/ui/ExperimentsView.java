package org.ganscope.app.ui;

import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.provider.DataProvider;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.ganscope.db.ExperimentRepository;

/** All experiments: a lazy grid (fast at 10,000s of rows) with search and a status filter. */
@jakarta.annotation.security.PermitAll
@Route(value = "", layout = MainLayout.class)
@PageTitle("Experiments | ganscope")
public class ExperimentsView extends VerticalLayout {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    public ExperimentsView(ExperimentRepository experiments) {
        TextField search = new TextField();
        search.setPlaceholder("search name, notes, bundle");
        search.setId("search");
        search.setValueChangeMode(ValueChangeMode.LAZY);
        ComboBox<String> status = new ComboBox<>("status", ExperimentRepository.STATUSES);
        status.setClearButtonVisible(true);
        Grid<ExperimentRepository.ExperimentRow> grid = new Grid<>();
        grid.setId("experiments");
        grid.addColumn(ExperimentRepository.ExperimentRow::id).setHeader("id").setAutoWidth(true);
        grid.addColumn(ExperimentRepository.ExperimentRow::name).setHeader("name").setFlexGrow(2);
        grid.addColumn(ExperimentRepository.ExperimentRow::bundleName).setHeader("bundle");
        grid.addComponentColumn(e -> StatusBadge.of(e.status())).setHeader("status");
        grid.addColumn(e -> String.join(", ", e.tags())).setHeader("tags");
        grid.addColumn(e -> TIME.format(e.createdAt())).setHeader("created (UTC)");
        DataProvider<ExperimentRepository.ExperimentRow, Void> data = DataProvider.fromCallbacks(
                q -> experiments.list(query(search, status), q.getOffset(), q.getLimit()).stream(),
                q -> experiments.count(query(search, status)));
        grid.setItems(data);
        search.addValueChangeListener(e -> data.refreshAll());
        status.addValueChangeListener(e -> data.refreshAll());
        grid.addItemClickListener(e -> getUI().ifPresent(ui -> ui.navigate(ExperimentView.class,
                new com.vaadin.flow.router.RouteParameters("id", String.valueOf(e.getItem().id())))));
        setSizeFull();
        grid.setSizeFull();
        add(new HorizontalLayout(search, status, new Span("click a row for its steps and units")), grid);
    }

    private static ExperimentRepository.Query query(TextField search, ComboBox<String> status) {
        String s = search.getValue();
        return new ExperimentRepository.Query(s == null || s.isBlank() ? null : s, status.getValue(), null, null, null, "created", false);
    }
}
