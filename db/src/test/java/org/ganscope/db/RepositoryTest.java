package org.ganscope.db;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Repositories against a real PostgreSQL. */
class RepositoryTest {
    static HikariDataSource ds;
    static BundleRepository bundles;
    static ExperimentRepository experiments;
    static StepRepository steps;
    static ResultRepository results;

    @BeforeAll
    static void setUp() throws Exception {
        ds = TestDatabase.fresh();
        bundles = new BundleRepository(ds);
        experiments = new ExperimentRepository(ds);
        steps = new StepRepository(ds);
        results = new ResultRepository(ds);
    }

    @AfterAll
    static void tearDown() {
        ds.close();
    }

    static long bundle(String name) {
        String hash = String.format("%064x", name.hashCode() & 0xffffffffL);
        return bundles.register(hash, name, name.split("-")[0], name.split("-")[1], "/b/" + name, "{\"name\": \"" + name + "\"}");
    }

    @Test
    void migrationsAreAppliedOnceAndBundleRegistrationIsIdempotent() {
        assertEquals(0, Database.migrate(ds));
        long a = bundle("outdoor-base-s100");
        long b = bundle("outdoor-base-s100");
        assertEquals(a, b);
        assertTrue(bundles.byId(a).orElseThrow().manifestJson().contains("outdoor-base-s100"));
    }

    @Test
    void hostileNamesAndTagsAreStoredVerbatim() {
        long b = bundle("indoor-mbstd-s100");
        String name = "x'); DROP TABLE experiments; -- <script>alert(1)</script>";
        long id = experiments.create(name, b, "{}", "alice", List.of("<b>tag</b>", "a'b", "100%_off"));
        var row = experiments.get(id).orElseThrow();
        assertEquals(name, row.name());
        assertEquals(List.of("100%_off", "<b>tag</b>", "a'b"), row.tags());
        var q = new ExperimentRepository.Query("100%_", null, null, null, null, "created", false);
        assertEquals(0, experiments.count(q), "LIKE wildcards in the search text must be literal");
        q = new ExperimentRepository.Query("DROP TABLE", null, null, null, "a'b", "name", true);
        assertEquals(1, experiments.count(q));
    }

    @Test
    void listingFiltersSortsAndPagesTenThousandExperiments() throws Exception {
        long b1 = bundle("outdoor-pixnorm-s100");
        long b2 = bundle("indoor-pixnorm-s100");
        try (Connection c = ds.getConnection();
             PreparedStatement st = c.prepareStatement("INSERT INTO experiments (name, bundle_id, params, status) VALUES (?, ?, '{}'::jsonb, ?)")) {
            for (int i = 0; i < 10_000; i++) {
                st.setString(1, String.format("bulk-%05d", i));
                st.setLong(2, i % 2 == 0 ? b1 : b2);
                st.setString(3, ExperimentRepository.STATUSES.get(i % 5));
                st.addBatch();
            }
            st.executeBatch();
        }
        var q = new ExperimentRepository.Query("bulk-", "FAILED", "outdoor-pixnorm-s100", null, null, "name", true);
        assertEquals(1000, experiments.count(q));
        var page = experiments.list(q, 10, 5);
        assertEquals(5, page.size());
        assertEquals("bulk-00108", page.get(0).name()); // i % 5 == 3 (FAILED), i even (outdoor): 8, 18, ..., the 11th
        assertTrue(page.stream().allMatch(r -> r.status().equals("FAILED") && r.bundleName().equals("outdoor-pixnorm-s100")));
        var desc = experiments.list(new ExperimentRepository.Query("bulk-", null, null, "indoor", null, "name", false), 0, 1);
        assertEquals("bulk-09999", desc.get(0).name());
    }

    @Test
    void stepsTimelineAndIdempotentResults() {
        long b = bundle("outdoor-mbstd-s100");
        long id = experiments.create("dissect layer3", b, "{\"layers\": [\"layer3\"]}", null, List.of());
        steps.queue(id, "dissect", "layer3", 1000);
        steps.queue(id, "dissect", "layer3", 1000);
        // queued until a step starts: the workflow's "running" before any step has started leaves it QUEUED
        assertEquals(false, experiments.markRunningIfStarted(id));
        assertEquals("QUEUED", experiments.get(id).orElseThrow().status());
        steps.start(id, "dissect", "layer3", 1);
        assertEquals("RUNNING", experiments.get(id).orElseThrow().status(), "a step's start makes its experiment RUNNING");
        steps.progress(id, "dissect", "layer3", 400, 1200);
        assertEquals(1000L, steps.list(id).get(0).launchTotal(), "the total as queued at launch is kept beside a revised one");
        assertEquals(1200L, steps.list(id).get(0).total());
        steps.progress(id, "dissect", "layer3", 400, 1000);
        var s = steps.list(id);
        assertEquals(1, s.size());
        assertEquals("RUNNING", s.get(0).status());
        assertEquals(400, s.get(0).done());
        // the experiment's run timing, as the grid shows it: its first step's start; no end while it runs
        var running = experiments.get(id).orElseThrow();
        assertEquals(s.get(0).startedAt(), running.startedAt());
        assertEquals(null, running.finishedAt(), "no end while it runs");

        List<ResultRepository.UnitRow> units = List.of(
                new ResultRepository.UnitRow(0, 0.5, 3, "tree", "object", 0.12, 0.05, true, new long[] {4, 9}),
                new ResultRepository.UnitRow(1, 0.7, 9, "door", "part", 0.01, 0.002, false, new long[] {}));
        List<ResultRepository.ClassCountRow> counts = List.of(new ResultRepository.ClassCountRow(3, "tree", "object", 1, 0.04));
        results.replaceDissection(id, "layer3", units, counts, "key-1");
        results.replaceDissection(id, "layer3", units, counts, "key-1"); // a retried activity
        assertEquals(2, results.units(id, "layer3").size());
        assertArrayEquals(new long[] {4, 9}, results.units(id, "layer3").get(0).topSamples());
        assertEquals(Map.of("object", 1), results.interpretableByCategory(id, "layer3"));
        var done = steps.list(id).get(0);
        assertEquals("SUCCEEDED", done.status());
        assertEquals("key-1", done.resultKey());
        assertEquals(1000, done.done());
        assertEquals(null, experiments.get(id).orElseThrow().finishedAt(), "its step finished, the experiment not yet");
        experiments.setStatus(id, "SUCCEEDED", null);
        assertEquals(done.finishedAt(), experiments.get(id).orElseThrow().finishedAt(), "ended: its last step's end");
    }

    @Test
    void unitControlsAndCountsPerRuleRoundTrip() {
        long b = bundle("outdoor-mbstd-s100");
        long id = experiments.create("controls", b, "{}", null, List.of());
        steps.queue(id, "dissect", "layer3", 10);
        var withControls = new ResultRepository.UnitRow(0, 0.5, 3, "tree", "object", 0.12, 0.05, true, new long[] {4}, 0.10, 0.14, 0.03,
                0.09, 0.03, 0.01, true, true, false, 1.5e-12, 4.0e-11, true);
        var old = new ResultRepository.UnitRow(1, 0.7, 9, "door", "part", 0.01, 0.002, false, new long[] {});
        var counts = List.of(new ResultRepository.CountRow("top1", "total", 0, null, null),
                new ResultRepository.CountRow("controlled", "total", 1, 0.0, 1.0),
                new ResultRepository.CountRow("spec", "total", 1, 1.0, 1.0), new ResultRepository.CountRow("spec", "object", 1, 1.0, 1.0));
        var classes = List.of(new ResultRepository.ClassCountRow(3, "tree", "object", 1, 0.04, 1),
                new ResultRepository.ClassCountRow(9, "door", "part", 0, 0.01));
        results.replaceDissection(id, "layer3", List.of(withControls, old), classes, counts, "key-c");
        var rows = results.units(id, "layer3");
        var r = rows.get(0);
        assertEquals(List.of(0.10, 0.14, 0.03, 0.09, 0.03, 0.01), List.of(r.iouCiLow(), r.iouCiHigh(), r.nullIou(), r.locationIou(), r.lift(),
                r.liftCiLow()));
        assertEquals(List.of(true, true, false), List.of(r.beatsLocation(), r.interpretableControlled(), r.top1Interpretable()));
        assertEquals(null, rows.get(1).locationIou());
        assertEquals(null, rows.get(1).beatsLocation());
        assertEquals(List.of(1.5e-12, 4.0e-11, true), List.of(r.locationP(), r.locationQ(), r.minEffect()));
        assertEquals(null, rows.get(1).locationP());
        assertEquals(classes, results.classCounts(id, "layer3"), "controlled units per class, null for rows without");
        // the controlled count first (docs/CONTROLS.md), then without control (spec), then the top-1% rule
        assertEquals(List.of(counts.get(1), counts.get(3), counts.get(2), counts.get(0)), results.interpretableCounts(id, "layer3"));
    }

    @Test
    void interventionsKeepTheirPValueAndDrawsOrNull() {
        long b = bundle("outdoor-mbstd-s100");
        long id = experiments.create("interventions", b, "{}", null, List.of());
        steps.queue(id, "intervene", "layer3", 0);
        var rows = List.of(new ResultRepository.InterventionRow("tree", "ablation", 1, "", 0.2, 0.01, 0.005, 30, 1.0 / 21, 20),
                new ResultRepository.InterventionRow("tree", "ablation", 2, "", 0.3, 0.02, 0.01, 30, null, null),
                new ResultRepository.InterventionRow("tree", "insertion", 5, "", 0.1, 0.05, 0, 12));
        results.replaceInterventions(id, "layer3", rows, "key-i");
        assertEquals(rows, results.interventions(id, "layer3"));
    }

    @Test
    void explanationsKeepTheirHeldOutIousOrNull() {
        long b = bundle("outdoor-pixnorm-s100");
        long id = experiments.create("explanations", b, "{}", null, List.of());
        steps.queue(id, "explain", "layer3", 0);
        results.replaceExplanations(id, "layer3", List.of(
                new ResultRepository.ExplanationRow(0, "wall AND material:brick", 0.5, "wall", 0.3, "0&7", 1.5, new long[] {3, 1}, 0.25, 0.375),
                new ResultRepository.ExplanationRow(1, "sky", 0.4, "sky", 0.4, "1", 0.5, new long[0]),
                new ResultRepository.ExplanationRow(2, "tree", 0.1, "tree", 0.1, "2", 0.5, new long[0], Double.NaN, 0.0)), "key-e");
        var rows = results.explanations(id, "layer3");
        assertEquals(0.25, rows.get(0).heldOutIou());
        assertEquals(0.375, rows.get(0).heldOutSingleIou());
        assertEquals(-0.125, rows.get(0).heldOutGain(), 0.0, "a held-out gain can be negative");
        assertEquals(0.2, rows.get(0).gain(), 1e-15);
        assertArrayEquals(new long[] {3, 1}, rows.get(0).examples());
        assertNull(rows.get(1).heldOutIou(), "written without held-out scores");
        assertNull(rows.get(1).heldOutGain());
        assertNull(rows.get(2).heldOutIou(), "a non-finite IoU is stored as NULL");
        assertEquals(0.0, rows.get(2).heldOutSingleIou());
    }

    @Test
    void aFailedWriteLeavesNothingHalfWritten() {
        long b = bundle("indoor-base-s100");
        long id = experiments.create("no step row", b, "{}", null, List.of());
        var units = List.of(new ResultRepository.UnitRow(0, 0.5, 3, "tree", "object", 0.12, 0.05, true, new long[] {1}));
        assertThrows(DatabaseException.class, () -> results.replaceDissection(id, "layer2", units, List.of(), "k"));
        assertEquals(0, results.units(id, "layer2").size());
        assertThrows(DatabaseException.class, () -> experiments.setStatus(987654321L, "FAILED", "x"));
        assertThrows(IllegalArgumentException.class, () -> experiments.setStatus(id, "EXPLODED", null));
    }

    @Test
    void metricsReplaceEarlierValues() {
        long b = bundle("outdoor-base-s100");
        long id = experiments.create("metrics", b, "{}", null, List.of());
        steps.queue(id, "metrics", "", 0);
        results.replaceMetrics(id, "metrics", "", Map.of("domain_fd", 12.5, "precision|ablated-20", 0.7), "m1");
        results.replaceMetrics(id, "metrics", "", Map.of("domain_fd", 11.0), "m2");
        assertEquals(Map.of("domain_fd", 11.0), results.metrics(id, "metrics"));
    }
}
