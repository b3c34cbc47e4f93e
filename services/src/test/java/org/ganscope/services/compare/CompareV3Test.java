package org.ganscope.services.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Compare v3's pure parts: nested parameters, the flags on numbers whose meaning differs, grouping by everything but seed. */
class CompareV3Test {
    private static final String SPEC = """
            {"experimentId": 3, "bundleHash": "abc", "bundlePath": "/x/outdoor-base-s100", "layers": ["layer2"], "samples": %d, "seed": %d,
             "thresholdSamples": 20, "thresholdSeed": %d, "method": "iqr", "quantile": 0.01, "topK": 8, "batch": 16, "shards": %d,
             "steps": ["dissect", "metrics"], "classes": [],
             "stepParams": {"metrics": {"samples": %d, "seed": %d}, "explain": {"samples": 40, "seed": 1, "quantile": 0.005, "beam": 5, "maxLength": 3}}}
            """;

    static Map<String, String> spec(int samples, long seed, int shards) {
        return CompareService.flatten(String.format(SPEC, samples, seed, seed + 1, shards, Math.min(samples, 2000), seed + 1000));
    }

    @Test
    void nestedStepParametersAreFlattenedByPath() {
        Map<String, String> p = spec(40, 1, 2);
        assertEquals("40", p.get("stepParams.metrics.samples"));
        assertEquals("1001", p.get("stepParams.metrics.seed"));
        assertEquals("5", p.get("stepParams.explain.beam"));
        assertEquals("dissect,metrics", p.get("steps"));
        assertTrue(!p.containsKey("stepParams"), "no blank entry for the object itself");
    }

    @Test
    void aSampleCountDifferenceFlagsTheSampleMetricsAndTheCounts() {
        List<MeaningFlags.Flag> flags = MeaningFlags.of(List.of(spec(1000, 1, 2), spec(500, 2, 2)));
        assertEquals(List.of("sample metrics|metrics samples", "unit counts|samples"),
                flags.stream().map(f -> f.numbers() + "|" + f.parameter()).toList());
        assertEquals(List.of("1000", "500"), flags.get(0).values());
        assertTrue(flags.get(0).text().contains("1000 vs 500") && flags.get(0).text().contains("FD"), flags.get(0).text());
        // seeds and shards differ but change no number's meaning: no flag
        assertEquals(List.of(), MeaningFlags.of(List.of(spec(40, 1, 1), spec(40, 7, 4))));
        // a spec stored before stepParams: min(samples, 2000), so 3000 and 2000 measure the metrics alike
        Map<String, String> old = new LinkedHashMap<>(spec(3000, 1, 2));
        old.remove("stepParams.metrics.samples");
        assertEquals(List.of("unit counts|samples"), MeaningFlags.of(List.of(old, spec(2000, 1, 2))).stream()
                .map(f -> f.numbers() + "|" + f.parameter()).toList());
    }

    record Run(long id, Map<String, String> params, String recipe, Double controlled) {
    }

    @Test
    void runsDifferingOnlyBySeedFormOneGroupWithATInterval() {
        List<Run> runs = List.of(new Run(1, spec(40, 1, 2), "r", 10.0), new Run(2, spec(40, 2, 1), "r", 14.0),
                new Run(3, spec(60, 1, 2), "r", 11.0), new Run(4, spec(40, 3, 2), "other recipe", 9.0), new Run(5, spec(40, 9, 2), "r", null));
        Map<String, Function<Run, Double>> numbers = Map.of("controlled", Run::controlled);
        List<SeedGroups.Group> g = SeedGroups.group(runs, r -> SeedGroups.key(r.params(), "outdoor", "base", r.recipe(), "layer2"), Run::id,
                r -> "seed " + r.params().get("seed"), r -> "outdoor-base-s100 · layer2", numbers);
        assertEquals(List.of(List.of(1L, 2L, 5L), List.of(3L), List.of(4L)), g.stream().map(SeedGroups.Group::ids).toList());
        assertEquals(List.of("seed 1", "seed 2", "seed 9"), g.get(0).seeds());
        SeedGroups.Stat s = g.get(0).stats().get("controlled");
        // brute force: mean 12, s = sqrt(((10-12)^2 + (14-12)^2) / 1) = 2.828, t(0.975, 1) = 12.7062; the pending run 5 counts not
        assertEquals(2, s.n());
        assertEquals(12.0, s.mean(), 1e-12);
        double half = 12.706204736174707 * Math.sqrt(8.0) / Math.sqrt(2);
        assertEquals(12 - half, s.low(), 1e-6);
        assertEquals(12 + half, s.high(), 1e-6);
        SeedGroups.Stat one = g.get(1).stats().get("controlled");
        assertEquals(11.0, one.mean());
        assertNull(one.low(), "one run: no interval across seeds");
    }

    @Test
    void tIntervalMatchesATableValueForFiveRuns() {
        // t(0.975, 4) = 2.776445; values 1..5: mean 3, s = sqrt(2.5)
        SeedGroups.Stat s = SeedGroups.Stat.of(List.of(1.0, 2.0, 3.0, 4.0, 5.0));
        assertEquals(3 - 2.776445 * Math.sqrt(2.5 / 5), s.low(), 1e-5);
    }

    @Test
    void aCountsIntervalAcrossTwoSeedsStopsAtZero() {
        // counts 1 and 39: mean 20, t(0.975, 1) = 12.706 * 19 reaches far below 0; a count cannot
        SeedGroups.Stat raw = SeedGroups.Stat.of(List.of(1.0, 39.0));
        assertTrue(raw.low() < 0, "the unclipped t-interval reaches below 0: " + raw.low());
        SeedGroups.Stat s = SeedGroups.Stat.of(List.of(1.0, 39.0), 0, Double.POSITIVE_INFINITY);
        assertEquals(0.0, s.low(), 0.0);
        assertEquals(raw.high(), s.high(), 0.0);
        SeedGroups.Stat r = SeedGroups.Stat.of(List.of(0.2, 0.95), 0, 1);
        assertEquals(1.0, r.high(), 0.0, "recall stays within [0, 1]");
    }
}
