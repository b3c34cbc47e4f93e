package org.ganscope.services.experiment;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the generator cannot draw: one class of one concept group, its share of generated and of real pixels, each with
 * its 95% bootstrap interval over images (the metrics step; {@code realLow}/{@code realHigh} null where the bundle's
 * manifest gives the real share without per-image counts).
 */
public record PixelShare(String group, String className, double generated, Double generatedLow, Double generatedHigh, double real,
        Double realLow, Double realHigh) {
    /** Generated over real share; NaN where the class has no real pixels. */
    public double ratio() {
        return real > 0 ? generated / real : Double.NaN;
    }

    /** The stored prefix (MetricsActivitiesImpl.PIXEL_SHARES): {@code pixel_share:GROUP:CLASS|generated}, ... */
    static final String PREFIX = "pixel_share:";

    /**
     * The shares among a metrics step's stored values, the classes the generator draws least (relative to the real
     * data) first within each group; the group "main" first. Classes with neither generated nor real pixels are left out.
     */
    static List<PixelShare> of(Map<String, Double> metrics) {
        Map<String, Map<String, Double>> by = new LinkedHashMap<>();
        metrics.forEach((k, v) -> {
            int bar = k.indexOf('|');
            if (k.startsWith(PREFIX) && bar > 0) {
                by.computeIfAbsent(k.substring(PREFIX.length(), bar), x -> new LinkedHashMap<>()).put(k.substring(bar + 1), v);
            }
        });
        List<PixelShare> out = new ArrayList<>();
        by.forEach((name, v) -> {
            int colon = name.indexOf(':');
            Double gen = v.get("generated");
            Double real = v.get("real");
            if (colon < 0 || gen == null || real == null || gen == 0 && real == 0) {
                return;
            }
            out.add(new PixelShare(name.substring(0, colon), name.substring(colon + 1), gen, v.get("generated_ci_lo"), v.get("generated_ci_hi"),
                    real, v.get("real_ci_lo"), v.get("real_ci_hi")));
        });
        out.sort(Comparator.comparing((PixelShare p) -> !p.group().equals("main")).thenComparing(PixelShare::group)
                .thenComparingDouble(p -> Double.isNaN(p.ratio()) ? Double.MAX_VALUE : p.ratio()));
        return out;
    }
}
