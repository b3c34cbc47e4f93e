package org.ganscope.services.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.ganscope.activities.store.ArtifactStore;
import org.ganscope.db.ArtifactRepository;
import org.ganscope.db.BundleRepository;
import org.ganscope.db.Database;
import org.ganscope.db.EmbeddedDatabase;
import org.ganscope.db.ExperimentRepository;
import org.ganscope.db.ResultRepository;
import org.ganscope.db.StepRepository;
import org.ganscope.services.experiment.ExperimentResults;
import org.ganscope.services.experiment.ExperimentService;
import org.ganscope.services.experiment.StepResults;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Units matched across variants through the platform's own record: experiments, steps and units in an embedded
 * PostgreSQL, each dissection's dissect.json in the artifact store under the result key its step records, read back
 * by {@link CompareService#matchedUnits}.
 */
class UnitMatchesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> CLASSES = List.of("unlabeled", "sky", "tree", "building");
    private static EmbeddedDatabase pg;
    private static HikariDataSource ds;
    private static ExperimentRepository experiments;
    private static StepRepository steps;
    private static ResultRepository results;
    private static ArtifactStore store;
    private static CompareService compare;
    private static long outdoor;
    private static long indoor;

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedDatabase.start(null, 0);
        String base = "jdbc:postgresql://127.0.0.1:" + pg.port() + "/";
        try (Connection c = DriverManager.getConnection(base + "postgres", "postgres", pg.superuserPassword()); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE gs_match");
        }
        ds = Database.connect(base + "gs_match", "postgres", pg.superuserPassword(), 4);
        Database.migrate(ds);
        experiments = new ExperimentRepository(ds);
        steps = new StepRepository(ds);
        results = new ResultRepository(ds);
        BundleRepository bundles = new BundleRepository(ds);
        store = new ArtifactStore(Files.createTempDirectory("ganscope-match"), new ArtifactRepository(ds));
        outdoor = bundles.register("a".repeat(64), "outdoor-base-s100", "outdoor", "base", "/nowhere/outdoor-base-s100", "{}");
        indoor = bundles.register("b".repeat(64), "indoor-base-s100", "indoor", "base", "/nowhere/indoor-base-s100", "{}");
        ExperimentService service = new ExperimentService(experiments, bundles, steps, null, false);
        compare = new CompareService(service, new ExperimentResults(results), new StepResults(steps, store));
    }

    @AfterAll
    static void stop() throws Exception {
        ds.close();
        pg.close();
    }

    record U(String label, boolean controlled, double... iou) {
    }

    /** A finished dissection of {@code layer}: its units in PostgreSQL, its dissect.json (classes and IoU per unit and class) stored. */
    static long dissected(long bundle, String layer, U... units) throws Exception {
        long id = experiments.create("match " + layer, bundle, "{\"layers\": [\"" + layer + "\"], \"samples\": 40, \"seed\": 1, \"steps\": [\"dissect\"]}",
                "test", List.of());
        steps.queue(id, "dissect", layer, 1);
        ObjectNode json = JSON.createObjectNode().put("schema", "ganscope.dissect/1");
        ArrayNode classes = json.putArray("classes");
        for (int c = 0; c < CLASSES.size(); c++) {
            classes.addObject().put("index", c).put("name", CLASSES.get(c));
        }
        ArrayNode iou = json.putArray("iou");
        List<ResultRepository.UnitRow> rows = new java.util.ArrayList<>();
        for (int u = 0; u < units.length; u++) {
            ArrayNode row = iou.addArray();
            for (double v : units[u].iou()) {
                row.add(v);
            }
            int label = CLASSES.indexOf(units[u].label());
            rows.add(new ResultRepository.UnitRow(u, 0.5, label, units[u].label(), "object", units[u].iou()[label], 0.1, true, new long[0],
                    null, null, null, null, null, null, null, units[u].controlled(), null));
        }
        String key = org.ganscope.activities.store.ResultKeys.of("a".repeat(64), "dissect.merge/controls2", "experiment=" + id + ";layer=" + layer);
        store.put(key, ".json", JSON.writeValueAsBytes(json));
        results.replaceDissection(id, layer, rows, List.of(), List.of(), key);
        experiments.setStatus(id, "SUCCEEDED", null);
        return id;
    }

    private static double cos(double[] x, double[] y) {
        double xy = 0, xx = 0, yy = 0;
        for (int i = 0; i < x.length; i++) {
            xy += x[i] * y[i];
            xx += x[i] * x[i];
            yy += y[i] * y[i];
        }
        return xy / Math.sqrt(xx * yy);
    }

    @Test
    void unitsArePairedByTheirProfilesOverTheClassesWithoutUnlabeled() throws Exception {
        // A's unit 0 draws sky, and B's unit 3 only unlabeled pixels: were "unlabeled" part of the profile, A0 would pair
        // with B3 (cosine 0.87 with it, 0.48 with B's sky unit); without it, A0 pairs with B1 and B3 stays unmatched
        long a = dissected(outdoor, "layer2", new U("sky", true, 0.9, 0.5, 0.02, 0), new U("tree", true, 0, 0.01, 0.4, 0.05),
                new U("building", false, 0, 0, 0.03, 0.3));
        long b = dissected(outdoor, "layer2", new U("building", true, 0, 0, 0.02, 0.35), new U("sky", true, 0, 0.45, 0.05, 0),
                new U("tree", false, 0, 0, 0.3, 0.02), new U("sky", false, 0.9, 0, 0, 0));
        List<UnitMatches> m = compare.matchedUnits(compare.compare(List.of(a, b)));
        assertEquals(1, m.size());
        UnitMatches r = m.get(0);
        assertEquals("", r.notApplicable());
        assertEquals(List.of("sky", "tree", "building"), r.concepts());
        assertEquals(List.of("0-1", "1-2", "2-0"), r.pairs().stream().map(p -> p.unitA() + "-" + p.unitB()).sorted().toList());
        assertEquals(List.of(), r.unmatchedA());
        assertEquals(List.of(3), r.unmatchedB());
        UnitMatches.Pair sky = r.pairs().stream().filter(p -> p.unitA() == 0).findFirst().orElseThrow();
        assertEquals(cos(new double[] {0.5, 0.02, 0}, new double[] {0.45, 0.05, 0}), sky.similarity(), 1e-12);
        assertEquals(List.of("sky", "sky"), List.of(sky.labelA(), sky.labelB()));
        assertTrue(sky.controlledA() && sky.controlledB());
        UnitMatches.Pair tree = r.pairs().stream().filter(p -> p.unitA() == 1).findFirst().orElseThrow();
        assertTrue(tree.controlledA() && !tree.controlledB(), "each side's own controlled decision: " + tree);
        // most similar first
        for (int i = 1; i < r.pairs().size(); i++) {
            assertTrue(r.pairs().get(i - 1).similarity() >= r.pairs().get(i).similarity(), r.pairs().toString());
        }
        // A has a controlled tree unit and B none (its tree unit fails the decision); B has a controlled building unit, A none
        assertEquals(List.of(new UnitMatches.Concept("tree", 1)), r.onlyA());
        assertEquals(List.of(new UnitMatches.Concept("building", 1)), r.onlyB());
    }

    @Test
    void anotherDatasetAnotherLayerOrAPendingDissectionIsNotMatched() throws Exception {
        long a = dissected(outdoor, "layer2", new U("sky", true, 0, 0.5, 0, 0));
        long otherDataset = dissected(indoor, "layer2", new U("sky", true, 0, 0.5, 0, 0));
        long otherLayer = dissected(outdoor, "layer3", new U("sky", true, 0, 0.5, 0, 0));
        long pending = experiments.create("still going", outdoor, "{\"layers\": [\"layer2\"], \"samples\": 40, \"seed\": 1, \"steps\": [\"dissect\"]}",
                "test", List.of());
        steps.queue(pending, "dissect", "layer2", 1);
        experiments.setStatus(pending, "RUNNING", null);
        List<UnitMatches> m = compare.matchedUnits(compare.compare(List.of(a, otherDataset, otherLayer, pending), Map.of(otherLayer, "layer3")));
        assertEquals(3, m.size());
        assertTrue(m.get(0).notApplicable().startsWith("another dataset (outdoor vs indoor)"), m.get(0).notApplicable());
        assertTrue(m.get(1).notApplicable().startsWith("another layer (layer2 vs layer3)"), m.get(1).notApplicable());
        assertEquals("#" + pending + "'s dissection of layer2 is still pending", m.get(2).notApplicable());
        assertTrue(m.stream().allMatch(x -> x.pairs().isEmpty()));
    }
}
