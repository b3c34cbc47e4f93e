package org.ganscope.analysis.dissect;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/** A static HTML report of a layer dissection, with unit image strips from units/. */
public final class DissectHtml {
    private DissectHtml() {
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** @param imaged units that have units/unit_NNNN.png */
    public static void write(LayerDissection d, Set<Integer> imaged, Path file) throws IOException {
        DissectionReport r = d.report();
        StringBuilder h = new StringBuilder();
        h.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>ganscope dissection: ")
                .append(esc(d.bundleName())).append(' ').append(esc(d.layer().name())).append("</title><style>")
                .append("body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse}")
                .append("td,th{padding:3px 8px;border-bottom:1px solid #ddd;text-align:left;font-size:13px}")
                .append("th{background:#f3f3f3}.num{text-align:right;font-variant-numeric:tabular-nums}")
                .append(".sw{display:inline-block;width:10px;height:10px;margin-right:4px;border:1px solid #999}")
                .append("img{image-rendering:pixelated}</style></head><body>");
        h.append("<h1>Dissection of ").append(esc(d.bundleName())).append(" / ").append(esc(d.layer().name())).append("</h1>");
        DissectParams p = d.params();
        h.append(String.format(Locale.ROOT, "<p>%d units of %dx%d; %d evaluation samples (seed %d); thresholds by %s from %d samples (seed %d)%s.</p>",
                d.units(), d.layer().height(), d.layer().width(), d.images(), p.seed(),
                p.method() == DissectParams.Method.IQR ? "IQR maximisation" : "upper quantile " + p.quantile(),
                p.thresholdSamples(), p.thresholdSeed(), ""));
        h.append("<p>Bundle hash <code>").append(esc(d.bundleHash())).append("</code></p>");
        UnitControls k = d.controls();
        if (k != null) {
            // the controlled count is the headline (docs/CONTROLS.md); the SPEC count one line below, "without control"
            double[] ctl = k.controlledCountInterval().get(UnitControls.TOTAL);
            double[] all = k.countInterval().get(UnitControls.TOTAL);
            h.append("<h2 id=headline>Interpretable units (controlled): ").append(k.controlledTotal()).append(" of ").append(d.units())
                    .append("</h2>");
            h.append(String.format(Locale.ROOT, "<p id=without-control>without control (SPEC: IQR &gt; 0.01, IoU &gt; 0.05): <b>%d</b> of %d;"
                    + " 95%% bootstrap intervals: controlled %.0f&ndash;%.0f, without control %.0f&ndash;%.0f.</p>",
                    r.nInterpretable(), d.units(), ctl[0], ctl[1], all[0], all[1]));
            h.append("<table><tr><th></th>");
            for (String c : UnitControls.CATEGORIES) {
                h.append("<th>").append(esc(c)).append("</th>");
            }
            h.append("<th>total</th></tr><tr><td>controlled</td>");
            for (String c : UnitControls.CATEGORIES) {
                h.append("<td class=num>").append(k.controlledByCategory().getOrDefault(c, 0)).append("</td>");
            }
            h.append("<td class=num>").append(k.controlledTotal()).append("</td></tr><tr><td>without control</td>");
            for (String c : UnitControls.CATEGORIES) {
                h.append("<td class=num>").append(d.interpretableByCategory().getOrDefault(c, 0)).append("</td>");
            }
            h.append("<td class=num>").append(r.nInterpretable()).append("</td></tr></table>");
            int[] f = k.funnel(r);
            h.append(String.format(Locale.ROOT, "<p>The decision (docs/CONTROLS.md): %d units pass the SPEC rule; %d of them beat their"
                    + " location baseline (a fixed mask of the unit's mean area where the label is most frequent on the threshold set)"
                    + " at p &le; %.2f uncorrected; %d after Benjamini-Hochberg at q = %.2f over the layer's %d units; %d also have the"
                    + " minimum effect (lift &ge; %.2f, IoU &ge; %.0f&times; null IoU): the controlled count. Under the top-1%% quantile"
                    + " rule (without control): %d %s.</p>", f[0], f[1], BenjaminiHochberg.Q, f[2], BenjaminiHochberg.Q, d.units(), f[3],
                    UnitControls.MIN_LIFT, UnitControls.NULL_RATIO, k.topRuleTotal(), esc(k.topRuleByCategory().toString())));
        } else {
            h.append("<h2 id=headline>Interpretable units without control (no controls counted): ").append(r.nInterpretable())
                    .append(" of ").append(d.units()).append("</h2><table><tr>");
            for (Map.Entry<String, Integer> e : d.interpretableByCategory().entrySet()) {
                h.append("<th>").append(esc(e.getKey())).append("</th>");
            }
            h.append("</tr><tr>");
            for (Map.Entry<String, Integer> e : d.interpretableByCategory().entrySet()) {
                h.append("<td class=num>").append(e.getValue()).append("</td>");
            }
            h.append("</tr></table>");
        }
        h.append("<h3>By class</h3><table><tr><th>class</th><th>category</th><th>pixel frequency</th>")
                .append(k == null ? "" : "<th>interpretable units (controlled)</th>").append("<th>without control</th></tr>");
        Map<String, Integer> byClass = d.interpretableByClass();
        Map<String, Integer> ctlClass = d.controlledByClass();
        double[] freq = d.classFrequencies();
        for (var c : d.classes()) {
            if (c.index() == 0) {
                continue;
            }
            h.append("<tr><td><span class=sw style=\"background:").append(esc(c.color())).append("\"></span>")
                    .append(esc(c.name())).append("</td><td>").append(esc(c.category())).append("</td><td class=num>")
                    .append(String.format(Locale.ROOT, "%.4f", freq[c.index()])).append("</td><td class=num>");
            if (k != null) {
                h.append(ctlClass.getOrDefault(c.name(), 0)).append("</td><td class=num>");
            }
            h.append(byClass.getOrDefault(c.name(), 0)).append("</td></tr>");
        }
        h.append("</table><h2>Units by IoU</h2><table><tr><th>unit</th><th>label</th><th>category</th><th>IoU</th><th>IQR</th>")
                .append("<th>threshold</th>")
                .append(k == null ? "" : "<th>interpretable (controlled)</th>").append("<th>without control</th>")
                .append(k == null ? "" : "<th>IoU 95% CI</th><th>null IoU</th><th>location IoU</th><th>lift</th><th>p</th><th>q (BH)</th>"
                        + "<th>beats location</th><th>min. effect</th>")
                .append("<th>top images (thresholded activation)</th></tr>");
        int[] order = IntStream.range(0, d.units()).boxed()
                .sorted(Comparator.comparingDouble((Integer u) -> -r.bestIou()[u]).thenComparingInt(u -> u))
                .mapToInt(Integer::intValue).toArray();
        for (int u : order) {
            var c = d.label(u);
            h.append(String.format(Locale.ROOT, "<tr><td class=num>%d</td><td>%s</td><td>%s</td><td class=num>%.4f</td>"
                            + "<td class=num>%.4f</td><td class=num>%.4g</td>", u, esc(c.name()), esc(c.category()),
                    r.bestIou()[u], r.bestIqr()[u], r.thresholds()[u]));
            if (k != null) {
                h.append("<td>").append(k.interpretableControlled()[u] ? "yes" : "").append("</td>");
            }
            h.append("<td>").append(r.interpretable()[u] ? "yes" : "").append("</td><td>");
            if (k != null) {
                h.append(String.format(Locale.ROOT, "%.3f&ndash;%.3f</td><td class=num>%.3f</td><td class=num>%.3f</td><td class=num>%+.3f</td>"
                        + "<td class=num>%.2g</td><td class=num>%.2g</td><td>%s</td><td>%s</td><td>", k.iouLow()[u], k.iouHigh()[u],
                        k.nullIou()[u], k.locationIou()[u], k.lift()[u], k.locationP()[u], k.locationQ()[u],
                        k.beatsLocation()[u] ? "yes" : "", k.minEffect()[u] ? "yes" : ""));
            }
            if (imaged.contains(u)) {
                h.append(String.format(Locale.ROOT, "<img src=\"units/unit_%04d.png\" height=64 loading=lazy>", u));
            }
            h.append("</td></tr>");
        }
        h.append("</table></body></html>\n");
        Files.writeString(file, h, StandardCharsets.UTF_8);
    }
}
