package org.ganscope.ui.playground;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.StreamResource;
import jakarta.annotation.security.PermitAll;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Locale;
import org.ganscope.services.bundle.BundleService;
import org.ganscope.services.bundle.BundleSummary;
import org.ganscope.services.playground.PlaygroundService;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Function;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.ui.launch.LaunchView;
import org.ganscope.ui.layout.MainLayout;

/**
 * GANPaint-like playground: pick a bundle, layer, sample, class and how many of its units;
 * paint a region on the sample; remove or insert the concept there and see before and
 * after, with the class's share of the region as the segmenter sees it.
 */
@Route(value = "playground", layout = MainLayout.class)
@PageTitle("Playground | ganscope")
@PermitAll
public class PlaygroundView extends VerticalLayout implements BeforeEnterObserver {
    private final PlaygroundService playground;
    private final ComboBox<BundleSummary> bundle;
    private final ComboBox<String> layer = new ComboBox<>("layer");
    private final ComboBox<String> cls = new ComboBox<>("class");
    private final IntegerField seed = new IntegerField("seed");
    private final IntegerField sample = new IntegerField("sample");
    private final IntegerField units = new IntegerField("units (top-n by IoU)");
    /** Chosen units instead of the top n (a unit page opens the playground with its unit here). */
    private final com.vaadin.flow.component.textfield.TextField unitList = new com.vaadin.flow.component.textfield.TextField("or these units");
    private final IntegerField brush = new IntegerField("brush (cells)");
    private final RadioButtonGroup<String> mode = new RadioButtonGroup<>("edit");
    private final PaintCanvas canvas = new PaintCanvas(256);
    private final Image result = new Image();
    private final Paragraph outcome = new Paragraph("Paint a region (press and drag; nothing painted = the whole image), then apply.");
    /** A refused edit's reason, under the controls (not a pop-up over the image). */
    private final Paragraph problem = new Paragraph();
    /** What the result's six panels are. */
    private final Paragraph legend = new Paragraph();

    public PlaygroundView(BundleService bundles, PlaygroundService playground) {
        this.playground = playground;
        bundle = new ComboBox<>("bundle", bundles.all());
        bundle.setId("pg-bundle");
        bundle.setItemLabelGenerator(BundleSummary::name);
        layer.setId("pg-layer");
        cls.setId("pg-class");
        seed.setValue(0);
        sample.setValue(0);
        sample.setId("pg-sample");
        units.setValue(20);
        unitList.setId("pg-unit-list");
        unitList.setPlaceholder("e.g. 37, 51");
        unitList.setClearButtonVisible(true);
        unitList.setHelperText("empty: the top n");
        unitList.addValueChangeListener(e -> units.setEnabled(e.getValue().isBlank()));
        seed.setId("pg-seed");
        seed.setMin(0);
        sample.setMin(0);
        units.setMin(1);
        units.setMax(512);
        mode.setItems("remove", "insert");
        mode.setValue("remove");
        mode.setId("pg-mode");
        bundle.addValueChangeListener(e -> {
            List<String> ls = LaunchView.layersOf(e.getValue());
            List<String> cs = LaunchView.classesOf(e.getValue());
            layer.setItems(ls);
            cls.setItems(cs);
            if (!ls.isEmpty()) {
                layer.setValue(ls.get(ls.size() / 2));
            }
            if (!cs.isEmpty()) {
                cls.setValue(cs.get(0));
            }
        });
        layer.addValueChangeListener(e -> showSample());
        seed.addValueChangeListener(e -> showSample());
        sample.addValueChangeListener(e -> showSample());
        Button apply = new Button("Apply", e -> apply());
        apply.setId("pg-apply");
        result.setId("pg-result");
        outcome.setId("pg-outcome");
        problem.setId("pg-error");
        problem.getStyle().set("color", "var(--lumo-error-text-color)");
        problem.setVisible(false);
        legend.setId("pg-legend");
        legend.getStyle().set("font-size", "var(--lumo-font-size-s)").set("color", "var(--lumo-secondary-text-color)").set("margin", "0");
        legend.setVisible(false);
        result.setMaxWidth("100%");
        result.getStyle().set("image-rendering", "pixelated");
        sample.setManualValidation(true);
        seed.setManualValidation(true);
        brush.setId("pg-brush");
        brush.setValue(1);
        brush.setMin(1);
        brush.setMax(8);
        brush.setStepButtonsVisible(true);
        brush.addValueChangeListener(e -> canvas.brush(e.getValue() == null ? 1 : Math.min(8, Math.max(1, e.getValue()))));
        HorizontalLayout controls = new HorizontalLayout(bundle, layer, seed, sample, cls, units, unitList, mode, brush, apply);
        controls.setAlignItems(Alignment.BASELINE);
        controls.setWrap(true);
        VerticalLayout right = new VerticalLayout(outcome, legend, result);
        right.setPadding(false);
        add(controls, problem, new HorizontalLayout(canvas, right));
    }

    /** Choices can come in the address: ?bundle=outdoor-base-s100&layer=layer3&class=tree&sample=3&mode=insert. */
    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        var q = event.getLocation().getQueryParameters().getParameters();
        Function<String, String> p = k -> q.getOrDefault(k, List.of()).stream().findFirst().orElse(null);
        // the bundle asked for, else the one of the experiment or unit page the user came from
        Object last = com.vaadin.flow.server.VaadinSession.getCurrent() == null ? null
                : com.vaadin.flow.server.VaadinSession.getCurrent().getAttribute(LAST_BUNDLE);
        String wanted = p.apply("bundle") != null ? p.apply("bundle") : last instanceof String s ? s : null;
        bundle.getListDataView().getItems().filter(b -> b.name().equals(wanted)).findFirst().ifPresent(bundle::setValue);
        if (bundle.getValue() == null) { // defaults, so a first visit shows a sample at once: the first bundle, its middle layer
            bundle.getListDataView().getItems().findFirst().ifPresent(bundle::setValue);
        }
        if (p.apply("seed") != null && p.apply("seed").matches("\\d{1,9}")) {
            seed.setValue(Integer.parseInt(p.apply("seed")));
        }
        if (p.apply("unit") != null && p.apply("unit").matches("\\d{1,5}")) {
            unitList.setValue(p.apply("unit"));
        }
        if (p.apply("sample") != null && p.apply("sample").matches("\\d{1,9}")) {
            sample.setValue(Integer.parseInt(p.apply("sample")));
        }
        if ("insert".equals(p.apply("mode"))) {
            mode.setValue("insert");
        }
        if (p.apply("class") != null && cls.getListDataView().getItems().anyMatch(c -> c.equals(p.apply("class")))) {
            cls.setValue(p.apply("class"));
        }
        if (p.apply("layer") != null && layer.getListDataView().getItems().anyMatch(c -> c.equals(p.apply("layer")))) {
            layer.setValue(p.apply("layer"));
        }
    }

    /** The session attribute naming the bundle of the last experiment or unit page viewed. */
    public static final String LAST_BUNDLE = "ganscope.last-bundle";

    private void showSample() {
        // another image: the last edit's result and outcome belonged to the old one
        result.setSrc("");
        result.setVisible(false);
        legend.setVisible(false);
        outcome.setText("Paint a region (press and drag; nothing painted = the whole image), then apply.");
        problem.setVisible(false);
        BundleSummary b = bundle.getValue();
        if (!numbersValid()) {
            return;
        }
        String l = layer.getValue();
        if (b == null || l == null || seed.getValue() == null || sample.getValue() == null) {
            return;
        }
        long s = seed.getValue();
        long i = sample.getValue();
        int[] hw = playground.layerSize(b, l);
        canvas.show(new StreamResource("sample_" + s + "_" + i + ".png", () -> {
            try {
                return new ByteArrayInputStream(playground.sample(b, l, s, i));
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }), hw[0], hw[1]);
    }

    private void apply() {
        try {
            if (bundle.getValue() == null || layer.getValue() == null || cls.getValue() == null) {
                throw new IllegalArgumentException("choose a bundle, a layer and a class");
            }
            if (!numbersValid()) {
                return;
            }
            int[] chosen = chosenUnits(unitList.getValue());
            var edit = playground.paint(bundle.getValue(), layer.getValue(), seed.getValue(), sample.getValue(), cls.getValue(),
                    units.getValue() == null ? 20 : units.getValue(), chosen, "insert".equals(mode.getValue()), canvas.mask());
            problem.setVisible(false);
            result.setVisible(true);
            result.setSrc(new StreamResource("edit.png", () -> new ByteArrayInputStream(edit.png())));
            result.setAlt("before, after and the change; the class before, after and where it was lost or gained");
            outcome.setText(outcomeText(mode.getValue(), edit.units().length, cls.getValue(), layer.getValue(), edit.before(), edit.after(),
                    edit.regionPixels(), edit.millis(), edit.meanChange(), edit.maxChange()));
            legend.setText(legendText(cls.getValue(), edit.gain()));
            legend.setVisible(true);
        } catch (IllegalArgumentException | IOException | AnalysisException ex) {
            problem.setText(ex.getMessage());
            problem.setVisible(true);
        }
    }

    /**
     * Seed and sample as whole numbers of 0 or more, else the field is marked with the reason (naming it) and the reason
     * is said under the controls too; returns whether both are fine.
     */
    private boolean numbersValid() {
        boolean ok = true;
        List<String> refused = new java.util.ArrayList<>();
        for (IntegerField f : List.of(seed, sample)) {
            String name = f == seed ? "seed" : "sample";
            boolean bad = f.getValue() == null || f.getValue() < 0;
            f.setErrorMessage(bad ? name + " must be a whole number of 0 or more" : null);
            f.setInvalid(bad);
            if (bad) {
                refused.add(name + " must be a whole number of 0 or more" + (f.getValue() == null ? "" : " (not " + f.getValue() + ")"));
                ok = false;
            }
        }
        problem.setText(String.join("; ", refused));
        problem.setVisible(!ok);
        return ok;
    }

    /** The units typed in "or these units" (comma or space separated), null when none are typed. */
    static int[] chosenUnits(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String[] parts = text.trim().split("[,\\s]+");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            if (!parts[i].matches("\\d{1,5}")) {
                throw new IllegalArgumentException("units must be unit numbers separated by commas, not '" + parts[i] + "'");
            }
            out[i] = Integer.parseInt(parts[i]);
        }
        return out;
    }

    /**
     * What an edit did, in a researcher's words: the class's share of the painted region before and after, how much the
     * picture changed there, and what was re-rendered (only the generator's layers after the edited one, then the
     * segmenter) in how long.
     */
    static String outcomeText(String mode, int units, String cls, String layer, double before, double after, long regionPixels, long millis,
            double meanChange, int maxChange) {
        String picture = maxChange == 0
                ? " The picture did not change: " + ("remove".equals(mode) ? "these units are not active in the painted region, so removing them"
                        + " changes nothing there; paint where they fire, or choose other units." : "setting these units changes nothing.")
                : String.format(Locale.ROOT, " The picture changed by %.1f levels of 255 on average in the painted region (by up to %d in the image).",
                        meanChange, maxChange);
        return String.format(Locale.ROOT, "%s %d '%s' units: '%s' covers %.1f%% of the painted region before, %.1f%% after"
                + " (%d segmentation pixels).%s The generator's layers after %s and the segmenter re-rendered the image in %d ms.",
                mode, units, cls, cls, 100 * before, 100 * after, regionPixels, picture, layer, millis);
    }

    /** What the six panels show. */
    static String legendText(String cls, int gain) {
        return String.format(Locale.ROOT, "Top: before, after, and the change |after \u2212 before| (amplified %d\u00d7; white: changed most)."
                + " Bottom: where the segmenter sees '%s' before and after (blue), and where it lost (red) or gained (green) it."
                + " Yellow: the painted region.", gain, cls);
    }
}
