package org.ganscope.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Failure paths found in review, each against a real PostgreSQL. */
class FailurePathsTest {
    static HikariDataSource ds;
    static ExperimentRepository experiments;
    static StepRepository steps;
    static ResultRepository results;
    static long bundle;

    @BeforeAll
    static void setUp() throws Exception {
        ds = TestDatabase.fresh();
        experiments = new ExperimentRepository(ds);
        steps = new StepRepository(ds);
        results = new ResultRepository(ds);
        bundle = new BundleRepository(ds).register("f".repeat(64), "outdoor-base-s100", "outdoor", "base", "/b", "{}");
    }

    @AfterAll
    static void tearDown() {
        ds.close();
    }

    @Test
    void missingRowsAreNotTransientButLostConnectionsAre() {
        DatabaseException missing = assertThrows(DatabaseException.class, () -> experiments.setStatus(987_654, "RUNNING", null));
        assertTrue(missing.getMessage().contains("no experiment with id 987654"), missing.getMessage());
        assertFalse(missing.transient_(), "a missing experiment is not retried");
        long id = experiments.create("e", bundle, "{}", "alice", List.of());
        DatabaseException noStep = assertThrows(DatabaseException.class,
                () -> results.replaceMetrics(id, "metrics", "", java.util.Map.of("fd", 1.0), "k"));
        assertFalse(noStep.transient_(), noStep.getMessage());
        assertTrue(new DatabaseException(new SQLTransientConnectionException("Connection is not available")).transient_());
        assertTrue(new DatabaseException(new SQLException("terminating connection", "57P01")).transient_());
        assertFalse(new DatabaseException(new SQLException("duplicate key", "23505")).transient_());
        assertFalse(new DatabaseException(new SQLException("no state")).transient_());
    }

    /** A pool closed under a running step (a stop that outran the drain) is a retryable fault of this process, not a rejection. */
    @Test
    void aClosedPoolIsTransient() {
        HikariDataSource closed = Database.connect(ds.getJdbcUrl(), ds.getUsername(), ds.getPassword(), 1);
        closed.close();
        SQLException e = assertThrows(SQLException.class, closed::getConnection);
        assertEquals(null, e.getSQLState(), e.toString());
        DatabaseException d = new DatabaseException(e);
        assertTrue(d.transient_(), d.getMessage());
        DatabaseException viaRepository = assertThrows(DatabaseException.class, () -> new ExperimentRepository(closed).get(1));
        assertTrue(viaRepository.transient_(), viaRepository.getMessage());
    }

    /**
     * A zombie attempt (its worker lost the heartbeat) still writes its dissection while the
     * retry writes the same rows: the second waits for the first and replaces its rows.
     */
    @Test
    void overlappingResultWritesDoNotCollide() throws Exception {
        long id = experiments.create("overlap", bundle, "{}", "alice", List.of());
        steps.queue(id, "dissect", "layer3", 10);
        var units = List.of(new ResultRepository.UnitRow(0, 0.5, 3, "tree", "object", 0.12, 0.05, true, new long[] {4}),
                new ResultRepository.UnitRow(1, 0.7, 9, "door", "part", 0.01, 0.002, false, new long[] {}));
        try (Connection zombie = ds.getConnection()) {
            zombie.setAutoCommit(false);
            // the zombie is half-way through its replacement: step locked, rows inserted, not yet committed
            try (PreparedStatement st = zombie.prepareStatement(
                    "SELECT 1 FROM steps WHERE experiment_id = ? AND name = 'dissect' AND layer = 'layer3' FOR UPDATE")) {
                st.setLong(1, id);
                st.executeQuery().close();
            }
            try (PreparedStatement st = zombie.prepareStatement("""
                    INSERT INTO units (experiment_id, layer, unit, threshold, label, label_name, category, iou, iqr, interpretable, top_samples)
                    VALUES (?, 'layer3', 0, 0.5, 3, 'tree', 'object', 0.12, 0.05, true, '{4}')""")) {
                st.setLong(1, id);
                st.executeUpdate();
            }
            CompletableFuture<Void> retry = CompletableFuture.runAsync(() -> results.replaceDissection(id, "layer3", units, List.of(), "key-2"));
            Thread.sleep(700);
            assertFalse(retry.isDone(), "the retry waits for the zombie's transaction");
            zombie.commit();
            retry.get(20, TimeUnit.SECONDS); // no unique violation
        }
        assertEquals(2, results.units(id, "layer3").size());
        assertEquals("SUCCEEDED", steps.list(id).get(0).status());
    }

    @Test
    void everyFileOfAKeyHasItsMetadataRow() {
        ArtifactRepository artifacts = new ArtifactRepository(ds);
        String key = "a".repeat(64);
        artifacts.record(key, "json", 10, "1".repeat(64));
        artifacts.record(key, "png", 20, "2".repeat(64));
        artifacts.record(key, "png", 20, "2".repeat(64)); // idempotent
        assertEquals(10, artifacts.get(key, "json").orElseThrow().bytes());
        assertEquals(20, artifacts.get(key, "png").orElseThrow().bytes());
    }

    @Test
    void stepsLeftQueuedAfterAFailureAreSkipped() {
        long id = experiments.create("skip", bundle, "{}", "alice", List.of());
        steps.queue(id, "dissect", "layer3", 10);
        steps.queue(id, "metrics", "", 0);
        steps.finish(id, "dissect", "layer3", "FAILED", null, "boom");
        assertEquals(1, steps.skipQueued(id, "not run: dissect layer3 failed"));
        var m = steps.list(id).stream().filter(s -> s.name().equals("metrics")).findFirst().orElseThrow();
        assertEquals("SKIPPED", m.status());
    }
}
