package org.ganscope.services.compare;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.hipparchus.distribution.continuous.TDistribution;

/**
 * Runs that differ only by seed, grouped: everything else equal (dataset, variant, the
 * training recipe without its seed, layer, and every launch parameter except the evaluation
 * and threshold seeds and the steps' derived seeds). Per group the mean of each number across
 * its runs and the 95% t-interval of that mean, {@code mean +- t(0.975, n-1) s / sqrt(n)}, with
 * {@code s} the sample standard deviation across the runs: the seed-to-seed spread, which a
 * single run's bootstrap interval (over its own images) does not show. One run: no interval.
 */
public final class SeedGroups {
    /** Launch parameters that are seeds (or derived from them, or the run's identity): left out of the grouping key. */
    static final Set<String> NOT_IN_KEY = Set.of("experimentId", "seed", "thresholdSeed", "bundleHash", "bundle", "bundlePath",
            "stepParams.intervene.seed", "stepParams.optimize.seed", "stepParams.artifacts.seed", "stepParams.metrics.seed",
            "stepParams.explain.seed",
            "shards"); // shards: the merge is exact, a run split otherwise gives the same numbers

    /** A number across a group's runs: mean, the 95% t-interval of the mean (null for one run), how many runs had it. */
    public record Stat(double mean, Double low, Double high, int n) {
        public static Stat of(List<Double> values) {
            return of(values, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
        }

        /**
         * As {@link #of(List)}, the interval clipped to the number's range {@code [min, max]} (a count
         * or an FD cannot be below 0, recall not above 1; the t-interval of few runs can reach past them).
         */
        public static Stat of(List<Double> values, double min, double max) {
            List<Double> v = values.stream().filter(x -> x != null && Double.isFinite(x)).toList();
            int n = v.size();
            if (n == 0) {
                return null;
            }
            double mean = v.stream().mapToDouble(Double::doubleValue).sum() / n;
            if (n < 2) {
                return new Stat(mean, null, null, n);
            }
            double ss = 0;
            for (double x : v) {
                ss += (x - mean) * (x - mean);
            }
            double half = new TDistribution(n - 1).inverseCumulativeProbability(0.975) * Math.sqrt(ss / (n - 1) / n);
            return new Stat(mean, Math.max(min, mean - half), Math.min(max, mean + half), n);
        }
    }

    /**
     * One group: its runs (column indexes and experiment ids), the seeds that vary (evaluation
     * seed per run, and the training seed where bundles differ by it), what it shares, and a
     * {@link Stat} per number.
     */
    public record Group(String label, List<Integer> columns, List<Long> ids, List<String> seeds, Map<String, Stat> stats) {
    }

    private SeedGroups() {
    }

    /**
     * Groups items (in first-seen order) by {@code key}; per group the stats of {@code numbers}
     * (name to value of an item, null where the item has none, e.g. a pending run).
     */
    public static <T> List<Group> group(List<T> items, Function<T, Map<String, String>> key, Function<T, Long> id,
            Function<T, String> seed, Function<T, String> label, Map<String, Function<T, Double>> numbers) {
        return group(items, key, id, seed, label, numbers, Map.of());
    }

    /** As above; {@code ranges} holds {@code [min, max]} of the numbers that have one (their intervals are clipped to it). */
    public static <T> List<Group> group(List<T> items, Function<T, Map<String, String>> key, Function<T, Long> id,
            Function<T, String> seed, Function<T, String> label, Map<String, Function<T, Double>> numbers, Map<String, double[]> ranges) {
        Map<Map<String, String>, List<Integer>> byKey = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            byKey.computeIfAbsent(new TreeMap<>(key.apply(items.get(i))), k -> new ArrayList<>()).add(i);
        }
        List<Group> out = new ArrayList<>();
        for (List<Integer> members : byKey.values()) {
            Map<String, Stat> stats = new LinkedHashMap<>();
            numbers.forEach((name, f) -> {
                double[] r = ranges.getOrDefault(name, new double[] {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY});
                Stat s = Stat.of(members.stream().map(i -> f.apply(items.get(i))).toList(), r[0], r[1]);
                if (s != null) {
                    stats.put(name, s);
                }
            });
            out.add(new Group(label.apply(items.get(members.get(0))), members, members.stream().map(i -> id.apply(items.get(i))).toList(),
                    members.stream().map(i -> seed.apply(items.get(i))).toList(), stats));
        }
        return out;
    }

    /** A run's grouping key: its flattened parameters without the seeds, plus what identifies its model apart from the training seed. */
    public static Map<String, String> key(Map<String, String> params, String dataset, String variant, String recipe, String layer) {
        Map<String, String> k = new TreeMap<>();
        params.forEach((n, v) -> {
            if (!NOT_IN_KEY.contains(n) && !n.equals("layers")) {
                k.put(n, v);
            }
        });
        k.put("dataset", dataset);
        k.put("variant", variant);
        k.put("recipe", recipe);
        k.put("layer", layer);
        return k;
    }
}
