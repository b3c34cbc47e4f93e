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
import org.ganscope.services.experiment.StepResults;
import org.ganscope.services.experiment.StepSummary;
import org.ganscope.services.experiment.PixelShare;
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
    /**
     * One experiment's column: the layer compared is the first layer it dissected that all share, else its own first.
     * {@code countsState} and {@code metricsState}: "" when the layer's dissection (the metrics step) finished, else
     * "pending" while it may still come, or "not run" when the experiment did not ask for it or ended without it.
     * {@code recipe}: the bundle's training recipe without its seed (its hash where the manifest records none), and
     * {@code trainingSeed} the generator's training seed ("" where unrecorded).
     */
    public record Column(ExperimentSummary experiment, String layer, Map<String, Integer> byCategory, List<ClassCount> classCounts,
            Map<String, Double> metrics, Map<String, String> params, List<UnitResult> units, List<String> dissectedLayers,
            List<UnitCount> counts, String countsState, String metricsState, String recipe, String trainingSeed,
            List<PixelShare> pixelShares) {
        public int interpretable() {
            return byCategory.values().stream().mapToInt(Integer::intValue).sum();
        }

        /**
         * The unit with the highest IoU among those labelled {@code className} that pass the controlled decision
         * (docs/CONTROLS.md; for a dissection made before the controls, the SPEC rule), if any.
         */
        public UnitResult bestUnit(String className) {
            return units.stream().filter(u -> u.labelName().equals(className)).filter(Column::passes)
                    .max((a, b) -> Double.compare(a.iou(), b.iou())).orElse(null);
        }

        static boolean passes(UnitResult u) {
            return u.interpretableControlled() != null ? u.interpretableControlled() : u.interpretable();
        }

        /** The count of {@code rule} ("controlled", "spec") and category ("total", ...), null while pending or absent. */
        public Double count(String rule, String category) {
            if (!countsState.isEmpty()) {
                return null;
            }
            return counts.stream().filter(c -> c.rule().equals(rule) && c.category().equals(category)).map(c -> (double) c.units()).findFirst()
                    .orElse(rule.equals("spec") ? (double) (category.equals("total") ? interpretable() : byCategory.getOrDefault(category, 0)) : null);
        }

        /** A sample metric, null while pending, not run or not measurable (NaN). */
        public Double metric(String name) {
            Double v = metricsState.isEmpty() ? metrics.get(name) : null;
            return v == null || !Double.isFinite(v) ? null : v;
        }

        /** The evaluation seed, and the training seed where recorded: "seed 1" or "seed 1 · training seed 100". */
        public String seeds() {
            return "seed " + params.getOrDefault("seed", "?") + (trainingSeed.isEmpty() ? "" : " · training seed " + trainingSeed);
        }
    }

    /** A parameter with its value per experiment; {@code differs} if they are not all equal. */
    public record ParamRow(String name, List<String> values, boolean differs) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ExperimentService experiments;
    private final ExperimentResults results;
    private final StepResults stored;

    public CompareService(ExperimentService experiments, ExperimentResults results, StepResults stored) {
        this.experiments = experiments;
        this.results = results;
        this.stored = stored;
    }

    /**
     * Units matched across variants: the first column's units paired with each other column's by the similarity of
     * their concept profiles (IoU with every class, from the dissections' stored results), with the concepts one model
     * has controlled-interpretable units for and the other lacks; one entry per other column, saying why where the two
     * cannot be matched (another dataset or layer, a dissection not finished).
     */
    public List<UnitMatches> matchedUnits(List<Column> columns) {
        List<UnitMatches> out = new ArrayList<>();
        for (int i = 1; i < columns.size(); i++) {
            out.add(UnitMatches.of(columns.get(0), columns.get(i), (id, layer) -> stored.json(id, "dissect", layer)));
        }
        return out;
    }

    /** The experiments that can be compared (SUCCEEDED), newest first, at most {@code limit}. */
    public List<ExperimentSummary> candidates(int limit) {
        return experiments.list(new ExperimentFilter(null, "SUCCEEDED", null, null, null, "created", false), 0, limit);
    }

    /**
     * One point of the many-run view: a finished experiment's layer with its dataset, variant, seeds, the controlled
     * count (null for a dissection made before the controls) and its sample metrics (null where not measured).
     */
    public record RunPoint(long id, String bundle, String dataset, String variant, String layer, String seed, String trainingSeed,
            Double controlled, Double spec, Double fd, Double domainFd, Double recall) {
    }

    /** Every dissected layer of the newest {@code limit} finished experiments, for the many-run view. */
    public List<RunPoint> manyRuns(int limit) {
        List<RunPoint> out = new ArrayList<>();
        for (ExperimentSummary e : candidates(limit)) {
            Map<String, String> p = flatten(e.paramsJson());
            Map<String, Double> m = results.metrics(e.id(), "metrics");
            String[] recipe = recipe(p.get("bundlePath"), p.getOrDefault("bundleHash", ""));
            for (String layer : p.getOrDefault("layers", "").split(",")) {
                List<UnitCount> counts = results.interpretableCounts(e.id(), layer);
                if (counts.isEmpty() && results.interpretableByCategory(e.id(), layer).isEmpty()) {
                    continue; // not dissected (a metrics-only run)
                }
                Double controlled = counts.stream().filter(c -> c.rule().equals("controlled") && c.category().equals("total"))
                        .map(c -> (double) c.units()).findFirst().orElse(null);
                Double spec = counts.stream().filter(c -> c.rule().equals("spec") && c.category().equals("total"))
                        .map(c -> (double) c.units()).findFirst().orElse(null);
                out.add(new RunPoint(e.id(), e.bundleName(), e.dataset(), e.variant(), layer, p.getOrDefault("seed", ""), recipe[1], controlled,
                        spec, finite(m.get("fd_efficientnet_lite0")), finite(m.get("domain_fd")), finite(m.get("recall"))));
            }
        }
        return out;
    }

    private static Double finite(Double v) {
        return v == null || !Double.isFinite(v) ? null : v;
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
            out.add(column(rows.get(i), layer, shown, layers.get(i)));
        }
        return out;
    }

    private Column column(ExperimentSummary e, String layer, Map<String, String> shown, List<String> layers) {
        long id = e.id();
        List<StepSummary> steps = experiments.steps(id);
        String[] recipe = recipe(flatten(e.paramsJson()).get("bundlePath"), flatten(e.paramsJson()).getOrDefault("bundleHash", ""));
        return new Column(e, layer, results.interpretableByCategory(id, layer), results.classCounts(id, layer), results.metrics(id, "metrics"),
                shown, results.units(id, layer), layers, results.interpretableCounts(id, layer), state(e, steps, "dissect", layer),
                state(e, steps, "metrics", ""), recipe[0], recipe[1], results.pixelShares(id));
    }

    /** "" when the step (of the layer) succeeded; "pending" while the experiment may still run it; else "not run". */
    static String state(ExperimentSummary e, List<StepSummary> steps, String step, String layer) {
        var s = steps.stream().filter(x -> x.name().equals(step) && x.layer().equals(layer)).findFirst();
        if (s.isPresent() && s.get().status().equals("SUCCEEDED")) {
            return "";
        }
        boolean open = e.status().equals("QUEUED") || e.status().equals("RUNNING");
        boolean asked = s.isPresent() || flatten(e.paramsJson()).getOrDefault("steps", "dissect").contains(step);
        return open && asked ? "pending" : "not run";
    }

    private final Map<String, String[]> recipes = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The bundle's training recipe without its seeds, as a short hash, and its training seed: from the manifest's
     * {@code training.generator.config} (schema 2) or {@code training.generator} (schema 1) with every field named
     * like a seed and the measured outcomes (losses, times, sessions) left out. Where the manifest records no training
     * (or cannot be read), the bundle's hash stands for the recipe and the training seed is "".
     */
    String[] recipe(String bundlePath, String bundleHash) {
        if (bundlePath == null) {
            return new String[] {bundleHash, ""};
        }
        return recipes.computeIfAbsent(bundlePath + "|" + bundleHash, k -> {
            try {
                JsonNode g = JSON.readTree(java.nio.file.Path.of(bundlePath, "manifest.json").toFile()).path("training").path("generator");
                JsonNode cfg = g.has("config") ? g.get("config") : g;
                if (!cfg.isObject() || cfg.isEmpty()) {
                    return new String[] {bundleHash, ""};
                }
                com.fasterxml.jackson.databind.node.ObjectNode c = ((com.fasterxml.jackson.databind.node.ObjectNode) cfg).deepCopy();
                String seed = c.path("seed").isValueNode() ? c.path("seed").asText() : "";
                List<String> drop = new ArrayList<>();
                c.fieldNames().forEachRemaining(n -> {
                    if (n.contains("seed") || n.startsWith("final_loss") || n.equals("wall_seconds") || n.equals("sessions")) {
                        drop.add(n);
                    }
                });
                c.remove(drop);
                var sha = java.security.MessageDigest.getInstance("SHA-256").digest(JSON.writeValueAsBytes(JSON.treeToValue(c, Object.class)));
                return new String[] {"recipe " + java.util.HexFormat.of().formatHex(sha).substring(0, 12), seed};
            } catch (Exception ex) {
                return new String[] {bundleHash, ""};
            }
        });
    }

    /** The compared runs grouped by everything but seed, with the mean and 95% interval of the headline numbers across each group. */
    public static List<SeedGroups.Group> groups(List<Column> columns) {
        Map<String, java.util.function.Function<Column, Double>> numbers = new LinkedHashMap<>();
        numbers.put("controlled", c -> c.count("controlled", "total"));
        numbers.put("spec", c -> c.count("spec", "total"));
        numbers.put("fd_efficientnet_lite0", c -> c.metric("fd_efficientnet_lite0"));
        numbers.put("domain_fd", c -> c.metric("domain_fd"));
        numbers.put("precision", c -> c.metric("precision"));
        numbers.put("recall", c -> c.metric("recall"));
        double inf = Double.POSITIVE_INFINITY;
        Map<String, double[]> ranges = Map.of("controlled", new double[] {0, inf}, "spec", new double[] {0, inf},
                "fd_efficientnet_lite0", new double[] {0, inf}, "domain_fd", new double[] {0, inf}, "precision", new double[] {0, 1},
                "recall", new double[] {0, 1});
        return SeedGroups.group(columns, c -> SeedGroups.key(c.params(), c.experiment().dataset(), c.experiment().variant(), c.recipe(), c.layer()),
                c -> c.experiment().id(), Column::seeds, c -> c.experiment().bundleName() + " · " + c.layer(), numbers, ranges);
    }

    /** A class of a concept group with each column's pixel share (null where that run has none), for the side-by-side table. */
    public record ShareRow(String group, String className, List<PixelShare> perColumn) {
    }

    /** The pixel shares of every column side by side: the classes of the first column's order, then any others. */
    public static List<ShareRow> pixelShares(List<Column> columns) {
        Map<String, ShareRow> rows = new LinkedHashMap<>();
        for (Column c : columns) {
            for (PixelShare p : c.pixelShares()) {
                rows.computeIfAbsent(p.group() + ":" + p.className(), k -> new ShareRow(p.group(), p.className(), new ArrayList<>()));
            }
        }
        List<ShareRow> out = new ArrayList<>();
        for (ShareRow r : rows.values()) {
            for (Column c : columns) {
                r.perColumn().add(c.pixelShares().stream().filter(p -> p.group().equals(r.group()) && p.className().equals(r.className()))
                        .findFirst().orElse(null));
            }
            out.add(r);
        }
        return out;
    }

    /** Parameters that differ among the columns and change what a shown number means. */
    public static List<MeaningFlags.Flag> flags(List<Column> columns) {
        return MeaningFlags.of(columns.stream().map(Column::params).toList());
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

    /**
     * Classes with units that pass the controlled decision (for dissections made before the controls: the SPEC rule)
     * in any column, most units (summed) first: the classes of both the per-class chart and the best-unit table.
     */
    public static List<String> classesByUnits(List<Column> columns) {
        Map<String, Integer> sum = new LinkedHashMap<>();
        for (Column c : columns) {
            for (ClassCount r : c.classCounts()) {
                int n = r.controlledUnits() != null ? r.controlledUnits() : r.interpretableUnits();
                if (n > 0) {
                    sum.merge(r.className(), n, Integer::sum);
                }
            }
        }
        return sum.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).map(Map.Entry::getKey).toList();
    }

    /** The layers of an experiment's parameters, comma separated (for picker labels). */
    public static String flattenLayers(String paramsJson) {
        return flatten(paramsJson).getOrDefault("layers", "").replace(",", ", ");
    }

    /**
     * The launch parameters as name to text: a list comma-joined, a nested object (the steps' parameters) as one entry
     * per leaf named by its path ({@code stepParams.metrics.samples}), null left out.
     */
    static Map<String, String> flatten(String json) {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            flatten("", JSON.readTree(json), out);
        } catch (Exception e) {
            out.put("parameters", Objects.toString(json));
        }
        return out;
    }

    private static void flatten(String prefix, JsonNode n, Map<String, String> out) {
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode v = e.getValue();
            String name = prefix + e.getKey();
            if (v.isArray()) {
                List<String> items = new ArrayList<>();
                v.forEach(x -> items.add(x.asText()));
                out.put(name, String.join(",", items));
            } else if (v.isObject()) {
                flatten(name + ".", v, out);
            } else if (!v.isNull()) {
                out.put(name, v.asText());
            }
        }
    }
}
