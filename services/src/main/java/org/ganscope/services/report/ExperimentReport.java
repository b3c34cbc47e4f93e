package org.ganscope.services.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.ganscope.services.experiment.ExperimentResults;
import org.ganscope.services.experiment.ExperimentService;
import org.ganscope.services.experiment.ExperimentSummary;
import org.ganscope.services.experiment.Explanation;
import org.ganscope.services.experiment.Intervention;
import org.ganscope.services.experiment.StepSummary;
import org.ganscope.services.experiment.UnitCount;
import org.ganscope.services.experiment.UnitResult;
import org.ganscope.services.unit.UnitImageService;
import org.springframework.stereotype.Service;

/**
 * One self-contained HTML file of an experiment, readable offline and shareable: its parameters
 * and bundle hash, step timeline, per layer the interpretable counts with their intervals (as an
 * inline SVG figure and a table), the unit gallery of its best units (their top images inline as
 * PNG data URIs), the whole unit table, explanations, interventions and metrics. No script, no
 * link to the platform: everything is in the file.
 */
@Service
public class ExperimentReport {
    /** Gallery units per layer: the best by IoU (every unit is in the table). */
    static final int GALLERY = 24;
    static final int IMAGES = 4;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final ExperimentService experiments;
    private final ExperimentResults results;
    private final UnitImageService images;

    public ExperimentReport(ExperimentService experiments, ExperimentResults results, UnitImageService images) {
        this.experiments = experiments;
        this.results = results;
        this.images = images;
    }

    /** The report's file name. */
    public static String fileName(long id) {
        return "ganscope-experiment-" + id + "-report.html";
    }

    /** The report, or empty when there is no such experiment. */
    public Optional<byte[]> html(long id) {
        return experiments.find(id).map(e -> render(e, experiments.steps(id)).getBytes(StandardCharsets.UTF_8));
    }

    private String render(ExperimentSummary e, List<StepSummary> steps) {
        StringBuilder h = new StringBuilder(1 << 16);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>ganscope experiment ").append(e.id()).append(": ")
                .append(esc(e.name())).append("</title>\n<style>")
                .append("body{font-family:system-ui,sans-serif;margin:2em;max-width:80em;color:#222}")
                .append("table{border-collapse:collapse;margin:0.5em 0 1.5em}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;font-size:13px}")
                .append("th{background:#f4f4f4}.num{text-align:right;font-variant-numeric:tabular-nums}")
                .append(".gallery{display:flex;flex-wrap:wrap;gap:16px}.card{font-size:12px}.card img{image-rendering:pixelated;width:")
                .append(IMAGES * 128).append("px;height:128px;display:block}")
                .append("pre{background:#f8f8f8;padding:0.5em;font-size:12px;overflow:auto}.muted{color:#666}</style></head><body>\n");
        h.append("<h1>Experiment ").append(e.id()).append(": ").append(esc(e.name())).append("</h1>\n");
        String hash = hash(e.paramsJson());
        h.append("<table id=\"report-header\">");
        row(h, "status", e.status());
        row(h, "bundle", e.bundleName() + " (" + nz(e.dataset()) + ", " + nz(e.variant()) + ")");
        row(h, "bundle hash", hash);
        row(h, "launched by", nz(e.createdBy()));
        row(h, "created", time(e.createdAt()));
        row(h, "started", e.startedAt() == null ? "not started" : time(e.startedAt()));
        row(h, "finished", e.finishedAt() == null ? "not finished" : time(e.finishedAt()));
        row(h, "report made", time(Instant.now()));
        h.append("</table>\n");
        if (e.error() != null && !e.error().isBlank()) {
            h.append("<p><b>error:</b> ").append(esc(e.error())).append("</p>\n");
        }
        h.append("<h2>Parameters</h2>\n<pre id=\"report-parameters\">").append(esc(pretty(e.paramsJson()))).append("</pre>\n");
        h.append("<h2>Steps</h2>\n<table id=\"report-steps\"><tr><th>step</th><th>status</th><th>started</th><th>finished</th><th>work</th><th>error</th></tr>");
        for (StepSummary s : steps) {
            h.append("<tr><td>").append(esc(s.name() + (s.layer().isEmpty() ? "" : " " + s.layer()))).append("</td><td>").append(s.status())
                    .append("</td><td>").append(time(s.startedAt())).append("</td><td>").append(time(s.finishedAt())).append("</td><td class=\"num\">")
                    .append(s.done()).append(" of ").append(s.total()).append("</td><td>").append(esc(nz(s.error()))).append("</td></tr>");
        }
        h.append("</table>\n");
        List<String> layers = steps.stream().filter(s -> s.name().equals("dissect") && s.status().equals("SUCCEEDED")).map(StepSummary::layer)
                .distinct().toList();
        for (String layer : layers) {
            layer(h, e.id(), layer);
        }
        Map<String, Double> m = results.metrics(e.id(), "metrics");
        if (!m.isEmpty()) {
            h.append("<h2>Metrics of the generator's samples</h2>\n<table id=\"report-metrics\"><tr><th>metric</th><th>value</th></tr>");
            m.forEach((k, v) -> h.append("<tr><td>").append(esc(k)).append("</td><td class=\"num\">").append(num(v)).append("</td></tr>"));
            h.append("</table>\n");
        }
        h.append("<p class=\"muted\">Made by ganscope from the experiment's stored results. Intervals are 95% bootstrap intervals over"
                + " evaluation images unless said otherwise; the controlled count follows docs/CONTROLS.md.</p>\n</body></html>\n");
        return h.toString();
    }

    private void layer(StringBuilder h, long id, String layer) {
        List<UnitResult> units = results.units(id, layer);
        h.append("<h2 id=\"layer-").append(esc(layer)).append("\">Layer ").append(esc(layer)).append(" (").append(units.size()).append(" units)</h2>\n");
        List<UnitCount> counts = results.interpretableCounts(id, layer);
        if (!counts.isEmpty()) {
            h.append("<table class=\"report-counts\"><tr><th>rule</th><th>object</th><th>part</th><th>material</th><th>total</th></tr>");
            for (String rule : List.of("controlled", "spec", "top1")) {
                if (counts.stream().noneMatch(c -> c.rule().equals(rule))) {
                    continue;
                }
                h.append("<tr><td>").append(switch (rule) {
                    case "controlled" -> "interpretable with control";
                    case "spec" -> "without control";
                    default -> "without control, top-1% rule";
                }).append("</td>");
                for (String cat : List.of("object", "part", "material", "total")) {
                    h.append("<td class=\"num\">").append(counts.stream().filter(c -> c.rule().equals(rule) && c.category().equals(cat)).findFirst()
                            .map(c -> c.units() + (c.ciLow() == null ? "" : String.format(Locale.ROOT, " [%.0f, %.0f]", c.ciLow(), c.ciHigh())))
                            .orElse("")).append("</td>");
                }
                h.append("</tr>");
            }
            h.append("</table>\n");
            h.append(figure(counts));
        }
        // the gallery: the best units by IoU, their top images inline
        h.append("<h3>Unit gallery: the ").append(Math.min(GALLERY, units.size())).append(" units of highest IoU</h3>\n<p class=\"muted\">Each unit's top ")
                .append(IMAGES).append(" images; outside its thresholded activation the image is darkened, the mask's edge outlined in yellow.</p>\n");
        h.append("<div class=\"gallery\">");
        units.stream().sorted(Comparator.comparingDouble(UnitResult::iou).reversed().thenComparingInt(UnitResult::unit)).limit(GALLERY).forEach(u -> {
            h.append("<div class=\"card\" data-unit=\"").append(u.unit()).append("\">");
            try {
                byte[] png = images.strip(id, layer, u.unit(), IMAGES, 1);
                h.append("<img class=\"report-unit-image\" alt=\"top images of unit ").append(u.unit()).append("\" src=\"data:image/png;base64,")
                        .append(Base64.getEncoder().encodeToString(png)).append("\">");
            } catch (Exception ex) {
                h.append("<div class=\"muted\">(images could not be drawn: ").append(esc(String.valueOf(ex.getMessage()))).append(")</div>");
            }
            h.append("<b>unit ").append(u.unit()).append(" · ").append(esc(nz(u.labelName()))).append(" (").append(esc(nz(u.category()))).append(")</b><br>IoU ")
                    .append(interval(u.iou(), u.iouCiLow(), u.iouCiHigh()))
                    .append(u.lift() == null ? "" : String.format(Locale.ROOT, " · lift %+.3f", u.lift()))
                    .append(u.locationQ() == null ? "" : String.format(Locale.ROOT, " · q = %.2g", u.locationQ())).append("<br>")
                    .append(verdict(u)).append("</div>");
        });
        h.append("</div>\n");
        h.append("<h3>Units</h3>\n<table class=\"report-units\"><tr><th>unit</th><th>label</th><th>category</th><th>IoU [95%]</th><th>IQR</th>"
                + "<th>threshold</th><th>null IoU</th><th>location IoU</th><th>lift</th><th>p (location)</th><th>q (BH)</th><th>decision</th></tr>");
        for (UnitResult u : units) {
            h.append("<tr><td class=\"num\">").append(u.unit()).append("</td><td>").append(esc(nz(u.labelName()))).append("</td><td>")
                    .append(esc(nz(u.category()))).append("</td><td class=\"num\">").append(interval(u.iou(), u.iouCiLow(), u.iouCiHigh()))
                    .append("</td><td class=\"num\">").append(f3(u.iqr())).append("</td><td class=\"num\">")
                    .append(String.format(Locale.ROOT, "%.4f", u.threshold())).append("</td><td class=\"num\">").append(f3(u.nullIou()))
                    .append("</td><td class=\"num\">").append(f3(u.locationIou())).append("</td><td class=\"num\">")
                    .append(u.lift() == null ? "" : String.format(Locale.ROOT, "%+.3f", u.lift())).append("</td><td class=\"num\">")
                    .append(u.locationP() == null ? "" : String.format(Locale.ROOT, "%.2g", u.locationP())).append("</td><td class=\"num\">")
                    .append(u.locationQ() == null ? "" : String.format(Locale.ROOT, "%.2g", u.locationQ())).append("</td><td>").append(verdict(u))
                    .append("</td></tr>");
        }
        h.append("</table>\n");
        List<Explanation> ex = results.explanations(id, layer);
        if (!ex.isEmpty()) {
            h.append("<h3>Compositional explanations</h3>\n<table class=\"report-explanations\"><tr><th>unit</th><th>formula</th><th>IoU (search half)</th>"
                    + "<th>held-out IoU</th><th>best single concept</th><th>held-out gain</th></tr>");
            for (Explanation x : ex) {
                h.append("<tr><td class=\"num\">").append(x.unit()).append("</td><td>").append(esc(x.formula())).append("</td><td class=\"num\">")
                        .append(f3(x.iou())).append("</td><td class=\"num\">").append(f3(x.heldOutIou())).append("</td><td>").append(esc(x.bestSingle()))
                        .append("</td><td class=\"num\">").append(x.heldOutGain() == null ? "" : String.format(Locale.ROOT, "%+.3f", x.heldOutGain()))
                        .append("</td></tr>");
            }
            h.append("</table>\n");
        }
        List<Intervention> iv = results.interventions(id, layer);
        if (!iv.isEmpty()) {
            h.append("<h3>Ablation: top-n units of a class by IoU removed, against n random units</h3>\n<table class=\"report-ablation\"><tr><th>class</th>"
                    + "<th>n</th><th>share of the class removed</th><th>random units (mean ± sd)</th><th>p (empirical)</th></tr>");
            for (Intervention r : iv) {
                if (r.kind().equals("ablation")) {
                    h.append("<tr><td>").append(esc(r.className())).append("</td><td class=\"num\">").append(r.n()).append("</td><td class=\"num\">")
                            .append(String.format(Locale.ROOT, "%.4f", r.value())).append("</td><td class=\"num\">")
                            .append(String.format(Locale.ROOT, "%.4f ± %.4f", r.baseline(), r.spread())).append("</td><td class=\"num\">")
                            .append(r.pValue() == null ? "" : String.format(Locale.ROOT, "%.3f (%d draws)", r.pValue(), r.draws())).append("</td></tr>");
                }
            }
            h.append("</table>\n");
        }
    }

    /** The interpretable units per category under the controlled and the uncontrolled rule, as bars with their intervals (SVG). */
    static String figure(List<UnitCount> counts) {
        List<String> cats = List.of("object", "part", "material");
        double max = 1;
        for (UnitCount c : counts) {
            if (cats.contains(c.category())) {
                max = Math.max(max, c.ciHigh() == null ? c.units() : Math.max(c.units(), c.ciHigh()));
            }
        }
        int w = 420;
        int hgt = 200;
        StringBuilder s = new StringBuilder("<svg class=\"report-figure\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"" + (hgt + 50)
                + "\" role=\"img\" aria-label=\"interpretable units per category\">");
        String[][] rules = {{"controlled", "#1565c0", "with control"}, {"spec", "#90caf9", "without control"}};
        for (int ci = 0; ci < cats.size(); ci++) {
            for (int ri = 0; ri < rules.length; ri++) {
                String cat = cats.get(ci);
                String rule = rules[ri][0];
                Optional<UnitCount> c = counts.stream().filter(x -> x.rule().equals(rule) && x.category().equals(cat)).findFirst();
                if (c.isEmpty()) {
                    continue;
                }
                double x = 40 + ci * 125 + ri * 45;
                double bh = hgt * c.get().units() / max;
                s.append(String.format(Locale.ROOT, "<rect x=\"%.0f\" y=\"%.1f\" width=\"40\" height=\"%.1f\" fill=\"%s\"/>", x, hgt - bh + 10, bh, rules[ri][1]));
                if (c.get().ciLow() != null) {
                    double y1 = hgt - hgt * c.get().ciLow() / max + 10;
                    double y2 = hgt - hgt * c.get().ciHigh() / max + 10;
                    s.append(String.format(Locale.ROOT, "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#000\"/>", x + 20, x + 20, y1, y2));
                }
                s.append(String.format(Locale.ROOT, "<text x=\"%.0f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\">%d</text>", x + 20,
                        hgt - bh + 6, c.get().units()));
            }
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%s</text>", 40 + ci * 125 + 42, hgt + 25,
                    cats.get(ci)));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"40\" y=\"%d\" font-size=\"11\" fill=\"#1565c0\">■ with control</text>"
                + "<text x=\"160\" y=\"%d\" font-size=\"11\" fill=\"#5c8fc0\">■ without control</text>"
                + "<text x=\"290\" y=\"%d\" font-size=\"11\">| 95%% interval</text></svg>\n", hgt + 45, hgt + 45, hgt + 45));
        return s.toString();
    }

    private static String verdict(UnitResult u) {
        if (u.interpretableControlled() != null) {
            return u.interpretableControlled() ? "interpretable with control" : u.interpretable() ? "without control only" : "not interpretable";
        }
        return u.interpretable() ? "interpretable" : "not interpretable";
    }

    private static void row(StringBuilder h, String k, String v) {
        h.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v)).append("</td></tr>");
    }

    private static String hash(String paramsJson) {
        try {
            return JSON.readTree(paramsJson).path("bundleHash").asText("");
        } catch (Exception ex) {
            return "";
        }
    }

    /** The launch parameters, without the bundle's path on the server (a shared report names the bundle by name and hash). */
    private static String pretty(String json) {
        try {
            var n = JSON.readTree(json);
            if (n instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
                o.remove("bundlePath");
            }
            return JSON.writeValueAsString(n);
        } catch (Exception ex) {
            return json;
        }
    }

    private static String interval(double v, Double low, Double high) {
        return low == null || high == null ? f3(v) : f3(v) + " [" + f3(low) + ", " + f3(high) + "]";
    }

    private static String f3(Double v) {
        return v == null ? "" : Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "n/a";
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4g", v) : "n/a";
    }

    private static String time(Instant t) {
        return t == null ? "" : TIME.format(t);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
