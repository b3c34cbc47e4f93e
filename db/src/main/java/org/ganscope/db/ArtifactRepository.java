package org.ganscope.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Metadata of the artifact store's files (content-addressed keys, one row per key and kind),
 * and the heals: files found torn, lost or unrecorded when a step came to reuse them, until
 * they are stored again ({@code artifact_heals}).
 */
public final class ArtifactRepository {
    public record ArtifactRow(String key, String kind, long bytes, String sha256) {
    }

    /** Heals so far: {@code detected} files found unusable, {@code recomputed} of them stored again. */
    public record HealCounts(long detected, long recomputed) {
    }

    private final DataSource ds;

    public ArtifactRepository(DataSource ds) {
        this.ds = ds;
    }

    /**
     * Records the file now stored under (key, kind): its row describes the file on disk, so a
     * file stored again (after a heal) replaces the row, and the open heal of it is closed.
     */
    public void record(String key, String kind, long bytes, String sha256) {
        Database.inTransaction(ds, c -> {
            try (PreparedStatement st = c.prepareStatement("""
                    INSERT INTO artifacts (key, kind, bytes, sha256) VALUES (?, ?, ?, ?)
                    ON CONFLICT (key, kind) DO UPDATE SET bytes = EXCLUDED.bytes, sha256 = EXCLUDED.sha256""")) {
                st.setString(1, key);
                st.setString(2, kind);
                st.setLong(3, bytes);
                st.setString(4, sha256);
                st.executeUpdate();
            }
            try (PreparedStatement st = c.prepareStatement(
                    "UPDATE artifact_heals SET recomputed_at = now() WHERE key = ? AND kind = ? AND recomputed_at IS NULL")) {
                st.setString(1, key);
                st.setString(2, kind);
                st.executeUpdate();
            }
            return null;
        });
    }

    /** @param kind the file's suffix without the dot (e.g. "json") */
    public Optional<ArtifactRow> get(String key, String kind) {
        return Database.inTransaction(ds, c -> {
            try (PreparedStatement st = c.prepareStatement("SELECT key, kind, bytes, sha256 FROM artifacts WHERE key = ? AND kind = ?")) {
                st.setString(1, key);
                st.setString(2, kind);
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() ? Optional.of(new ArtifactRow(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4).trim()))
                            : Optional.<ArtifactRow>empty();
                }
            }
        });
    }

    /**
     * Notes that the file (key, kind) was found unusable ({@code reason}: corrupt, missing or
     * unrecorded) and is to be computed again; returns false if that is already noted and not yet recomputed.
     */
    public boolean healing(String key, String kind, String reason, String detail) {
        return Database.update(ds, """
                INSERT INTO artifact_heals (key, kind, reason, detail) VALUES (?, ?, ?, ?)
                ON CONFLICT (key, kind) WHERE recomputed_at IS NULL DO NOTHING""", key, kind, reason, detail) == 1;
    }

    public HealCounts heals() {
        return Database.inTransaction(ds, c -> {
            try (PreparedStatement st = c.prepareStatement("SELECT count(*), count(recomputed_at) FROM artifact_heals");
                    ResultSet rs = st.executeQuery()) {
                rs.next();
                return new HealCounts(rs.getLong(1), rs.getLong(2));
            }
        });
    }
}
