package org.ganscope.db;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Experiments: creation, status, tags and notes, and the filtered, sorted, paged listing
 * behind the dashboard's lazy grid (indexed; stays fast at 10,000s of rows).
 */
public final class ExperimentRepository {
    public record ExperimentRow(long id, String name, long bundleId, String bundleName, String dataset, String variant,
            String status, String paramsJson, String workflowId, String notes, String createdBy, String error,
            Instant createdAt, Instant updatedAt, List<String> tags, double progress, Instant startedAt, Instant finishedAt) {
    }

    /** Filters (null = any) and sort for listings. Search matches name, notes and bundle name. */
    public record Query(String search, String status, String bundleName, String dataset, String tag, String sortBy,
            boolean ascending) {
        public static Query all() {
            return new Query(null, null, null, null, null, "created", false);
        }
    }

    public static final List<String> STATUSES = List.of("QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED");
    private static final Map<String, String> SORTS = Map.of("created", "e.created_at", "name", "e.name", "status", "e.status",
            "bundle", "b.name", "updated", "e.updated_at", "id", "e.id");

    private final DataSource ds;

    public ExperimentRepository(DataSource ds) {
        this.ds = ds;
    }

    public long create(String name, long bundleId, String paramsJson, String createdBy, List<String> tags) {
        return create(name, bundleId, paramsJson, createdBy, tags, null).id();
    }

    /** The experiment a create made: {@code created} false if an earlier create with the same user and idempotency key made it. */
    public record Created(long id, boolean created) {
    }

    /**
     * Creates the experiment, unless {@code idempotencyKey} (may be null) was used by the
     * same user before: then that experiment's id is returned and nothing is written. A
     * concurrent duplicate waits on the unique index and then finds the first one's row.
     */
    public Created create(String name, long bundleId, String paramsJson, String createdBy, List<String> tags, String idempotencyKey) {
        return Database.inTransaction(ds, c -> {
            long id;
            try (PreparedStatement st = c.prepareStatement("""
                    INSERT INTO experiments (name, bundle_id, params, status, created_by, idempotency_key) VALUES (?, ?, ?::jsonb, 'QUEUED', ?, ?)
                    ON CONFLICT (created_by, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
                    RETURNING id""")) {
                st.setString(1, name);
                st.setLong(2, bundleId);
                st.setString(3, paramsJson);
                st.setString(4, createdBy);
                st.setString(5, idempotencyKey);
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        return new Created(byIdempotencyKey(c, createdBy, idempotencyKey), false);
                    }
                    id = rs.getLong(1);
                }
            }
            writeTags(c, id, tags);
            return new Created(id, true);
        });
    }

    private static long byIdempotencyKey(Connection c, String createdBy, String key) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "SELECT id FROM experiments WHERE created_by IS NOT DISTINCT FROM ? AND idempotency_key = ?")) {
            st.setString(1, createdBy);
            st.setString(2, key);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw new DatabaseException("idempotency key " + key + " conflicts but has no experiment");
                }
                return rs.getLong(1);
            }
        }
    }

    public void setWorkflowId(long id, String workflowId) {
        update("UPDATE experiments SET workflow_id = ?, updated_at = now() WHERE id = ?", workflowId, id);
    }

    public void setStatus(long id, String status, String error) {
        if (!STATUSES.contains(status)) {
            throw new IllegalArgumentException("unknown status " + status);
        }
        update("UPDATE experiments SET status = ?, error = ?, updated_at = now() WHERE id = ?", status, error, id);
    }

    /**
     * Marks a QUEUED experiment RUNNING if one of its steps has started (its steps' start does so too); false if it
     * stays QUEUED because no step has started yet, or it is no longer QUEUED.
     */
    public boolean markRunningIfStarted(long id) {
        return Database.update(ds, """
                UPDATE experiments SET status = 'RUNNING', updated_at = now() WHERE id = ? AND status = 'QUEUED'
                AND EXISTS (SELECT 1 FROM steps WHERE experiment_id = ? AND status IN ('RUNNING', 'RETRYING'))""", id, id) == 1;
    }

    /**
     * Ends the experiment with {@code status} (and error) only if it is still QUEUED or
     * RUNNING; false if it had ended meanwhile (its workflow's own bookkeeping landed first).
     */
    public boolean endIfOpen(long id, String status, String error) {
        if (!STATUSES.contains(status)) {
            throw new IllegalArgumentException("unknown status " + status);
        }
        return Database.update(ds, "UPDATE experiments SET status = ?, error = ?, updated_at = now() WHERE id = ? AND status IN ('QUEUED', 'RUNNING')",
                status, error, id) == 1;
    }

    public void setNotes(long id, String notes) {
        update("UPDATE experiments SET notes = ?, updated_at = now() WHERE id = ?", notes, id);
    }

    public void setTags(long id, List<String> tags) {
        Database.inTransaction(ds, c -> {
            try (PreparedStatement st = c.prepareStatement("DELETE FROM experiment_tags WHERE experiment_id = ?")) {
                st.setLong(1, id);
                st.executeUpdate();
            }
            writeTags(c, id, tags);
            return null;
        });
    }

    private static void writeTags(Connection c, long id, List<String> tags) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "INSERT INTO experiment_tags (experiment_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            for (String t : tags) {
                st.setLong(1, id);
                st.setString(2, t);
                st.addBatch();
            }
            st.executeBatch();
        }
    }

    private void update(String sql, Object... args) {
        Database.inTransaction(ds, c -> {
            try (PreparedStatement st = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    st.setObject(i + 1, args[i]);
                }
                if (st.executeUpdate() != 1) {
                    throw new DatabaseException("no experiment with id " + args[args.length - 1]);
                }
            }
            return null;
        });
    }

    public Optional<ExperimentRow> get(long id) {
        List<Object> args = new ArrayList<>(List.of(id));
        return select("WHERE e.id = ?", args, "e.id", true, 0, 1).stream().findFirst();
    }

    public List<ExperimentRow> list(Query q, int offset, int limit) {
        List<Object> args = new ArrayList<>();
        String where = where(q, args);
        String sort = SORTS.getOrDefault(q.sortBy() == null ? "created" : q.sortBy(), "e.created_at");
        return select(where, args, sort, q.ascending(), offset, limit);
    }

    public int count(Query q) {
        List<Object> args = new ArrayList<>();
        String where = where(q, args);
        return Database.inTransaction(ds, c -> {
            try (PreparedStatement st = c.prepareStatement("SELECT count(*) FROM experiments e JOIN bundles b ON b.id = e.bundle_id " + where)) {
                bind(st, args);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    private static String where(Query q, List<Object> args) {
        List<String> conds = new ArrayList<>();
        if (q.search() != null && !q.search().isBlank()) {
            conds.add("(e.name ILIKE ? ESCAPE '\\' OR e.notes ILIKE ? ESCAPE '\\' OR b.name ILIKE ? ESCAPE '\\')");
            String like = "%" + q.search().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
            args.add(like);
            args.add(like);
            args.add(like);
        }
        if (q.status() != null) {
            conds.add("e.status = ?");
            args.add(q.status());
        }
        if (q.bundleName() != null) {
            conds.add("b.name = ?");
            args.add(q.bundleName());
        }
        if (q.dataset() != null) {
            conds.add("b.dataset = ?");
            args.add(q.dataset());
        }
        if (q.tag() != null) {
            conds.add("EXISTS (SELECT 1 FROM experiment_tags t WHERE t.experiment_id = e.id AND t.tag = ?)");
            args.add(q.tag());
        }
        return conds.isEmpty() ? "" : "WHERE " + String.join(" AND ", conds);
    }

    private List<ExperimentRow> select(String where, List<Object> args, String sort, boolean asc, int offset, int limit) {
        return Database.inTransaction(ds, c -> {
            String sql = """
                    SELECT e.id, e.name, e.bundle_id, b.name, b.dataset, b.variant, e.status, e.params::text, e.workflow_id,
                           e.notes, e.created_by, e.error, e.created_at, e.updated_at,
                           ARRAY(SELECT t.tag FROM experiment_tags t WHERE t.experiment_id = e.id ORDER BY t.tag),
                           p.progress, p.started,
                           CASE WHEN e.status IN ('SUCCEEDED', 'FAILED', 'CANCELLED') THEN p.finished END
                    FROM experiments e JOIN bundles b ON b.id = e.bundle_id
                    CROSS JOIN LATERAL (SELECT coalesce(avg(CASE WHEN s.status IN ('SUCCEEDED', 'SKIPPED') THEN 1.0
                                                     WHEN s.progress_total > 0 THEN LEAST(1.0, s.progress_done::float8 / s.progress_total)
                                                     ELSE 0.0 END), 0.0) AS progress,
                                               min(s.started_at) AS started, max(s.finished_at) AS finished
                                        FROM steps s WHERE s.experiment_id = e.id) p
                    """ + where + " ORDER BY " + sort + (asc ? " ASC" : " DESC") + ", e.id" + (asc ? " ASC" : " DESC")
                    + " OFFSET ? LIMIT ?";
            try (PreparedStatement st = c.prepareStatement(sql)) {
                List<Object> all = new ArrayList<>(args);
                all.add(Math.max(0, offset));
                all.add(Math.max(0, limit));
                bind(st, all);
                List<ExperimentRow> out = new ArrayList<>();
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        Array tags = rs.getArray(15);
                        out.add(new ExperimentRow(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10),
                                rs.getString(11), rs.getString(12), rs.getTimestamp(13).toInstant(), rs.getTimestamp(14).toInstant(),
                                Arrays.asList((String[]) tags.getArray()), rs.getDouble(16), instant(rs.getTimestamp(17)),
                                instant(rs.getTimestamp(18))));
                    }
                }
                return out;
            }
        });
    }

    private static Instant instant(java.sql.Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static void bind(PreparedStatement st, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            st.setObject(i + 1, args.get(i));
        }
    }
}
