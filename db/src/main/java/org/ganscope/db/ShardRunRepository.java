package org.ganscope.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The log of shard attempts: which worker ran which shard, how many images it had done,
 * whether it finished. Writes are keyed by (experiment, layer, shard, attempt, worker), so
 * a repeated write of the same attempt updates instead of duplicating.
 */
public final class ShardRunRepository {
    /**
     * One attempt; {@code finishedAt} null if it never finished (killed, failed or still
     * running); {@code resumedFrom}: images of the shard taken from an earlier attempt's
     * checkpoint instead of computed again.
     */
    public record ShardRun(long experimentId, String layer, int shard, int attempt, String worker, long images, boolean reused,
            Instant startedAt, Instant finishedAt, long resumedFrom) {
        public double seconds() {
            Instant end = finishedAt == null ? Instant.now() : finishedAt;
            return (end.toEpochMilli() - startedAt.toEpochMilli()) / 1000.0;
        }
    }

    private final DataSource ds;

    public ShardRunRepository(DataSource ds) {
        this.ds = ds;
    }

    public void start(long experimentId, String layer, int shard, int attempt, String worker) {
        Database.update(ds, """
                INSERT INTO shard_runs (experiment_id, layer, shard, attempt, worker) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (experiment_id, layer, shard, attempt, worker)
                DO UPDATE SET images = 0, reused = FALSE, started_at = now(), finished_at = NULL, resumed_from = 0""",
                experimentId, layer, shard, attempt, worker);
    }

    /** The attempt continues from an earlier attempt's checkpoint of {@code images} images. */
    public void resumed(long experimentId, String layer, int shard, int attempt, String worker, long images) {
        Database.update(ds, """
                UPDATE shard_runs SET images = ?, resumed_from = ?
                WHERE experiment_id = ? AND layer = ? AND shard = ? AND attempt = ? AND worker = ?""",
                images, images, experimentId, layer, shard, attempt, worker);
    }

    public void progress(long experimentId, String layer, int shard, int attempt, String worker, long images) {
        Database.update(ds, "UPDATE shard_runs SET images = ? WHERE experiment_id = ? AND layer = ? AND shard = ? AND attempt = ? AND worker = ?",
                images, experimentId, layer, shard, attempt, worker);
    }

    /** Marks the attempt finished; {@code reused}: its result came from the artifact store, nothing was computed. */
    public void finish(long experimentId, String layer, int shard, int attempt, String worker, long images, boolean reused) {
        Database.update(ds, """
                UPDATE shard_runs SET images = ?, reused = ?, finished_at = now()
                WHERE experiment_id = ? AND layer = ? AND shard = ? AND attempt = ? AND worker = ?""",
                images, reused, experimentId, layer, shard, attempt, worker);
    }

    public List<ShardRun> list(long experimentId) {
        return Database.inTransaction(ds, c -> {
            try (PreparedStatement st = c.prepareStatement("""
                    SELECT experiment_id, layer, shard, attempt, worker, images, reused, started_at, finished_at, resumed_from FROM shard_runs
                    WHERE experiment_id = ? ORDER BY layer, shard, started_at, attempt""")) {
                st.setLong(1, experimentId);
                List<ShardRun> out = new ArrayList<>();
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        Timestamp f = rs.getTimestamp(9);
                        out.add(new ShardRun(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getInt(4), rs.getString(5), rs.getLong(6),
                                rs.getBoolean(7), rs.getTimestamp(8).toInstant(), f == null ? null : f.toInstant(), rs.getLong(10)));
                    }
                }
                return out;
            }
        });
    }
}
