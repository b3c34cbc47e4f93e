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
import org.ganscope.services.experiment.ExperimentResults;
import org.ganscope.services.experiment.Explanation;
import org.ganscope.services.unit.UnitImageService;
import java.util.Comparator;
import org.ganscope.ui.common.Fmt;

/**
 * Compositional explanations of a layer's units (the explain step): formula, its IoU, the
 * best single label's IoU and the gain, sortable; selecting a unit shows example images
 * with the formula's region bright and the unit's mask outlined. Hidden when the
 * experiment has no explanations for the layer.
 */
final class ExplanationsPanel extends VerticalLayout {
    private final ExperimentResults results;
    private final UnitImageService images;
    /** Rows shown without scrolling; a larger layer's explanations scroll inside a grid this high (header + 20 Lumo rows). */
    static final int VISIBLE_ROWS = 20;
    static final String GRID_HEIGHT = "calc(21 * var(--lumo-size-m) + 2px)";
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
        grid.addColumn(r -> fmt(r.iou())).setHeader("IoU").setComparator(Explanation::iou);
        grid.addColumn(Explanation::bestSingle).setHeader("best single label").setSortable(true);
        grid.addColumn(r -> fmt(r.bestSingleIou())).setHeader("single IoU").setComparator(Explanation::bestSingleIou);
        grid.addColumn(r -> fmt(r.gain())).setHeader("gain (IoU)").setComparator(Explanation::gain);
        card.setId("explanation-card");
        grid.asSingleSelect().addValueChangeListener(e -> showCard(e.getValue()));
        add(new H3("Compositional explanations"), summary, card, grid);
        setVisible(false);
    }

    void show(long experimentId, String layer) {
        this.experimentId = experimentId;
        this.layer = layer;
        List<Explanation> rows = layer == null ? List.of() : results.explanations(experimentId, layer).stream()
                .sorted(Comparator.comparingDouble(Explanation::gain).reversed()).toList(); // most compositional first
        setVisible(!rows.isEmpty());
        grid.setItems(rows);
        // every row up to VISIBLE_ROWS; more scroll inside a grid of that height
        grid.setAllRowsVisible(rows.size() <= VISIBLE_ROWS);
        if (rows.size() > VISIBLE_ROWS) {
            grid.setHeight(GRID_HEIGHT);
        }
        card.removeAll();
        if (!rows.isEmpty()) {
            long compound = rows.stream().filter(r -> r.gain() > 1e-12).count();
            double meanGain = rows.stream().mapToDouble(Explanation::gain).average().orElse(0);
            summary.setText(String.format(Locale.ROOT, "%d of %d units in %s are explained better by a formula than by one label"
                    + " (mean IoU gain %.3f)", compound, rows.size(), layer, meanGain));
        }
    }

    private void showCard(Explanation r) {
        card.removeAll();
        if (r == null) {
            return;
        }
        String text = String.format(Locale.ROOT, "unit %d: %s (IoU %.3f; best single label %s, IoU %.3f)", r.unit(), r.formula(), r.iou(),
                r.bestSingle(), r.bestSingleIou());
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
