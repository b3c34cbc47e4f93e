package org.ganscope.services.compare;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which launch parameters change what a compared number means, and where they differ among
 * the compared runs. A number measured under different parameters is not comparable as it
 * stands: FD is biased upwards at small sample counts (the same generator scores a higher FD
 * at 500 samples than at 1000), PRDC's k-nearest-neighbour radii shrink as the sample grows,
 * and a layer's interpretable count depends on how many evaluation images the location test
 * and the bootstrap had (power, interval width) and on how the thresholds were fixed.
 */
public final class MeaningFlags {
    /** The numbers the compare view shows, by kind. */
    public static final String SAMPLE_METRICS = "sample metrics";
    public static final String UNIT_COUNTS = "unit counts";

    /** A parameter that differs among the runs and changes the meaning of {@code numbers}: its value per run, and why. */
    public record Flag(String numbers, String parameter, List<String> values, String why) {
        /** One line: "sample metrics: metrics samples differ (40, 60): FD is biased ...". */
        public String text() {
            return numbers + ": " + parameter + " differ (" + String.join(" vs ", values.stream().distinct().toList()) + "): " + why;
        }
    }

    private static final Map<String, String> WHY = new LinkedHashMap<>();

    static {
        WHY.put("metrics samples", "FD and SWD are biased upwards at smaller samples, and precision/recall/density/coverage use k-NN radii that depend on the sample size");
        WHY.put("samples", "the evaluation images decide the location test's power, the intervals' width and each unit's IoU");
        WHY.put("threshold samples", "the threshold set fixes each unit's threshold and label");
        WHY.put("method", "IQR and quantile thresholds label units by different rules");
        WHY.put("quantile", "the activation quantile sets each unit's threshold");
    }

    private MeaningFlags() {
    }

    /**
     * The parameter values a number's meaning depends on, for one run's flattened parameters:
     * the metrics step's samples (stored in {@code stepParams.metrics.samples}; a spec stored
     * before it used {@code min(samples, 2000)}), and for unit counts the evaluation and
     * threshold samples, the method and (quantile mode) the quantile.
     */
    static Map<String, Map<String, String>> dependencies(Map<String, String> p) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        String metricsSamples = p.get("stepParams.metrics.samples");
        if (metricsSamples == null && p.get("samples") != null) {
            metricsSamples = String.valueOf(Math.min(Integer.parseInt(p.get("samples")), 2000));
        }
        Map<String, String> m = new LinkedHashMap<>();
        m.put("metrics samples", metricsSamples == null ? "" : metricsSamples);
        out.put(SAMPLE_METRICS, m);
        Map<String, String> u = new LinkedHashMap<>();
        u.put("samples", p.getOrDefault("samples", ""));
        u.put("threshold samples", p.getOrDefault("thresholdSamples", ""));
        u.put("method", p.getOrDefault("method", ""));
        u.put("quantile", "quantile".equals(p.get("method")) ? p.getOrDefault("quantile", "") : "");
        out.put(UNIT_COUNTS, u);
        return out;
    }

    /** The flags among runs with these flattened parameters (in column order); none when all agree. */
    public static List<Flag> of(List<Map<String, String>> params) {
        List<Flag> out = new ArrayList<>();
        if (params.size() < 2) {
            return out;
        }
        List<Map<String, Map<String, String>>> deps = params.stream().map(MeaningFlags::dependencies).toList();
        for (String numbers : List.of(SAMPLE_METRICS, UNIT_COUNTS)) {
            for (String param : deps.get(0).get(numbers).keySet()) {
                List<String> values = deps.stream().map(d -> d.get(numbers).get(param)).toList();
                if (values.stream().distinct().count() > 1) {
                    out.add(new Flag(numbers, param, values, WHY.get(param)));
                }
            }
        }
        return out;
    }
}
