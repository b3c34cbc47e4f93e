package org.ganscope.ui.unit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.NotFoundException;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.StreamResource;
import com.vaadin.flow.shared.ui.LoadMode;
import jakarta.annotation.security.PermitAll;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ganscope.services.experiment.Explanation;
import org.ganscope.services.experiment.UnitResult;
import org.ganscope.services.unit.UnitDetail;
import org.ganscope.services.unit.UnitDetails;
import org.ganscope.services.unit.UnitImageService;
import org.ganscope.ui.common.EChart;
import org.ganscope.ui.common.Fmt;
import org.ganscope.ui.layout.MainLayout;

/**
 * One unit of one dissected layer, at its own address: its top images large (nearest-neighbour
 * magnified, with the thresholded activation outlined; click one to zoom), its activation histogram
 * with the threshold, its IoU with every class and per category, the location control and the
 * decision, its compositional explanation, its part in the ablation, insertion and alpha results,
 * and a link to the playground with the unit chosen.
 */
@PermitAll
@Route(value = "experiments/:id/layers/:layer/units/:unit", layout = MainLayout.class)
public class UnitView extends VerticalLayout implements BeforeEnterObserver, HasDynamicTitle {
    /** How many top images the page shows (at most the dissection's top k). */
    static final int IMAGES = 8;
    /** Nearest-neighbour magnification of the 64-px tiles: 192 px on screen, no blur. */
    static final int SCALE = 3;
    private static final int HISTOGRAM_SAMPLES = 32;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final UnitDetails details;
    private final UnitImageService images;
    private String title = "Unit | ganscope";

    public UnitView(UnitDetails details, UnitImageService images) {
        this.details = details;
        this.images = images;
        setId("unit-page");
    }

    @Override
    public String getPageTitle() {
        return title;
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        var p = event.getRouteParameters();
        String rawId = p.get("id").orElse("");
        String layer = p.get("layer").orElse("");
        String rawUnit = p.get("unit").orElse("");
        if (!rawId.matches("\\d{1,18}") || !rawUnit.matches("\\d{1,6}")) {
            event.rerouteToError(NotFoundException.class, "There is no unit " + rawUnit + " of " + layer + " in experiment " + rawId + ".");
            return;
        }
        long id = Long.parseLong(rawId);
        int unit = Integer.parseInt(rawUnit);
        var found = details.find(id, layer, unit);
        if (found.isEmpty()) {
            event.rerouteToError(NotFoundException.class, "There is no unit " + unit + " of " + layer + " in experiment " + id
                    + " (the layer may not be dissected yet).");
            return;
        }
        UnitDetail d = found.get();
        com.vaadin.flow.server.VaadinSession.getCurrent().setAttribute(org.ganscope.ui.playground.PlaygroundView.LAST_BUNDLE, d.bundleName());
        int shown = Math.min(IMAGES, d.unit().topImages());
        images.prefetchTiles(id, layer, unit, shown, SCALE); // renders while the browser builds the page
        title = "Unit " + unit + " · " + layer + " · #" + id + " | ganscope";
        removeAll();
        show(d, shown);
    }

    @Override
    protected void onAttach(AttachEvent event) {
        super.onAttach(event);
        event.getUI().getPage().addJavaScript("context://webjars/echarts/5.5.0/echarts.min.js", LoadMode.LAZY);
    }

    private void show(UnitDetail d, int shown) {
        UnitResult u = d.unit();
        H2 head = new H2(String.format(Locale.ROOT, "Unit %d · %s (%s)", u.unit(), u.labelName(), u.category()));
        head.setId("unit-title");
        Anchor back = new Anchor("experiments/" + d.experimentId(), "#" + d.experimentId() + " " + d.experimentName());
        back.setId("unit-back");
        Span where = new Span(" · " + d.bundleName() + " · " + d.layer() + " (" + d.units() + " units) · ");
        Anchor playground = new Anchor(playgroundUrl(d), "open in playground");
        playground.setId("unit-playground");
        playground.getElement().setAttribute("title", "the playground on this bundle and layer with this unit chosen, on its strongest top image");
        Div crumbs = new Div(back, where, playground);
        add(head, crumbs);

        // the top images first: they are what the page is for and what takes longest
        Div tiles = new Div();
        tiles.setId("unit-top-images");
        tiles.getStyle().set("display", "flex").set("flex-wrap", "wrap").set("gap", "12px");
        for (int k = 0; k < shown; k++) {
            tiles.add(tile(d, k, shown));
        }
        add(new H3("Top " + shown + " images"), new Span("The unit's " + shown + " strongest images (of " + u.topImages()
                + " recorded, by peak activation), magnified " + SCALE + "x without smoothing: outside the unit's thresholded"
                + " activation the image is darkened, the mask's edge outlined in yellow. Click an image to zoom."), tiles);

        add(new H3("Decision"), decision(d));
        add(new H3("Activation histogram"), histogram(d));
        add(new H3("IoU per class"), classes(d));
        add(new H3("Explanation"), explanation(d.explanation()));
        add(new H3("Causal results"), causal(d));
    }

    private Div tile(UnitDetail d, int k, int shown) {
        long id = d.experimentId();
        String layer = d.layer();
        int unit = d.unit().unit();
        StreamResource png = new StreamResource("unit_" + id + "_" + layer + "_" + unit + "_top" + k + ".png", () -> {
            try {
                return new ByteArrayInputStream(images.tile(id, layer, unit, k, shown, SCALE));
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        });
        png.setCacheTime(3_600_000);
        Image img = new Image(png, "top image " + (k + 1) + " of unit " + unit);
        img.addClassName("unit-top-image");
        img.setId("unit-top-" + k);
        img.getStyle().set("width", "192px").set("height", "192px").set("image-rendering", "pixelated").set("cursor", "zoom-in")
                .set("background", "#eee").set("display", "block");
        img.getElement().setAttribute("fetchpriority", "high");
        img.addClickListener(e -> zoom(png, k, d));
        String caption = k < d.topSamples().length ? String.format(Locale.ROOT, "sample %d · peak %s", d.topSamples()[k],
                k < d.topValues().length ? Fmt.metric(d.topValues()[k]) : "") : "";
        Span c = new Span(caption);
        c.getStyle().set("font-size", "var(--lumo-font-size-xs)").set("color", "var(--lumo-secondary-text-color)");
        Div box = new Div(img, c);
        box.addClassName("unit-top-tile");
        return box;
    }

    private void zoom(StreamResource png, int k, UnitDetail d) {
        Dialog dialog = new Dialog();
        dialog.setId("unit-zoom");
        Image big = new Image(png, "top image " + (k + 1) + " of unit " + d.unit().unit() + ", zoomed");
        big.setId("unit-zoom-image");
        big.getStyle().set("width", "576px").set("height", "576px").set("image-rendering", "pixelated").set("display", "block");
        big.addClickListener(e -> dialog.close());
        dialog.setHeaderTitle("unit " + d.unit().unit() + ", top image " + (k + 1)
                + (k < d.topSamples().length ? " (sample " + d.topSamples()[k] + ")" : ""));
        dialog.add(big);
        dialog.open();
    }

    /** The location control and the decision of docs/CONTROLS.md, each number with what decides it. */
    static Div decision(UnitDetail d) {
        UnitResult u = d.unit();
        Div box = new Div();
        box.setId("unit-decision");
        box.getStyle().set("display", "grid").set("grid-template-columns", "max-content 1fr").set("gap", "0.2em 1em");
        Map<String, String> rows = new LinkedHashMap<>();
        rows.put("label", u.labelName() + " (" + u.category() + ")");
        rows.put("IoU", Fmt.withInterval(u.iou(), u.iouCiLow(), u.iouCiHigh()) + (u.iouCiLow() == null ? "" : " (95% bootstrap interval over images)"));
        rows.put("IQR", Fmt.score(u.iqr()));
        rows.put("threshold", Fmt.threshold(u.threshold()));
        if (u.lift() != null) {
            rows.put("location baseline IoU", Fmt.score(u.locationIou()) + " (the same pixels in every image, where " + u.labelName()
                    + " is most frequent)");
            rows.put("null IoU", Fmt.score(u.nullIou()) + " (a mask of the unit's size placed at random)");
            double[] ci = d.liftInterval();
            rows.put("lift", String.format(Locale.ROOT, "%+.3f", u.lift()) + (ci == null ? ""
                    : String.format(Locale.ROOT, " [%+.3f, %+.3f] (95%%, delta method)", ci[0], ci[1])));
        }
        if (u.locationP() != null) {
            rows.put("location test", String.format(Locale.ROOT, "p = %.2g, q = %.2g (Benjamini-Hochberg over %d units): %s", u.locationP(),
                    u.locationQ(), d.units(), Boolean.TRUE.equals(u.beatsLocation()) ? "beats its location baseline (q ≤ 0.05)"
                            : "does not beat its location baseline (q > 0.05)"));
            rows.put("minimum effect", Boolean.TRUE.equals(u.minEffect()) ? "yes (lift ≥ 0.02 and IoU ≥ 2× null IoU)"
                    : "no (needs lift ≥ 0.02 and IoU ≥ 2× null IoU)");
        }
        rows.put("decision", verdict(u));
        rows.forEach((k, v) -> {
            Span l = new Span(k);
            l.getStyle().set("color", "var(--lumo-secondary-text-color)");
            Span value = new Span(v);
            value.addClassName("unit-fact");
            value.getElement().setAttribute("data-fact", k);
            box.add(l, value);
        });
        return box;
    }

    static String verdict(UnitResult u) {
        if (u.interpretableControlled() != null) {
            return u.interpretableControlled() ? "interpretable with control"
                    : u.interpretable() ? "interpretable without control only (" + (Boolean.TRUE.equals(u.beatsLocation())
                            ? "too small an effect" : "not above its location baseline: q = " + String.format(Locale.ROOT, "%.2g", u.locationQ())) + ")"
                    : "not interpretable (IoU ≤ 0.05 or IQR ≤ 0.01)";
        }
        return u.interpretable() ? "interpretable (no location control recorded)" : "not interpretable";
    }

    private EChart histogram(UnitDetail d) {
        EChart chart = new EChart("unit-histogram", "640px", "240px");
        long id = d.experimentId();
        String layer = d.layer();
        int unit = d.unit().unit();
        // drawn after the images: the histogram runs the generator's first layers on a few images
        getElement().executeJs("return 0;").then(ignored -> {
            try {
                chart.setOption(histogramOption(images.histogram(id, layer, unit, HISTOGRAM_SAMPLES, 40)));
            } catch (IOException | RuntimeException ex) {
                chart.setText("no histogram: " + ex.getMessage());
            }
        });
        return chart;
    }

    static String histogramOption(UnitImageService.Histogram h) {
        ObjectNode o = JSON.createObjectNode();
        o.putObject("title").put("text", String.format(Locale.ROOT, "activation over %d evaluation images (upsampled to image size);"
                + " %.1f%% of pixels above the threshold %s", h.samples(), 100 * h.above(), Fmt.threshold(h.threshold())))
                .putObject("textStyle").put("fontSize", 12);
        o.putObject("grid").put("left", 60).put("right", 20).put("top", 40).put("bottom", 40);
        o.putObject("tooltip").put("trigger", "axis");
        ObjectNode x = o.putObject("xAxis").put("type", "value").put("name", "activation").put("nameLocation", "middle").put("nameGap", 25);
        x.put("min", h.edges()[0]).put("max", h.edges()[h.edges().length - 1]);
        o.putObject("yAxis").put("type", "log").put("name", "pixels").put("min", 1);
        ObjectNode s = o.putArray("series").addObject().put("type", "bar").put("barWidth", "95%").put("name", "pixels");
        ArrayNode data = s.putArray("data");
        for (int b = 0; b < h.counts().length; b++) {
            data.addArray().add((h.edges()[b] + h.edges()[b + 1]) / 2).add(Math.max(h.counts()[b], 0));
        }
        ObjectNode ml = s.putObject("markLine").put("symbol", "none");
        ml.putObject("lineStyle").put("color", "#d32f2f").put("width", 2).put("type", "solid");
        ml.putArray("data").addObject().put("xAxis", h.threshold()).put("name", "threshold");
        ml.putObject("label").put("formatter", "threshold " + Fmt.threshold(h.threshold()));
        return o.toString();
    }

    private static Div classes(UnitDetail d) {
        Div box = new Div();
        if (d.classes().isEmpty()) {
            box.add(new Paragraph("The dissect step's stored result with the IoU of every class is not available."));
            return box;
        }
        UnitResult u = d.unit();
        // per category (object, part, material): its best class
        Map<String, UnitDetail.ClassScore> best = new LinkedHashMap<>();
        for (UnitDetail.ClassScore c : d.classes()) {
            best.merge(c.category(), c, (a, b) -> a.iou() >= b.iou() ? a : b);
        }
        Div groups = new Div();
        groups.setId("unit-groups");
        groups.getStyle().set("display", "flex").set("gap", "2em").set("margin-bottom", "0.5em");
        best.values().stream().sorted(Comparator.comparing(UnitDetail.ClassScore::category)).forEach(c -> {
            Span g = new Span(c.category() + ": " + c.name() + " " + interval(u, c));
            g.addClassName("unit-group");
            groups.add(g);
        });
        Grid<UnitDetail.ClassScore> grid = new Grid<>();
        grid.setId("unit-classes");
        grid.addColumn(UnitDetail.ClassScore::name).setHeader("class").setAutoWidth(true);
        grid.addColumn(UnitDetail.ClassScore::category).setHeader("category").setAutoWidth(true);
        grid.addColumn(c -> interval(u, c)).setHeader(Fmt.header("IoU [95% interval]")).setAutoWidth(true)
                .setComparator(UnitDetail.ClassScore::iou);
        grid.addColumn(c -> Fmt.score(c.iqr())).setHeader("IQR").setAutoWidth(true).setComparator(UnitDetail.ClassScore::iqr);
        grid.setItems(d.classes());
        grid.setAllRowsVisible(true);
        grid.setWidth("42em");
        box.add(new Span("Best class per category (the groups of this bundle's concepts):"), groups, grid,
                new Paragraph("The bootstrap interval is recorded for the unit's label only; the other classes' IoUs are point"
                        + " estimates over the same evaluation images."));
        return box;
    }

    private static String interval(UnitResult u, UnitDetail.ClassScore c) {
        return c.name().equals(u.labelName()) ? Fmt.withInterval(c.iou(), u.iouCiLow(), u.iouCiHigh()) : Fmt.score(c.iou());
    }

    private static Div explanation(Explanation e) {
        Div box = new Div();
        box.setId("unit-explanation");
        if (e == null) {
            box.add(new Paragraph("The explain step did not run for this layer (launch with the step \"explain\")."));
            return box;
        }
        Span f = new Span(e.formula());
        f.setId("unit-formula");
        f.getStyle().set("font-weight", "600");
        String held = e.heldOutIou() == null ? "no held-out IoU recorded"
                : String.format(Locale.ROOT, "held-out IoU %s (best single concept %s: %s, gain %+.3f)", Fmt.score(e.heldOutIou()),
                        e.bestSingle(), Fmt.score(e.heldOutSingleIou()), e.heldOutGain());
        Span h = new Span(held);
        h.setId("unit-formula-held-out");
        Span searched = new Span(" · searched on the even samples: IoU " + Fmt.score(e.iou()) + "; judged on the odd samples: ");
        box.add(f, searched, h);
        return box;
    }

    private static Div causal(UnitDetail d) {
        Div box = new Div();
        box.setId("unit-causal");
        if (d.shares().isEmpty()) {
            box.add(new Paragraph("The intervene and optimize steps did not run for this layer (launch with \"intervene\" and classes"
                    + " of interest)."));
            return box;
        }
        for (UnitDetail.CausalShare s : d.shares()) {
            List<String> parts = new ArrayList<>();
            parts.add(String.format(Locale.ROOT, "rank %d of %d units by IoU with %s", s.rank(), d.units(), s.className()));
            if (s.ablation().isEmpty()) {
                parts.add("in none of the ablated top-n sets");
            } else {
                double[] first = s.ablation().get(0);
                parts.add(String.format(Locale.ROOT, "in the ablated top-n sets from n = %d: removing those %d units removed %.1f%% of %s"
                        + " (random units %.1f%%, p = %.3f)", (int) first[0], (int) first[0], 100 * first[1], s.className(), 100 * first[2], first[3]));
            }
            if (s.insertedUnits() > 0) {
                parts.add(s.inserted() ? String.format(Locale.ROOT, "one of the %d units inserted (set to %s); together they add %s of %s",
                        s.insertedUnits(), Fmt.metric(s.insertionConstant()), s.insertionEffect() == null ? "n/a" : Fmt.metric(s.insertionEffect()),
                        s.className()) : "not among the " + s.insertedUnits() + " units inserted");
            }
            if (s.alpha() != null) {
                parts.add(String.format(Locale.ROOT, "optimised alpha %.3f (rank %d)", s.alpha(), s.alphaRank()));
            }
            Paragraph p = new Paragraph(s.className() + ": " + String.join("; ", parts) + ".");
            p.addClassName("unit-share");
            box.add(p);
        }
        return box;
    }

    static String playgroundUrl(UnitDetail d) {
        String cls = d.unit().labelName() == null ? "" : d.unit().labelName();
        long sample = d.topSamples().length > 0 ? d.topSamples()[0] : 0;
        return "playground?bundle=" + enc(d.bundleName()) + "&layer=" + enc(d.layer()) + "&class=" + enc(cls) + "&unit=" + d.unit().unit()
                + "&seed=" + d.evalSeed() + "&sample=" + sample;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
