package org.ganscope.ui.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.server.StreamResource;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.ganscope.services.experiment.ExperimentResults;
import org.ganscope.services.experiment.StepResults;
import com.vaadin.flow.component.html.Div;
import java.util.stream.Collectors;
import org.ganscope.ui.common.Fmt;
import org.ganscope.ui.common.EChart;

/**
 * The experiment's metrics and the layer's optimize and artifacts steps: the sample
 * metrics; per class the alpha objective per iteration, the final alpha of the top units
 * and the held-out effect against the top-n by IoU; the artifact units' before/after
 * gallery and the metric deltas of ablating the worst n against random n. Parts without
 * results are hidden.
 */
final class CausalPanel extends VerticalLayout {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ExperimentResults results;
    private final StepResults stored;

    /** A row of the artifact table: which units were ablated and the metrics with them gone. */
    record ArtifactRow(String ablated, double domainFd, double precision, double recall, double density, double coverage) {
    }

    CausalPanel(ExperimentResults results, StepResults stored) {
        this.results = results;
        this.stored = stored;
        setPadding(false);
    }

    void show(long id, String layer) {
        removeAll();
        Map<String, Double> m = results.metrics(id, "metrics");
        if (!m.isEmpty()) {
            Div p = metricsTable(m);
            add(new H3("Metrics"), p);
        }
        if (layer == null) {
            return;
        }
        stored.json(id, "optimize", layer).ifPresent(j -> showAlpha(j, layer));
        stored.json(id, "artifacts", layer).ifPresent(j -> showArtifacts(id, j, layer));
    }

    /** What each sample metric measures, against what, and which way is better. */
    static final List<String[]> METRICS = List.of(
            new String[] {"fd_efficientnet_lite0", "FD (EfficientNet-Lite0)", "Fréchet distance between generated and real statistics of "
                    + "EfficientNet-Lite0 (ImageNet) features, a network independent of the segmenter; n/a for bundles without its real "
                    + "statistics or with 1280 samples or fewer", "lower"},
            new String[] {"domain_fd", "domain FD (segmenter features)", "Fréchet distance between generated and real feature statistics", "lower"},
            new String[] {"swd", "SWD", "sliced Wasserstein distance between generated and real features (mean over projections)", "lower"},
            new String[] {"precision", "precision", "share of generated samples inside the real samples' k-NN manifold", "higher"},
            new String[] {"recall", "recall", "share of real samples inside the generated samples' k-NN manifold", "higher"},
            new String[] {"density", "density", "mean count of real k-NN balls a generated sample falls in, over k (1 = as dense as real)", "higher"},
            new String[] {"coverage", "coverage", "share of real samples whose k-NN ball holds a generated sample", "higher"});

    /**
     * The sample metrics as a table: value, its 95% bootstrap interval over the generated samples
     * (where the step recorded one), what it is measured against (for domain FD also the real
     * floor: the FD of the bundle's own real sample), and which way is better.
     */
    static Div metricsTable(Map<String, Double> m) {
        StringBuilder b = new StringBuilder("<table style=\"border-collapse: collapse\"><thead><tr>"
                + "<th style=\"text-align:left;padding:2px 8px\">metric</th><th style=\"text-align:right;padding:2px 8px\">value</th>"
                + "<th style=\"text-align:left;padding:2px 8px\">95% interval</th>"
                + "<th style=\"text-align:left;padding:2px 8px\">measured against</th><th style=\"text-align:left;padding:2px 8px\">better</th></tr></thead><tbody>");
        for (String[] def : METRICS) {
            if (!m.containsKey(def[0])) {
                continue;
            }
            Double lo = m.get(def[0] + "|ci_lo");
            Double hi = m.get(def[0] + "|ci_hi");
            String against = def[2];
            if (def[0].equals("domain_fd") && m.containsKey("domain_fd|real_floor")) {
                against += "; real floor " + Fmt.metric(m.get("domain_fd|real_floor")) + " (the FD of "
                        + Math.round(m.getOrDefault("domain_fd|real_floor_samples", 0.0)) + " real images against the same statistics)";
            }
            if (m.containsKey(def[0] + "|real_floor") && !def[0].equals("domain_fd")) {
                against += "; real floor " + Fmt.metric(m.get(def[0] + "|real_floor")) + " (the FD of "
                        + Math.round(m.getOrDefault(def[0] + "|real_floor_samples", 0.0)) + " held-out real images against the same statistics)";
            }
            // distances at four significant digits; the shares (and density) at three decimals, so 0.025 is not 0.02500 next to 0.000
            java.util.function.DoubleFunction<String> f = def[0].contains("fd") || def[0].equals("swd") ? Fmt::metric : Fmt::score;
            // name, value and interval on one line each (only "measured against" wraps)
            b.append("<tr><td style=\"padding:2px 8px;white-space:nowrap\">").append(def[1])
                    .append("</td><td style=\"text-align:right;padding:2px 8px;white-space:nowrap\">")
                    .append(f.apply(m.get(def[0]))).append("</td><td style=\"padding:2px 8px;white-space:nowrap\">")
                    .append(lo == null || hi == null ? "none recorded" : f.apply(lo) + " to " + f.apply(hi))
                    .append("</td><td style=\"padding:2px 8px\">").append(against)
                    .append("</td><td style=\"padding:2px 8px\">").append(def[3]).append("</td></tr>");
        }
        b.append("</tbody></table>");
        Div table = new Div();
        table.getElement().setProperty("innerHTML", b.toString()); // fixed texts and formatted numbers only, no user input
        Div d = new Div(table);
        d.setId("metrics-panel");
        Double reps = m.get("bootstrap|replicates");
        d.add(new Paragraph("Generated samples of this experiment against the bundle's real images: FD (EfficientNet-Lite0) in the features "
                + "of an ImageNet network independent of the segmenter, the others in the bundle's own (segmenter) feature space. "
                + (reps == null ? "No interval was recorded for this run."
                        : "Intervals: 2.5% to 97.5% percentiles of " + Math.round(reps) + " bootstrap replicates over the generated samples"
                        + " (seeded; the real statistics fixed); SWD has none.")
                + " Compare values only between experiments with the same sample count."));
        return d;
    }

    private void showAlpha(JsonNode result, String layer) {
        add(new H3("Alpha optimisation"));
        FlexLayout charts = new FlexLayout();
        charts.setFlexWrap(FlexLayout.FlexWrap.WRAP);
        int i = 0;
        for (JsonNode c : result.get("classes")) {
            String cls = c.get("class").asText();
            add(new Paragraph(String.format(Locale.ROOT, "'%s' in %s: held-out effect of alpha* %+.4f (initial alpha %+.4f) against the top %d"
                    + " units by IoU with the same total alpha %+.4f; ||alpha||_1 = %.2f after %d iterations", cls, layer,
                    c.get("held_out_delta").asDouble(), c.get("initial_held_out_delta").asDouble(), c.get("baseline_units").asInt(),
                    c.get("baseline_held_out_delta").asDouble(), c.get("alpha_l1").asDouble(), c.get("iterations").asInt())));
            EChart curve = new EChart("alpha-curve-" + i, "460px", "240px");
            EChart alpha = new EChart("alpha-final-" + i, "460px", "240px");
            i++;
            charts.add(curve, alpha);
            curve.setOption(curveOption(cls, c.get("delta_curve")));
            alpha.setOption(alphaOption(cls, c.get("alpha")));
        }
        add(charts);
    }

    /**
     * Room for the axis names: ECharts puts an axis name at the end of its axis, outside the
     * plot, where the default 10% margins clip it; tick labels are kept inside by containLabel.
     */
    static ObjectNode grid() {
        return JSON.createObjectNode().put("top", 56).put("right", 72).put("bottom", 12).put("left", 16).put("containLabel", true);
    }

    static String curveOption(String cls, JsonNode curve) {
        ObjectNode o = JSON.createObjectNode();
        o.putObject("title").put("text", "objective for '" + cls + "' per iteration").putObject("textStyle").put("fontSize", 13);
        o.putObject("tooltip").put("trigger", "axis");
        o.set("grid", grid());
        // a value axis over the iterations, not one category per iteration: a handful of round ticks (0, 50, 100, ...)
        // instead of a label per iteration squeezed under the line
        ObjectNode x = o.putObject("xAxis").put("type", "value").put("name", "iteration").put("min", 0)
                .put("max", Math.max(1, curve.size() - 1)).put("minInterval", 1).put("splitNumber", CURVE_TICKS);
        // the last iteration (59 of 60, say) is not labelled: beside the round tick before it, it read as a crowded pair
        x.putObject("axisLabel").put("hideOverlap", true).put("showMaxLabel", false);
        x.putObject("splitLine").put("show", false);
        o.putObject("yAxis").put("type", "value").put("name", "delta");
        ArrayNode d = o.putArray("series").addObject().put("type", "line").put("showSymbol", false).putArray("data");
        for (int k = 0; k < curve.size(); k++) {
            d.addArray().add(k).add(curve.get(k).asDouble());
        }
        return o.toString();
    }

    /** About this many ticks on the objective curve's iteration axis (ECharts rounds the step to 1, 2, 5 x 10^n). */
    static final int CURVE_TICKS = 5;

    /** The 20 units with the largest final alpha. */
    static String alphaOption(String cls, JsonNode alpha) {
        List<Integer> top = IntStream.range(0, alpha.size()).boxed()
                .sorted(Comparator.comparingDouble((Integer u) -> -alpha.get(u).asDouble()).thenComparingInt(u -> u)).limit(20).toList();
        ObjectNode o = JSON.createObjectNode();
        o.putObject("title").put("text", "final alpha, top 20 units ('" + cls + "')").putObject("textStyle").put("fontSize", 13);
        o.putObject("tooltip").put("trigger", "axis");
        o.set("grid", grid());
        // every bar is a unit a researcher looks up, so every bar keeps its label: turned, not skipped or overlapping
        ObjectNode xAxis = o.putObject("xAxis").put("type", "category").put("name", "unit");
        xAxis.putObject("axisLabel").put("interval", 0).put("rotate", 45).put("fontSize", 11);
        xAxis.putObject("axisTick").put("alignWithLabel", true);
        ArrayNode x = xAxis.putArray("data");
        o.putObject("yAxis").put("type", "value").put("name", "alpha").put("max", 1).put("min", 0);
        ArrayNode d = o.putArray("series").addObject().put("type", "bar").putArray("data");
        for (int u : top) {
            x.add(Integer.toString(u));
            d.add(alpha.get(u).asDouble());
        }
        return o.toString();
    }

    private void showArtifacts(long id, JsonNode result, String layer) {
        add(new H3("Artifact units"));
        List<Integer> worst = new ArrayList<>();
        result.get("worst_first").forEach(u -> {
            if (worst.size() < 20) {
                worst.add(u.asInt());
            }
        });
        Paragraph worstText = new Paragraph("units of " + layer + " by artifact score, worst first: "
                + String.join(", ", worst.stream().map(String::valueOf).toList()));
        worstText.setId("artifact-worst");
        add(worstText);
        List<ArtifactRow> rows = new ArrayList<>();
        rows.add(row("none", result.get("baseline")));
        for (JsonNode a : result.get("ablations")) {
            rows.add(row("worst " + a.get("n").asInt(), a.get("worst")));
            rows.add(randomRow(a));
        }
        if (result.has("metric_samples")) {
            add(new Paragraph("Each row's metrics are measured on this step's own " + result.get("metric_samples").asInt()
                    + " generated images (one fixed seed for every row), so 'none' is not the same sample as the Metrics table's and"
                    + " its domain FD differs from it; compare the rows of this table with each other."));
        }
        Grid<ArtifactRow> grid = new Grid<>();
        grid.setId("artifact-table");
        // the full text in the cell (the column is as wide as its longest entry) and in a tooltip
        grid.addColumn(ArtifactRow::ablated).setHeader("units ablated").setAutoWidth(true).setFlexGrow(0)
                .setTooltipGenerator(ArtifactRow::ablated).setClassNameGenerator(r -> "artifact-ablated");
        grid.addColumn(r -> fmt(r.domainFd())).setHeader("domain FD");
        // the shares (and density) at three decimals, like the Metrics table's; domain FD at four significant digits
        grid.addColumn(r -> share(r.precision())).setHeader("precision");
        grid.addColumn(r -> share(r.recall())).setHeader("recall");
        grid.addColumn(r -> share(r.density())).setHeader("density");
        grid.addColumn(r -> share(r.coverage())).setHeader("coverage");
        grid.setItems(rows);
        grid.setAllRowsVisible(true);
        add(grid);
        JsonNode causal = result.get("causal");
        if (causal != null) {
            List<Integer> cw = new ArrayList<>();
            causal.get("worst_first").forEach(u -> {
                if (cw.size() < 20) {
                    cw.add(u.asInt());
                }
            });
            add(new Paragraph(String.format(Locale.ROOT,
                    "causal: each unit ablated alone on %d images (seed %d); units whose removal lowers domain FD most, first: %s",
                    causal.get("score_images").asInt(), causal.get("score_seed").asLong(),
                    cw.stream().map(String::valueOf).collect(Collectors.joining(", ")))));
            Grid<JsonNode> cg = new Grid<>();
            cg.setId("causal-artifact-table");
            cg.addColumn(r -> "worst " + r.get("n").asInt()).setHeader(Fmt.header("units ablated (held-out seed " + causal.get("validate_seed").asLong() + ")"));
            cg.addColumn(r -> fmt(causal.get("validate_base_fd").asDouble())).setHeader(Fmt.header("domain FD, none"));
            cg.addColumn(r -> fmt(r.get("worst_fd").asDouble())).setHeader(Fmt.header("domain FD, worst n"));
            cg.addColumn(r -> fmt(r.get("random_fd_mean").asDouble()) + " ± " + fmt(r.get("random_fd_sd").asDouble()) + " (" + r.get("random_fd").size()
                    + " draws)").setHeader(Fmt.header("random n: mean ± sd")).setAutoWidth(true).setFlexGrow(0);
            cg.addColumn(r -> String.format(Locale.ROOT, "%.3f", r.get("p_value").asDouble())).setHeader(Fmt.header("p (random ≤ worst)"));
            List<JsonNode> vr = new ArrayList<>();
            causal.get("validation").forEach(vr::add);
            cg.setItems(vr);
            cg.setAllRowsVisible(true);
            add(cg);
        }
        stored.bytes(id, "artifacts", layer, ".png").ifPresent(png -> {
            Image img = new Image(new StreamResource("artifacts_before_after.png", () -> new ByteArrayInputStream(png)),
                    "before (top) and after ablating the worst units (bottom)");
            img.setId("artifact-gallery");
            img.setWidth("768px");
            img.getStyle().set("image-rendering", "pixelated");
            add(new Paragraph("top: generated samples; bottom: the same samples with the worst " + result.get("before_after_units").asInt()
                    + " units ablated"), img);
        });
    }

    /**
     * The random sets of n units: each metric's mean over the draws, with their number
     * ({@code random 5 (mean of 20 draws)}); results without the per-draw metrics show only the
     * stored mean domain FD.
     */
    static ArtifactRow randomRow(JsonNode a) {
        int n = a.get("n").asInt();
        JsonNode draws = a.get("random");
        if (draws == null || !draws.isArray() || draws.isEmpty()) {
            return new ArtifactRow("random " + n + " (mean of the draws)", a.get("random_fd_mean").asDouble(), Double.NaN, Double.NaN,
                    Double.NaN, Double.NaN);
        }
        double[] mean = new double[5];
        String[] names = {"domain_fd", "precision", "recall", "density", "coverage"};
        for (JsonNode d : draws) {
            for (int k = 0; k < names.length; k++) {
                mean[k] += d.get(names[k]).asDouble() / draws.size();
            }
        }
        return new ArtifactRow("random " + n + " (mean of " + draws.size() + " draw" + (draws.size() == 1 ? "" : "s") + ")",
                a.get("random_fd_mean").asDouble(), mean[1], mean[2], mean[3], mean[4]);
    }

    private static ArtifactRow row(String what, JsonNode m) {
        return new ArtifactRow(what, m.get("domain_fd").asDouble(), m.get("precision").asDouble(), m.get("recall").asDouble(),
                m.get("density").asDouble(), m.get("coverage").asDouble());
    }

    /** A share in [0, 1] (or density, near 1): three decimals; blank where the row has none. */
    private static String share(double v) {
        return Double.isNaN(v) ? "" : Fmt.score(v);
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "" : Fmt.metric(v);
    }
}
