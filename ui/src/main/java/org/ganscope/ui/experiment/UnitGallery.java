package org.ganscope.ui.experiment;

import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.virtuallist.VirtualList;
import com.vaadin.flow.data.renderer.ComponentRenderer;
import com.vaadin.flow.server.StreamResource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Objects;
import org.ganscope.services.experiment.UnitResult;
import org.ganscope.services.unit.UnitImageService;
import org.ganscope.ui.common.Fmt;

/**
 * The unit gallery of a layer, the view GAN Dissection is known for: per unit its top
 * images with the thresholded activation outlined, its label, IoU with its 95% bootstrap
 * interval and its lift over the location baseline. A virtual list (only the rows on
 * screen are rendered, their images fetched when shown), filterable by class, category
 * and whether the unit beats its location baseline, sorted by IoU or lift.
 */
final class UnitGallery extends VerticalLayout {
    static final int IMAGES = 4;
    /** About the cards on screen at first (the list is 32em high, a card about 100 px), plus a few. */
    private static final int PREFETCH = 8;
    /** The cards whose images the page waits for before it sends the panels below the gallery. */
    static final int FIRST_CARDS = 4;
    /** Where each shown unit is in the list: the first cards' images are fetched before those the list renders off screen. */
    private Map<Integer, Integer> position = Map.of();
    private final UnitImageService images;
    private final VirtualList<UnitResult> list = new VirtualList<>();
    private final ComboBox<String> label = new ComboBox<>("class");
    private final Select<String> category = new Select<>();
    private final Checkbox beats = new Checkbox("beats location baseline");
    private final Checkbox interpretable = new Checkbox("interpretable only");
    private final Select<String> sort = new Select<>();
    private final Span count = new Span();
    private List<UnitResult> rows = List.of();
    private long experiment;
    private String layer;

    UnitGallery(UnitImageService images) {
        this.images = images;
        setPadding(false);
        setId("unit-gallery-panel");
        label.setId("gallery-class");
        label.setClearButtonVisible(true);
        label.setPlaceholder("any");
        category.setId("gallery-category");
        category.setLabel("category");
        category.setItems("any", "object", "part", "material");
        category.setValue("any");
        beats.setId("gallery-beats");
        interpretable.setId("gallery-interpretable");
        sort.setId("gallery-sort");
        sort.setLabel("sort by");
        sort.setItems("IoU", "lift", "unit");
        sort.setValue("IoU");
        count.setId("gallery-count");
        list.setId("unit-gallery");
        list.setHeight("32em");
        list.setRenderer(new ComponentRenderer<>(this::card));
        label.addValueChangeListener(e -> apply());
        category.addValueChangeListener(e -> apply());
        beats.addValueChangeListener(e -> apply());
        interpretable.addValueChangeListener(e -> apply());
        sort.addValueChangeListener(e -> apply());
        HorizontalLayout filters = new HorizontalLayout(label, category, sort, beats, interpretable, count);
        filters.setAlignItems(Alignment.BASELINE);
        add(new H3("Unit gallery"), new Span("Each unit's top " + IMAGES + " images (by its peak activation; all the recorded top images"
                + " are on the unit's page, a click on a card opens it); outside the unit's thresholded"
                + " activation the image is darkened, the mask's edge outlined in yellow. IoU with its 95% bootstrap interval over images;"
                + " lift = IoU minus the IoU of the unit's location baseline."), filters, list);
    }

    /** Told the units the filters let through, by unit number (the unit table shows the same units). */
    private java.util.function.Consumer<List<UnitResult>> filtered = x -> { };

    void onFilter(java.util.function.Consumer<List<UnitResult>> listener) {
        this.filtered = listener;
    }

    void show(long experiment, String layer, List<UnitResult> rows) {
        show(experiment, layer, rows, List.of());
    }

    /** {@code classes}: classes the filter offers besides the units' labels (the classes of interest, e.g. door with no door unit). */
    void show(long experiment, String layer, List<UnitResult> rows, List<String> classes) {
        boolean same = experiment == this.experiment && Objects.equals(layer, this.layer) && rows.size() == this.rows.size();
        this.experiment = experiment;
        this.layer = layer;
        this.rows = rows;
        if (!same) {
            String keep = label.getValue();
            List<String> labels = java.util.stream.Stream.concat(rows.stream().map(UnitResult::labelName), classes.stream())
                    .filter(Objects::nonNull).distinct().sorted().toList();
            label.setItems(labels);
            label.setValue(labels.contains(keep) ? keep : null);
        }
        apply();
    }

    private void apply() {
        Comparator<UnitResult> order = switch (sort.getValue() == null ? "IoU" : sort.getValue()) {
            case "lift" -> Comparator.comparingDouble((UnitResult u) -> u.lift() == null ? Double.NEGATIVE_INFINITY : u.lift()).reversed();
            case "unit" -> Comparator.comparingInt(UnitResult::unit);
            default -> Comparator.comparingDouble(UnitResult::iou).reversed();
        };
        List<UnitResult> shown = rows.stream()
                .filter(u -> label.getValue() == null || label.getValue().equals(u.labelName()))
                .filter(u -> "any".equals(category.getValue()) || Objects.equals(category.getValue(), u.category()))
                .filter(u -> !beats.getValue() || Boolean.TRUE.equals(u.beatsLocation()))
                .filter(u -> !interpretable.getValue() || u.interpretable())
                .sorted(order.thenComparingInt(UnitResult::unit)).toList();
        Map<Integer, Integer> at = new HashMap<>();
        for (int i = 0; i < shown.size(); i++) {
            at.put(shown.get(i).unit(), i);
        }
        position = at;
        list.setItems(shown);
        // the first cards render on the server while the browser lays out the page
        images.prefetch(experiment, layer, shown.stream().limit(PREFETCH).map(UnitResult::unit).toList(), IMAGES, 1);
        count.setText(String.format(Locale.ROOT, "%d of %d units", shown.size(), rows.size()));
        count.getElement().setAttribute("data-shown", String.valueOf(shown.size()));
        filtered.accept(shown.stream().sorted(Comparator.comparingInt(UnitResult::unit)).toList());
    }

    /** The card's verdict, a caveat with the number that decides it. */
    static String verdict(UnitResult u) {
        if (!u.interpretable()) {
            return "not interpretable";
        }
        if (u.interpretableControlled() == null) {
            return "interpretable";
        }
        if (u.interpretableControlled()) {
            return "interpretable, beats location";
        }
        if (!Boolean.TRUE.equals(u.beatsLocation())) {
            return u.locationQ() == null ? "interpretable, but not above its location baseline"
                    : String.format(Locale.ROOT, "interpretable, but not above its location baseline: q = %.2g > 0.05", u.locationQ());
        }
        return String.format(Locale.ROOT, "interpretable, beats location, but too small an effect: lift %+.3f (needs ≥ 0.02, IoU ≥ 2× null)",
                u.lift() == null ? Double.NaN : u.lift());
    }

    /** The unit page's address. */
    static String unitPath(long experiment, String layer, int unit) {
        return "experiments/" + experiment + "/layers/" + java.net.URLEncoder.encode(layer, java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20") + "/units/" + unit;
    }

    private Div card(UnitResult u) {
        long exp = experiment;
        String l = layer;
        StreamResource png = new StreamResource("unit_" + exp + "_" + l + "_" + u.unit() + ".png", () -> {
            try {
                return new ByteArrayInputStream(images.strip(exp, l, u.unit(), IMAGES, 1));
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        });
        png.setCacheTime(3_600_000); // the strip of a stored dissection never changes: the browser keeps it for an hour
        Image img = new Image(png, "top images of unit " + u.unit());
        img.addClassName("gallery-image");
        // the list renders a screenful of cards more than it shows; the browser fetches the ones on screen first
        img.getElement().setAttribute("fetchpriority", position.getOrDefault(u.unit(), PREFETCH) < PREFETCH ? "high" : "low");
        // exactly 2x the 64-px tiles, nearest neighbour: crisp, not a blurry 1.5x
        img.getStyle().set("image-rendering", "pixelated").set("height", "128px").set("width", (IMAGES * 128) + "px").set("flex", "none")
                .set("background", "#eee");
        Span head = new Span(String.format(Locale.ROOT, "unit %d · %s (%s)", u.unit(), u.labelName(), u.category()));
        head.getStyle().set("font-weight", "600");
        Span iou = new Span("IoU " + Fmt.withInterval(u.iou(), u.iouCiLow(), u.iouCiHigh()));
        iou.addClassName("gallery-iou");
        Span control = new Span(u.lift() == null ? "no location control recorded"
                : String.format(Locale.ROOT, "lift %+.3f over location IoU %s · null IoU %s", u.lift(), Fmt.score(u.locationIou()), Fmt.score(u.nullIou())));
        Span verdict = new Span(verdict(u));
        boolean caveat = u.interpretable() && Boolean.FALSE.equals(u.interpretableControlled());
        verdict.addClassName("gallery-verdict");
        verdict.getStyle().set("color", caveat ? "#b26a00" : u.interpretable() ? "#2e7d32" : "var(--lumo-secondary-text-color)");
        VerticalLayout text = new VerticalLayout(head, iou, control, verdict);
        text.setPadding(false);
        text.setSpacing(false);
        Div card = new Div(img, text);
        card.addClassName("gallery-card");
        card.getElement().setAttribute("data-unit", String.valueOf(u.unit()));
        card.getElement().setAttribute("title", "open unit " + u.unit() + "'s page");
        // a click opens the unit's own page (at its address, so it can be shared and reopened)
        card.addClickListener(e -> card.getUI().ifPresent(ui -> ui.navigate(unitPath(exp, l, u.unit()))));
        card.getStyle().set("cursor", "pointer");
        card.getStyle().set("display", "flex").set("gap", "1em").set("align-items", "center").set("padding", "4px 0")
                .set("border-bottom", "1px solid var(--lumo-contrast-10pct)").set("min-height", "132px");
        return card;
    }
}
