package org.ganscope.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;
import javax.sql.DataSource;

/** Metadata of the artifact store's files (content-addressed keys, one row per key and kind); recording is idempotent. */
public final class ArtifactRepository {
    public record ArtifactRow(String key, String kind, long bytes, String sha256) {
    }

    private final DataSource ds;

    public ArtifactRepository(DataSource ds) {
        this.ds = ds;
    }

    public void record(String key, String kind, long bytes, String sha256) {
        Database.inTransaction(ds, c -> {
            try (PreparedStatement st = c.prepareStatement(
                    "INSERT INTO artifacts (key, kind, bytes, sha256) VALUES (?, ?, ?, ?) ON CONFLICT (key, kind) DO NOTHING")) {
                st.setString(1, key);
                st.setString(2, kind);
                st.setLong(3, bytes);
                st.setString(4, sha256);
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
}
