package org.ganscope.ui.experiment;

import com.vaadin.flow.shared.ui.LoadMode;
import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import java.util.List;
import java.util.Locale;
import org.ganscope.services.experiment.ExperimentResults;
import org.ganscope.services.experiment.ExperimentService;
import org.ganscope.services.experiment.ExperimentSummary;
import org.ganscope.services.experiment.StepSummary;
import org.ganscope.services.experiment.UnitCount;
import org.ganscope.services.experiment.UnitResult;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.NotFoundException;
import com.vaadin.flow.server.StreamResource;
import com.vaadin.flow.shared.Registration;
import com.vaadin.flow.function.SerializableConsumer;
import com.vaadin.flow.spring.security.AuthenticationContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.ganscope.services.experiment.ExperimentExport;
import org.ganscope.services.experiment.StepResults;
import org.ganscope.services.unit.UnitImageService;
import org.ganscope.workflows.experiment.ExperimentSpec;
import org.ganscope.ui.common.EChart;
import org.ganscope.ui.common.Fmt;
import org.ganscope.ui.common.StatusBadge;
import org.ganscope.ui.layout.MainLayout;

/** One experiment: status, step timeline with live progress, cancel/retry, and the unit table of a layer. */
@jakarta.annotation.security.PermitAll
@Route(value = "experiments/:id", layout = MainLayout.class)
@PageTitle("Experiment | ganscope")
public class ExperimentView extends VerticalLayout implements BeforeEnterObserver {
    private final ExperimentResults results;
    private final ExperimentService service;
    private final H2 title = new H2();
    private final Span status = new Span();
    private final Anchor bundleLink = new Anchor();
    private final Span launchedBy = new Span();
    private final Span started = new Span();
    private final Span finished = new Span();
    private final Span duration = new Span();
    private final Span parameters = new Span();
    private final Button cancel;
    private final Button retry;
    private final UnitGallery gallery;
    private final LayerFigure layerFigure = new LayerFigure();
    private final Paragraph emptyUnits = new Paragraph();
    private final Paragraph error = new Paragraph();
    private final Grid<StepSummary> stepGrid = new Grid<>();
    private final ComboBox<String> layer = new ComboBox<>("layer");
    private final Grid<UnitResult> units = new Grid<>();
    private final Span summary = new Span();
    private final Div ruleCounts = new Div();
    private final Div card = new Div();
    private final EChart chart = new EChart("category-chart", "520px", "220px");
    private final UnitImageService images;
    private final ExplanationsPanel explanations;
    private final InterventionsPanel interventions;
    private final CausalPanel causal;
    private final PixelSharesPanel pixelShares;
    private long id;
    private long lastSucceeded;
    private final AuthenticationContext auth;
    private final ExperimentExport export;
    private final HorizontalLayout downloads = new HorizontalLayout();
    private final TextArea notes = new TextArea("notes");
    private final TextField tags = new TextField("tags (comma separated)");
    /** The layer choice with its summary and downloads, and the unit table's title: hidden, like the table, until a layer is dissected. */
    private HorizontalLayout layerRow;
    private final H3 unitTableTitle = new H3("Unit table");
    private final HorizontalLayout annotations = new HorizontalLayout();
    private final Anchor reportLink;

    public ExperimentView(ExperimentResults results, ExperimentService service,
            UnitImageService images, AuthenticationContext auth,
            ExperimentExport export, StepResults stored, org.ganscope.services.report.ExperimentReport report) {
        this.auth = auth;
        // the shareable report: one HTML file with everything inline, readable offline
        Anchor reportLink = new Anchor(new StreamResource("report.html", () -> new ByteArrayInputStream(report.html(id).orElse(new byte[0]))),
                "report (HTML)");
        reportLink.getElement().setAttribute("download", true);
        reportLink.getElement().setAttribute("title", "one self-contained HTML file of this experiment: parameters, bundle hash, steps,"
                + " counts with intervals, unit gallery images, tables; opens offline");
        reportLink.setId("download-report");
        this.reportLink = reportLink;
        this.causal = new CausalPanel(results, stored);
        this.pixelShares = new PixelSharesPanel(results);
        this.export = export;
        this.images = images;
        this.explanations = new ExplanationsPanel(results, images);
        this.interventions = new InterventionsPanel(results);
        this.results = results;
        this.service = service;
        status.setId("status");
        stepGrid.setId("steps");
        stepGrid.addColumn(s -> s.name() + (s.layer().isEmpty() ? "" : " " + s.layer())).setHeader("step").setAutoWidth(true)
                .setFlexGrow(0);
        stepGrid.addComponentColumn(s -> StatusBadge.of(s.status())).setHeader("status");
        stepGrid.addColumn(StepSummary::attempt).setHeader("attempt").setAutoWidth(true).setFlexGrow(0);
        stepGrid.addColumn(s -> Fmt.time(s.startedAt())).setHeader("started").setAutoWidth(true);
        // a running step's duration grows with every poll; a step that never started (QUEUED, SKIPPED) has none
        stepGrid.addColumn(s -> s.startedAt() == null ? "" : Fmt.duration(s.startedAt(), s.finishedAt())
                + (s.finishedAt() == null ? " so far" : "")).setHeader("duration").setAutoWidth(true);
        stepGrid.addComponentColumn(s -> {
            Progress pr = Progress.of(s, Instant.now());
            ProgressBar p = new ProgressBar();
            p.setIndeterminate(pr.indeterminate());
            p.setValue(pr.bar());
            p.setWidth("8em");
            Span t = new Span(pr.text());
            t.getStyle().set("font-size", "0.85em").set("white-space", "nowrap");
            HorizontalLayout h = new HorizontalLayout(p, t);
            h.setAlignItems(Alignment.CENTER);
            h.addClassName("step-progress");
            h.getElement().setAttribute("data-done", String.valueOf(s.done()));
            h.getElement().setAttribute("data-total", String.valueOf(s.total()));
            if (s.revised()) {
                h.getElement().setAttribute("data-launch-total", String.valueOf(s.launchTotal()));
            }
            return h;
        }).setHeader("progress").setAutoWidth(true);
        stepGrid.addColumn(s -> s.error() == null ? "" : s.error()).setHeader("error").setFlexGrow(2);
        stepGrid.setAllRowsVisible(true);
        units.setId("units");
        // every column as wide as its values and its (wrapping) header need, so nothing reads "interpre…" or "[0.506, 0…";
        // the table scrolls sideways at a narrow window, the unit number and label staying in view
        units.addComponentColumn(u -> {
            Anchor a = new Anchor(UnitGallery.unitPath(id, layer.getValue(), u.unit()), String.valueOf(u.unit()));
            a.addClassName("unit-link");
            return a;
        }).setHeader("unit").setComparator(UnitResult::unit).setWidth("5.5rem").setFlexGrow(0).setFrozen(true);
        units.addColumn(UnitResult::labelName).setHeader("label").setSortable(true).setWidth("8rem").setFlexGrow(1).setFrozen(true);
        units.addColumn(UnitResult::category).setHeader("category").setSortable(true).setWidth("8rem").setFlexGrow(0);
        units.addColumn(u -> Fmt.score(u.iou())).setHeader("IoU").setComparator(UnitResult::iou).setWidth("5.5rem").setFlexGrow(0);
        units.addColumn(u -> Fmt.score(u.iqr())).setHeader("IQR").setComparator(UnitResult::iqr).setWidth("5.5rem").setFlexGrow(0);
        units.addColumn(u -> Fmt.threshold(u.threshold())).setHeader("threshold").setComparator(UnitResult::threshold).setWidth("7.5rem")
                .setFlexGrow(0);
        units.addColumn(u -> u.interpretableControlled() == null ? "" : u.interpretableControlled() ? "yes" : "")
                .setHeader(Fmt.header("interpretable (controlled)")).setSortable(true).setWidth("9.5rem").setFlexGrow(0);
        units.addColumn(u -> u.interpretable() ? "yes" : "").setHeader(Fmt.header("without control")).setSortable(true).setWidth("7.5rem")
                .setFlexGrow(0);
        // controls (null for dissections made before them): bootstrap interval, null IoU, location baseline
        units.addColumn(u -> u.iouCiLow() == null ? "" : "[" + Fmt.score(u.iouCiLow()) + ", " + Fmt.score(u.iouCiHigh()) + "]")
                .setHeader("IoU 95% CI").setWidth("9.5rem").setFlexGrow(0);
        units.addColumn(u -> u.nullIou() == null ? "" : String.format(Locale.ROOT, "%.3f", u.nullIou())).setHeader("null IoU")
                .setWidth("6rem").setFlexGrow(0);
        units.addColumn(u -> u.locationIou() == null ? "" : String.format(Locale.ROOT, "%.3f", u.locationIou())).setHeader(Fmt.header("location IoU"))
                .setComparator(u -> u.locationIou() == null ? -1 : u.locationIou()).setWidth("7.5rem").setFlexGrow(0);
        units.addColumn(u -> u.lift() == null ? "" : String.format(Locale.ROOT, "%+.3f", u.lift())).setHeader("lift")
                .setComparator(u -> u.lift() == null ? -9 : u.lift()).setWidth("5.5rem").setFlexGrow(0);
        units.addColumn(u -> u.locationP() == null ? "" : String.format(Locale.ROOT, "%.2g", u.locationP())).setHeader(Fmt.header("p (location)"))
                .setComparator(u -> u.locationP() == null ? 2 : u.locationP()).setWidth("8rem").setFlexGrow(0);
        units.addColumn(u -> u.locationQ() == null ? "" : String.format(Locale.ROOT, "%.2g", u.locationQ())).setHeader("q (BH)")
                .setComparator(u -> u.locationQ() == null ? 2 : u.locationQ()).setWidth("6.5rem").setFlexGrow(0);
        units.addColumn(u -> u.beatsLocation() == null ? "" : u.beatsLocation() ? "yes" : "").setHeader(Fmt.header("beats location"))
                .setSortable(true).setWidth("7.5rem").setFlexGrow(0);
        layer.addValueChangeListener(e -> showUnits());
        card.setId("unit-card");
        units.asSingleSelect().addValueChangeListener(e -> showCard(e.getValue()));
        // a double click on a row opens the unit's page (a single click shows its card below the table)
        units.addItemDoubleClickListener(e -> getUI().ifPresent(ui -> ui.navigate(UnitGallery.unitPath(id, layer.getValue(), e.getItem().unit()))));
        cancel = new Button("Cancel", e -> act(() -> service.cancel(id)));
        cancel.setId("cancel");
        retry = new Button("Retry", e -> act(() -> service.retry(id)));
        retry.setId("retry");
        gallery = new UnitGallery(images);
        // the gallery's filters apply to the unit table too (once the table is sent, after the gallery's first images)
        gallery.onFilter(shownUnits -> {
            filteredUnits = shownUnits;
            if (tableSent) {
                units.setItems(shownUnits);
            }
        });
        notes.setId("notes");
        notes.setWidth("30em");
        tags.setId("tags");
        Button save = new Button("Save notes and tags", e -> act(() -> {
            service.annotate(id, notes.getValue(), Arrays.stream(tags.getValue().split(",")).map(String::trim)
                    .filter(t -> !t.isEmpty()).toList());
            Notification.show("saved", 2000, Notification.Position.BOTTOM_START);
        }));
        save.setId("save-notes");
        save.setVisible(auth.hasRole("OPERATOR"));
        notes.setReadOnly(!auth.hasRole("OPERATOR"));
        tags.setReadOnly(!auth.hasRole("OPERATOR"));
        annotations.add(notes, tags, save);
        annotations.setAlignItems(Alignment.BASELINE);
        cancel.setVisible(false); // shown by refresh() only when the status allows it and the user is an operator
        retry.setVisible(false);
        bundleLink.setId("bundle-link");
        launchedBy.setId("launched-by");
        started.setId("started");
        finished.setId("finished");
        duration.setId("duration");
        parameters.setId("parameters");
        Div header = new Div();
        HorizontalLayout statusRow = new HorizontalLayout(status, cancel, retry);
        statusRow.setAlignItems(Alignment.CENTER); // the badge keeps its own height beside the buttons, not stretched to theirs
        field(header, "status", statusRow);
        field(header, "bundle", bundleLink);
        field(header, "launched by", launchedBy);
        field(header, "started", started);
        field(header, "finished", finished);
        field(header, "duration", duration);
        field(header, "parameters", parameters);
        field(header, "share", reportLink);
        header.setId("exp-header");
        header.getStyle().set("display", "grid").set("grid-template-columns", "max-content 1fr").set("column-gap", "1em").set("row-gap", "0.2em");
        summary.setId("layer-summary");
        ruleCounts.setId("rule-counts");
        // three equal columns, one row at any width (a label wraps inside its column): the rules read side by side
        ruleCounts.getStyle().set("display", "grid").set("grid-template-columns", "repeat(3, minmax(0, 1fr))").set("gap", "0.25em 1.5em")
                .set("max-width", "60em");
        emptyUnits.setId("units-empty");
        units.setHeight("24em");
        layerRow = new HorizontalLayout(layer, summary, downloads);
        downloads.getStyle().set("white-space", "nowrap");
        // the results first: the notes and tags, which researchers write rather than read, close the page
        add(title, header, error, new H3("Steps"), stepGrid, layerFigure,
                layerRow, ruleCounts, emptyUnits, gallery, chart, unitTableTitle,
                units, card, interventions, causal, pixelShares, explanations, new H3("Notes and tags"), annotations);
    }

    /**
     * What a step's progress cell shows: the bar's value (never full while work remains: a step that has counted all
     * its units but is still running, e.g. merging, shows a moving bar and "finishing"), its text with the percentage
     * rounded down, the time left at the measured rate, and a revised total marked.
     */
    record Progress(double bar, boolean indeterminate, String text) {
        static Progress of(StepSummary s, Instant now) {
            String revised = s.revised() ? " · total revised from " + s.launchTotal() : "";
            switch (s.status()) {
                case "SUCCEEDED":
                    return new Progress(1, false, "done" + revised);
                case "QUEUED":
                    return new Progress(0, false, "queued");
                case "SKIPPED":
                    return new Progress(0, false, "");
                default:
                    break;
            }
            boolean running = s.status().equals("RUNNING") || s.status().equals("RETRYING");
            if (s.total() <= 0) {
                return new Progress(0, running, running ? "running" : "");
            }
            double v = Math.min(1.0, (double) s.done() / s.total());
            if (running && s.done() >= s.total()) {
                return new Progress(0, true, "finishing" + revised);
            }
            long pct = (long) Math.floor(100 * v);
            Long eta = s.etaSeconds(now);
            String left = eta == null ? "" : " · about " + Fmt.duration(java.time.Duration.ofSeconds(eta)) + " left";
            return new Progress(v, false, pct + "%" + left + revised);
        }
    }

    /** A label cell and its value cell of the header grid. */
    private static void field(Div header, String label, Component value) {
        Span l = new Span(label);
        l.getStyle().set("color", "var(--lumo-secondary-text-color)");
        header.add(l, value);
    }

    private void act(Runnable r) {
        try {
            if (!auth.hasRole("OPERATOR")) { // checked here, on the server, not only by hiding the buttons
                throw new IllegalStateException("cancelling and retrying need the operator role");
            }
            r.run();
        } catch (RuntimeException ex) {
            Notification.show(ex.getMessage(), 5000, Notification.Position.MIDDLE);
        }
        refresh();
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        String raw = event.getRouteParameters().get("id").orElse("");
        id = raw.matches("\\d{1,18}") ? Long.parseLong(raw) : -1L;
        var x = id < 0 ? Optional.<ExperimentSummary>empty() : service.find(id);
        if (x.isEmpty()) {
            event.rerouteToError(NotFoundException.class, "There is no experiment " + raw + ".");
            return;
        }
        com.vaadin.flow.server.VaadinSession.getCurrent().setAttribute(org.ganscope.ui.playground.PlaygroundView.LAST_BUNDLE, x.get().bundleName());
        notes.setValue(x.get().notes() == null ? "" : x.get().notes());
        tags.setValue(String.join(", ", x.get().tags()));
        refresh();
    }

    @Override
    protected void onAttach(AttachEvent event) {
        super.onAttach(event);
        event.getUI().setPollInterval(1000);
        poll = event.getUI().addPollListener(e -> refresh());
    }

    private Registration poll;

    @Override
    protected void onDetach(DetachEvent event) {
        poll.remove();
        super.onDetach(event);
    }

    private void refresh() {
        var e = service.find(id);
        if (e.isEmpty()) {
            title.setText("No experiment " + id);
            return;
        }
        var x = e.get();
        title.setText("#" + x.id() + " " + x.name());
        status.setText(x.status());
        StatusBadge.style(status, x.status());
        boolean operator = auth.hasRole("OPERATOR");
        cancel.setVisible(operator && (x.status().equals("QUEUED") || x.status().equals("RUNNING")));
        retry.setVisible(operator && (x.status().equals("FAILED") || x.status().equals("CANCELLED")));
        error.setText(x.error() == null ? "" : x.error());
        error.setVisible(x.error() != null && !x.error().isBlank()); // no blank band under the header
        List<StepSummary> st = service.steps(id);
        boolean terminal = List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(x.status());
        if (!(terminal && st.equals(shownSteps))) { // a finished timeline is not sent again every second
            stepGrid.setItems(st);
            shownSteps = st;
        }
        header(x, st);
        long succeeded = st.stream().filter(s -> s.status().equals("SUCCEEDED")).count();
        List<String> layers = st.stream().filter(s -> List.of("dissect", "explain", "artifacts").contains(s.name()) && s.status().equals("SUCCEEDED"))
                .map(StepSummary::layer).distinct().toList();
        if (!layers.equals(layer.getListDataView().getItems().toList())) {
            layer.setItems(layers);
            if (!layers.isEmpty() && layer.getValue() == null) {
                layer.setValue(layers.get(0));
            }
        } else if (succeeded != lastSucceeded && layer.getValue() != null) {
            showUnits(); // a later step of the shown layer (intervene, explain) finished
        }
        lastSucceeded = succeeded;
        if (layers.isEmpty()) {
            boolean dissecting = st.stream().anyMatch(s -> s.name().equals("dissect"));
            emptyUnits.setText(!dissecting ? "This experiment has no dissect step, so there are no units to show."
                    : List.of("FAILED", "CANCELLED").contains(x.status()) ? "No layer was dissected: the experiment is " + x.status().toLowerCase(Locale.ROOT) + "."
                    : "The units appear here when the first layer's dissection has finished.");
        }
        emptyUnits.setVisible(layers.isEmpty());
        chart.setVisible(!layers.isEmpty());
        gallery.setVisible(!layers.isEmpty());
        units.setVisible(!layers.isEmpty());
        unitTableTitle.setVisible(!layers.isEmpty());
        layerRow.setVisible(!layers.isEmpty());
        if (layers.size() != shownLayers) {
            shownLayers = layers.size();
            layerFigure.show(layers, l -> results.interpretableCounts(id, l));
        }
    }

    private int shownLayers = -1;
    private List<UnitResult> filteredUnits;
    private boolean tableSent;
    private List<StepSummary> shownSteps = List.of();

    private void header(ExperimentSummary x, List<StepSummary> st) {
        bundleLink.setText(x.bundleName());
        bundleLink.setHref("models?bundle=" + URLEncoder.encode(x.bundleName(), StandardCharsets.UTF_8));
        launchedBy.setText(x.createdBy() == null || x.createdBy().isBlank() ? "not recorded" : x.createdBy());
        Instant first = st.stream().map(StepSummary::startedAt).filter(Objects::nonNull).min(Comparator.naturalOrder())
                .orElse(null);
        boolean done = List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(x.status());
        Instant last = done ? st.stream().map(StepSummary::finishedAt).filter(Objects::nonNull)
                .max(Comparator.naturalOrder()).orElse(x.updatedAt()) : null;
        started.setText(first == null ? "not yet (queued " + Fmt.time(x.createdAt()) + ")" : Fmt.time(first));
        finished.setText(done ? Fmt.time(last) : "still " + x.status().toLowerCase(Locale.ROOT));
        duration.setText(first == null ? "" : Fmt.duration(first, last) + (done ? "" : " so far"));
        parameters.setText(parameterText(x.paramsJson()));
    }

    private List<String> classesOfInterest() {
        try {
            var s = new ObjectMapper().readValue(service.find(id).orElseThrow().paramsJson(), ExperimentSpec.class);
            return s.classes() == null ? List.of() : s.classes();
        } catch (Exception ex) {
            return List.of();
        }
    }

    /** The parameters a researcher reads: counts, seeds, method, layers, steps, classes; the bundle by a short hash. */
    static String parameterText(String paramsJson) {
        try {
            var s = new ObjectMapper().readValue(paramsJson, ExperimentSpec.class);
            StringBuilder b = new StringBuilder();
            b.append("layers ").append(String.join(", ", s.layers()));
            b.append(" · samples ").append(s.samples()).append(" (seed ").append(s.seed()).append(')');
            b.append(" · threshold samples ").append(s.thresholdSamples()).append(" (seed ").append(s.thresholdSeed()).append(')');
            b.append(" · method ").append(s.method());
            if ("quantile".equalsIgnoreCase(s.method())) {
                b.append(" q = ").append(s.quantile());
            }
            b.append(" · top ").append(s.topK()).append(" images · batch ").append(s.batch()).append(" · shards ").append(s.shards());
            b.append(" · steps ").append(String.join(", ", s.steps() == null ? List.of("dissect") : s.steps()));
            if (s.classes() != null && !s.classes().isEmpty()) {
                b.append(" · classes ").append(String.join(", ", s.classes()));
            }
            if (s.bundleHash() != null) {
                b.append(" · bundle hash ").append(s.bundleHash(), 0, Math.min(12, s.bundleHash().length()));
            }
            return b.toString();
        } catch (Exception ex) {
            return "unreadable parameters: " + ex.getMessage();
        }
    }

    /** The selected unit's card: its top images with the thresholded activation overlaid. */
    private void showCard(UnitResult u) {
        card.removeAll();
        if (u == null) {
            return;
        }
        String l = layer.getValue();
        StreamResource png = new StreamResource("unit_" + u.unit() + ".png", () -> {
            try {
                return new ByteArrayInputStream(images.strip(id, l, u.unit()));
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        });
        Image img = new Image(png, "top images of unit " + u.unit());
        img.setId("unit-image");
        card.add(new Paragraph(String.format(Locale.ROOT, "unit %d: %s (%s), IoU %.3f, IQR %.3f; top %d images, outside the mask darkened",
                u.unit(), u.labelName(), u.category(), u.iou(), u.iqr(), u.topImages())), img);
    }

    private static Anchor download(String text, String file, Supplier<byte[]> bytes) {
        var a = new Anchor(new StreamResource(file,
                () -> new ByteArrayInputStream(bytes.get())), text);
        a.getElement().setAttribute("download", true);
        a.setId("download-" + text.replace(' ', '-').replace('.', '-'));
        return a;
    }

    private void showUnits() {
        downloads.removeAll();
        if (layer.getValue() != null) {
            String l = layer.getValue();
            long exp = id;
            Anchor csv = download("units.csv", "exp" + exp + "_" + l + "_units.csv", () -> export.unitsCsv(exp, l));
            csv.getElement().setAttribute("title", "IoU, IQR and the control scores with 6 decimals, thresholds with 9 significant digits;"
                    + " units.json has the full doubles and the experiment, layer, bundle hash and threshold method");
            downloads.add(csv,
                    download("units.json", "exp" + exp + "_" + l + "_units.json", () -> export.unitsJson(exp, l)),
                    download("launch spec", "exp" + exp + "_launch.json", () -> export.launchSpecJson(exp)));
        }
        String shown = layer.getValue();
        List<UnitResult> rows = shown == null ? List.of() : results.units(id, shown);
        Map<String, Integer> byCategory = Map.of();
        if (shown != null) {
            gallery.show(id, shown, rows, classesOfInterest());
            byCategory = results.interpretableByCategory(id, shown);
            List<UnitCount> counts = results.interpretableCounts(id, shown);
            summary.setText(LayerFigure.summary(rows.size(), byCategory, counts));
            showRuleCounts(counts);
        }
        // The gallery comes first: the rest of the layer (the unit table, the charts and their library, the explanations,
        // interventions, metrics and artifacts below) is sent once the browser has the gallery's first images, so that
        // neither the server nor the browser builds them while the gallery's cards and strips are on their way.
        Map<String, Integer> categories = byCategory;
        int wanted = Math.min(UnitGallery.FIRST_CARDS, rows.size());
        SerializableConsumer<Object> rest = ignored -> {
            if (!Objects.equals(shown, layer.getValue())) {
                return; // another layer was chosen meanwhile: its own call shows it
            }
            loadCharts();
            if (shown != null) {
                units.setItems(filteredUnits != null ? filteredUnits : rows);
                tableSent = true;
                chart.setOption(categoryOption(shown, categories));
            }
            explanations.show(id, shown);
            interventions.show(id, shown);
            causal.show(id, shown);
            pixelShares.show(id);
        };
        getElement().executeJs(AFTER_GALLERY, wanted).then(rest::accept, failure -> rest.accept(failure));
    }

    /**
     * Resolves once the first {@code $0} images of the gallery have finished loading (or failed), at
     * the latest after 4 s, so that a broken image never keeps the rest of the page away.
     */
    static final String AFTER_GALLERY = """
            const wanted = $0, started = performance.now();
            return new Promise(resolve => {
              const check = () => {
                const images = [...document.querySelectorAll('#unit-gallery img.gallery-image')].slice(0, wanted);
                if ((images.length >= wanted && images.every(i => i.complete)) || performance.now() - started > 4000) {
                  resolve(0);
                } else {
                  setTimeout(check, 30);
                }
              };
              check();
            });""";

    private boolean chartsLoaded;

    /** The chart library (about 1 MB of script), asked for once, after the gallery; EChart waits for it. */
    private void loadCharts() {
        if (!chartsLoaded) {
            chartsLoaded = true;
            getUI().ifPresent(ui -> ui.getPage().addJavaScript("context://webjars/echarts/5.5.0/echarts.min.js", LoadMode.LAZY));
        }
    }

    /** The layer's interpretable units under the three rules, side by side, each labelled; hidden without controls. */
    private void showRuleCounts(List<UnitCount> counts) {
        ruleCounts.removeAll();
        List<String[]> rules = LayerFigure.ruleCounts(counts);
        for (String[] r : rules) {
            Span label = new Span(r[0]);
            label.addClassName("rule-label");
            label.getStyle().set("color", "var(--lumo-secondary-text-color)").set("font-size", "var(--lumo-font-size-s)").set("display", "block");
            Span value = new Span(r[1]);
            value.addClassName("rule-value");
            value.getStyle().set("font-weight", "600").set("display", "block");
            Div d = new Div(label, value);
            d.addClassName("rule-count");
            ruleCounts.add(d);
        }
        ruleCounts.setVisible(!rules.isEmpty());
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The bar chart of interpretable units per category in a layer, built as JSON so any layer name is only data. */
    static String categoryOption(String layer, Map<String, Integer> byCategory) {
        var o = JSON.createObjectNode();
        o.putObject("title").put("text", "interpretable units in " + layer).putObject("textStyle").put("fontSize", 13);
        var x = o.putObject("xAxis").put("type", "category").putArray("data");
        o.putObject("yAxis").put("type", "value");
        var d = o.putArray("series").addObject().put("type", "bar").putArray("data");
        for (String cat : LayerFigure.CATEGORIES) {
            x.add(cat);
            d.add(byCategory.getOrDefault(cat, 0));
        }
        return o.toString();
    }
}
