package org.ganscope.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** The step timeline of experiments: status, attempt, shard progress, timings, errors, result keys. */
public final class StepRepository {
    public static final List<String> STATUSES = List.of("QUEUED", "RUNNING", "RETRYING", "SUCCEEDED", "FAILED", "CANCELLED", "SKIPPED");

    public record StepRow(long id, long experimentId, String name, String layer, String status, int attempt, long done,
            long total, String resultKey, String error, Instant queuedAt, Instant startedAt, Instant finishedAt, Long launchTotal) {
        /** A row without its launch total (queued before V25). */
        public StepRow(long id, long experimentId, String name, String layer, String status, int attempt, long done,
                long total, String resultKey, String error, Instant queuedAt, Instant startedAt, Instant finishedAt) {
            this(id, experimentId, name, layer, status, attempt, done, total, resultKey, error, queuedAt, startedAt, finishedAt, null);
        }
    }

    private final DataSource ds;

    public StepRepository(DataSource ds) {
        this.ds = ds;
    }

    /** Adds the step as QUEUED unless it exists (idempotent). */
    public void queue(long experimentId, String name, String layer, long total) {
        exec("""
                INSERT INTO steps (experiment_id, name, layer, status, progress_total, launch_total) VALUES (?, ?, ?, 'QUEUED', ?, ?)
                ON CONFLICT (experiment_id, name, layer) DO NOTHING""", experimentId, name, layer, total, total);
    }

    /**
     * Marks the step RUNNING; an experiment still QUEUED becomes RUNNING with it, in the same statement: an experiment
     * is RUNNING only once one of its steps has started (until then it waits for a worker, and says so).
     */
    public void start(long experimentId, String name, String layer, int attempt) {
        exec("""
                WITH s AS (
                  UPDATE steps SET status = 'RUNNING', attempt = ?, started_at = coalesce(started_at, now()), error = NULL
                  WHERE experiment_id = ? AND name = ? AND layer = ? RETURNING experiment_id)
                UPDATE experiments SET status = 'RUNNING', updated_at = now()
                WHERE id IN (SELECT experiment_id FROM s) AND status = 'QUEUED'""", attempt, experimentId, name, layer);
    }

    public void progress(long experimentId, String name, String layer, long done, long total) {
        exec("UPDATE steps SET progress_done = ?, progress_total = ? WHERE experiment_id = ? AND name = ? AND layer = ?",
                done, total, experimentId, name, layer);
    }

    /** Adds {@code delta} to the progress (capped at the total): shards report as they go. */
    public void advance(long experimentId, String name, String layer, long delta) {
        exec("""
                UPDATE steps SET progress_done = LEAST(progress_total, progress_done + ?)
                WHERE experiment_id = ? AND name = ? AND layer = ?""", delta, experimentId, name, layer);
    }

    /** Marks every step still QUEUED as SKIPPED (after the experiment failed or was cancelled); returns how many. */
    public int skipQueued(long experimentId, String reason) {
        return Database.update(ds, "UPDATE steps SET status = 'SKIPPED', error = ?, finished_at = now() WHERE experiment_id = ? AND status = 'QUEUED'",
                reason, experimentId);
    }

    /**
     * Marks the steps still RUNNING or RETRYING CANCELLED with the reason (a cancel recorded
     * without its workflow, e.g. one whose workflow never started); returns how many.
     */
    public int cancelRunning(long experimentId, String reason) {
        return Database.update(ds, """
                UPDATE steps SET status = 'CANCELLED', error = ?, finished_at = now()
                WHERE experiment_id = ? AND status IN ('RUNNING', 'RETRYING')""", reason, experimentId);
    }

    /** Ends the step: SUCCEEDED (with its result key), FAILED or CANCELLED (with the error), RETRYING, SKIPPED. */
    public void finish(long experimentId, String name, String layer, String status, String resultKey, String error) {
        if (!STATUSES.contains(status)) {
            throw new IllegalArgumentException("unknown step status " + status);
        }
        exec("""
                UPDATE steps SET status = ?, result_key = coalesce(?, result_key), error = ?,
                       finished_at = CASE WHEN ? IN ('RETRYING', 'RUNNING') THEN NULL ELSE now() END,
                       progress_done = CASE WHEN ? = 'SUCCEEDED' THEN progress_total ELSE progress_done END
                WHERE experiment_id = ? AND name = ? AND layer = ?""",
                status, resultKey, error, status, status, experimentId, name, layer);
    }

    public List<StepRow> list(long experimentId) {
        return Database.inTransaction(ds, c -> {
            try (PreparedStatement st = c.prepareStatement("""
                    SELECT id, experiment_id, name, layer, status, attempt, progress_done, progress_total, result_key, error,
                           queued_at, started_at, finished_at, launch_total
                    FROM steps WHERE experiment_id = ? ORDER BY id""")) {
                st.setLong(1, experimentId);
                List<StepRow> out = new ArrayList<>();
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        out.add(new StepRow(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                rs.getInt(6), rs.getLong(7), rs.getLong(8), rs.getString(9), rs.getString(10),
                                instant(rs.getTimestamp(11)), instant(rs.getTimestamp(12)), instant(rs.getTimestamp(13)),
                                rs.getObject(14) == null ? null : rs.getLong(14)));
                    }
                }
                return out;
            }
        });
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    /** The result key of the newest SUCCEEDED step {@code name} of {@code layer} among the bundle's experiments, if any. */
    public Optional<String> latestResultKey(long bundleId, String name, String layer) {
        return Database.inTransaction(ds, c -> {
            try (PreparedStatement st = c.prepareStatement("""
                    SELECT s.result_key FROM steps s JOIN experiments e ON e.id = s.experiment_id
                    WHERE e.bundle_id = ? AND s.name = ? AND s.layer = ? AND s.status = 'SUCCEEDED' AND s.result_key IS NOT NULL
                    ORDER BY s.finished_at DESC NULLS LAST, s.id DESC LIMIT 1""")) {
                st.setLong(1, bundleId);
                st.setString(2, name);
                st.setString(3, layer);
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    private void exec(String sql, Object... args) {
        Database.update(ds, sql, args);
    }
}
