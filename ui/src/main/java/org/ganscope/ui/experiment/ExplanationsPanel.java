package org.ganscope.ui.experiment;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.server.StreamResource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ganscope.services.experiment.ExperimentResults;
import org.ganscope.services.experiment.Explanation;
import org.ganscope.services.unit.UnitImageService;
import java.util.Comparator;
import org.ganscope.ui.common.Fmt;

/**
 * Compositional explanations of a layer's units (the explain step): formula, its held-out IoU
 * and gain over the best single label (both chosen on the search half of the images), the
 * single label's held-out IoU and the formula's search IoU, sortable, most held-out gain first;
 * above them the share of units whose held-out gain is >= 0.02; selecting a unit shows example images
 * with the formula's region bright and the unit's mask outlined. Hidden when the
 * experiment has no explanations for the layer.
 */
final class ExplanationsPanel extends VerticalLayout {
    private final ExperimentResults results;
    private final UnitImageService images;
    /** Rows shown without scrolling; a larger layer's explanations scroll inside a grid this high (header + 20 Lumo rows). */
    static final int VISIBLE_ROWS = 20;
    static final String GRID_HEIGHT = "calc(21 * var(--lumo-size-m) + 2px)";
    /** Held-out gain that counts (the explain step's HeldOut.MIN_GAIN). */
    static final double MIN_GAIN = 0.02;
    private final Grid<Explanation> grid = new Grid<>();
    private final Div card = new Div();
    private final Paragraph summary = new Paragraph();
    private long experimentId;
    private String layer;

    ExplanationsPanel(ExperimentResults results, UnitImageService images) {
        this.results = results;
        this.images = images;
        setPadding(false);
        grid.setId("explanations");
        grid.addColumn(Explanation::unit).setHeader("unit").setSortable(true).setAutoWidth(true);
        grid.addColumn(Explanation::formula).setHeader("formula").setSortable(true).setFlexGrow(3);
        grid.addColumn(r -> Fmt.score(r.heldOutIou())).setHeader("held-out IoU").setComparator(ExplanationsPanel::heldOutIou);
        grid.addColumn(r -> Fmt.score(r.heldOutGain())).setHeader("held-out gain").setComparator(ExplanationsPanel::heldOutGain);
        grid.addColumn(Explanation::bestSingle).setHeader("best single label").setSortable(true);
        grid.addColumn(r -> Fmt.score(r.heldOutSingleIou())).setHeader("single held-out IoU").setComparator(Explanation::bestSingleIou);
        grid.addColumn(r -> fmt(r.iou())).setHeader("search IoU").setComparator(Explanation::iou);
        card.setId("explanation-card");
        grid.asSingleSelect().addValueChangeListener(e -> showCard(e.getValue()));
        add(new H3("Compositional explanations"), summary, card, grid);
        setVisible(false);
    }

    void show(long experimentId, String layer) {
        this.experimentId = experimentId;
        this.layer = layer;
        List<Explanation> rows = layer == null ? List.of() : results.explanations(experimentId, layer).stream()
                .sorted(Comparator.comparingDouble(ExplanationsPanel::heldOutGain).reversed()).toList(); // most compositional on held-out images first
        setVisible(!rows.isEmpty());
        grid.setItems(rows);
        // every row up to VISIBLE_ROWS; more scroll inside a grid of that height
        grid.setAllRowsVisible(rows.size() <= VISIBLE_ROWS);
        if (rows.size() > VISIBLE_ROWS) {
            grid.setHeight(GRID_HEIGHT);
        }
        card.removeAll();
        if (!rows.isEmpty()) {
            summary.setText(summaryText(rows, layer, results.explainMetrics(experimentId, layer)));
        }
    }

    /**
     * What the panel says above the table: how many units' formulas beat their best single label
     * by at least 0.02 IoU on held-out images, with the step's bootstrap interval when recorded.
     */
    static String summaryText(List<Explanation> rows, String layer, Map<String, Double> metrics) {
        List<Explanation> judged = rows.stream().filter(r -> r.heldOutGain() != null && Double.isFinite(r.heldOutGain())).toList();
        if (judged.isEmpty()) { // recorded before the held-out split: the gain on the searched images only
            long compound = rows.stream().filter(r -> r.gain() > 1e-12).count();
            return String.format(Locale.ROOT, "%d of %d units in %s are explained better by a formula than by one label on the images searched"
                    + " (recorded before held-out judging; re-run the explain step)", compound, rows.size(), layer);
        }
        long gained = judged.stream().filter(r -> r.heldOutGain() >= MIN_GAIN).count();
        double mean = judged.stream().mapToDouble(Explanation::heldOutGain).average().orElse(0);
        Double low = metrics.get("held_out_gain_share_ci_low|" + MIN_GAIN);
        Double high = metrics.get("held_out_gain_share_ci_high|" + MIN_GAIN);
        String ci = low == null || high == null ? "" : String.format(Locale.ROOT, ", 95%% interval %.0f%%-%.0f%% by bootstrap over held-out images",
                100 * low, 100 * high);
        return String.format(Locale.ROOT, "Held-out gain >= %.2f: %d of %d units in %s (%.0f%%%s); mean held-out gain %+.3f."
                + " Formulas and best single labels are chosen on half the images and judged on the other half.", MIN_GAIN, gained, judged.size(),
                layer, 100.0 * gained / judged.size(), ci, mean);
    }

    private static double heldOutGain(Explanation r) {
        Double g = r.heldOutGain();
        return g == null || !Double.isFinite(g) ? Double.NEGATIVE_INFINITY : g;
    }

    private static double heldOutIou(Explanation r) {
        return r.heldOutIou() == null || !Double.isFinite(r.heldOutIou()) ? Double.NEGATIVE_INFINITY : r.heldOutIou();
    }

    private void showCard(Explanation r) {
        card.removeAll();
        if (r == null) {
            return;
        }
        String text = String.format(Locale.ROOT, "unit %d: %s (held-out IoU %s; best single label %s, held-out IoU %s; held-out gain %s;"
                + " on the searched images IoU %.3f vs %.3f)", r.unit(), r.formula(), Fmt.score(r.heldOutIou()), r.bestSingle(),
                Fmt.score(r.heldOutSingleIou()), Fmt.score(r.heldOutGain()), r.iou(), r.bestSingleIou());
        if (!r.hasExamples()) {
            card.add(new Paragraph(text + "; no example images recorded"));
            return;
        }
        long id = experimentId;
        String l = layer;
        StreamResource png = new StreamResource("explanation_" + r.unit() + ".png", () -> {
            try {
                return new ByteArrayInputStream(images.explanationStrip(id, l, r.unit()));
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        });
        Image img = new Image(png, "examples of unit " + r.unit() + ": " + r.formula());
        img.setId("explanation-image");
        card.add(new Paragraph(text + "; bright: the formula's region, yellow outline: the unit's mask"), img);
    }

    private static String fmt(double v) {
        return Fmt.score(v);
    }
}
