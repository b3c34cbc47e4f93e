package org.ganscope.services.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.ganscope.services.experiment.ClassCount;
import org.ganscope.services.experiment.ExperimentFilter;
import org.ganscope.services.experiment.ExperimentResults;
import org.ganscope.services.experiment.ExperimentService;
import org.ganscope.services.experiment.ExperimentSummary;
import org.ganscope.services.experiment.UnitCount;
import org.ganscope.services.experiment.UnitResult;
import org.springframework.stereotype.Service;

/**
 * Compares experiments (across models, variants, datasets, layers) the way the paper's
 * variant table does: interpretable units per category next to the sample-quality metrics,
 * per-class unit counts, the parameters that differ, and the best unit of each class.
 */
@Service
public class CompareService {
    /** One experiment's column: the layer compared is the first layer it dissected that all share, else its own first. */
    public record Column(ExperimentSummary experiment, String layer, Map<String, Integer> byCategory, List<ClassCount> classCounts,
            Map<String, Double> metrics, Map<String, String> params, List<UnitResult> units, List<String> dissectedLayers,
            List<UnitCount> counts) {
        public int interpretable() {
            return byCategory.values().stream().mapToInt(Integer::intValue).sum();
        }

        /** The unit with the highest IoU among those labelled {@code className}, if any. */
        public UnitResult bestUnit(String className) {
            return units.stream().filter(u -> u.labelName().equals(className)).max((a, b) -> Double.compare(a.iou(), b.iou())).orElse(null);
        }
    }

    /** A parameter with its value per experiment; {@code differs} if they are not all equal. */
    public record ParamRow(String name, List<String> values, boolean differs) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ExperimentService experiments;
    private final ExperimentResults results;

    public CompareService(ExperimentService experiments, ExperimentResults results) {
        this.experiments = experiments;
        this.results = results;
    }

    /** The experiments that can be compared (SUCCEEDED), newest first, at most {@code limit}. */
    public List<ExperimentSummary> candidates(int limit) {
        return experiments.list(new ExperimentFilter(null, "SUCCEEDED", null, null, null, "created", false), 0, limit);
    }

    public List<Column> compare(List<Long> ids) {
        return compare(ids, Map.of());
    }

    /**
     * As {@link #compare(List)}, with a layer chosen per experiment ({@code layers}: experiment id to
     * layer; refused if that experiment did not dissect it); experiments without a choice get the
     * first layer all share, else their own first.
     */
    public List<Column> compare(List<Long> ids, Map<Long, String> chosen) {
        if (ids.size() > 8) {
            throw new IllegalArgumentException("compare at most 8 experiments at once");
        }
        List<ExperimentSummary> rows = new ArrayList<>();
        List<Map<String, String>> params = new ArrayList<>();
        for (long id : ids) {
            rows.add(experiments.find(id).orElseThrow(() -> new IllegalArgumentException("no experiment " + id)));
            params.add(flatten(rows.get(rows.size() - 1).paramsJson()));
        }
        List<List<String>> layers = params.stream().map(p -> List.of(p.getOrDefault("layers", "").split(","))).toList();
        String common = layers.isEmpty() ? null : layers.get(0).stream().filter(l -> layers.stream().allMatch(x -> x.contains(l))).findFirst().orElse(null);
        List<Column> out = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            long id = rows.get(i).id();
            String layer = common != null ? common : layers.get(i).get(0);
            if (chosen.containsKey(id)) {
                layer = chosen.get(id);
                if (!layers.get(i).contains(layer)) {
                    throw new IllegalArgumentException("experiment " + id + " did not dissect " + layer + "; its layers: " + String.join(", ", layers.get(i)));
                }
            }
            Map<String, String> shown = new LinkedHashMap<>(params.get(i));
            // a researcher compares bundles by name and a short hash, not by a server path
            if (shown.remove("bundlePath") != null) {
                shown.put("bundle", rows.get(i).bundleName());
            }
            out.add(new Column(rows.get(i), layer, results.interpretableByCategory(id, layer), results.classCounts(id, layer),
                    results.metrics(id, "metrics"), shown, results.units(id, layer), layers.get(i), results.interpretableCounts(id, layer)));
        }
        return out;
    }

    /** Every parameter of any of the experiments, with each one's value ("" when absent). */
    public static List<ParamRow> parameters(List<Column> columns) {
        Set<String> names = new LinkedHashSet<>();
        columns.forEach(c -> names.addAll(c.params().keySet()));
        names.remove("experimentId");
        List<ParamRow> out = new ArrayList<>();
        for (String n : names) {
            List<String> v = columns.stream().map(c -> c.params().getOrDefault(n, "")).toList();
            out.add(new ParamRow(n, v, v.stream().distinct().count() > 1));
        }
        return out;
    }

    /** Classes with interpretable units in any column, most units (summed) first. */
    public static List<String> classesByUnits(List<Column> columns) {
        Map<String, Integer> sum = new LinkedHashMap<>();
        for (Column c : columns) {
            for (ClassCount r : c.classCounts()) {
                if (r.interpretableUnits() > 0) {
                    sum.merge(r.className(), r.interpretableUnits(), Integer::sum);
                }
            }
        }
        return sum.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).map(Map.Entry::getKey).toList();
    }

    /** The layers of an experiment's parameters, comma separated (for picker labels). */
    public static String flattenLayers(String paramsJson) {
        return flatten(paramsJson).getOrDefault("layers", "").replace(",", ", ");
    }

    static Map<String, String> flatten(String json) {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            JsonNode n = JSON.readTree(json);
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                var e = it.next();
                JsonNode v = e.getValue();
                if (v.isArray()) {
                    List<String> items = new ArrayList<>();
                    v.forEach(x -> items.add(x.asText()));
                    out.put(e.getKey(), String.join(",", items));
                } else if (!v.isNull()) {
                    out.put(e.getKey(), v.asText());
                }
            }
        } catch (Exception e) {
            out.put("parameters", Objects.toString(json));
        }
        return out;
    }
}
