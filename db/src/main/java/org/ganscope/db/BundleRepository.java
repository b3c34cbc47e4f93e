package org.ganscope.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Registered model bundles. Registration is idempotent on the bundle hash. */
public final class BundleRepository {
    public record BundleRow(long id, String hash, String name, String dataset, String variant, String path, String manifestJson) {
    }

    private final DataSource ds;

    public BundleRepository(DataSource ds) {
        this.ds = ds;
    }

    /** Registers a bundle (or updates its path if the same hash is known); returns its id. */
    public long register(String hash, String name, String dataset, String variant, String path, String manifestJson) {
        return Database.inTransaction(ds, c -> {
            try (PreparedStatement st = c.prepareStatement("""
                    INSERT INTO bundles (hash, name, dataset, variant, path, manifest) VALUES (?, ?, ?, ?, ?, ?::jsonb)
                    ON CONFLICT (hash) DO UPDATE SET path = EXCLUDED.path RETURNING id""")) {
                st.setString(1, hash);
                st.setString(2, name);
                st.setString(3, dataset);
                st.setString(4, variant);
                st.setString(5, path);
                st.setString(6, manifestJson);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    public Optional<BundleRow> byHash(String hash) {
        return query("WHERE hash = ?", hash).stream().findFirst();
    }

    public Optional<BundleRow> byId(long id) {
        return query("WHERE id = ?", id).stream().findFirst();
    }

    public List<BundleRow> all() {
        return query("ORDER BY dataset, name");
    }

    private List<BundleRow> query(String where, Object... args) {
        return Database.inTransaction(ds, c -> {
            try (PreparedStatement st = c.prepareStatement(
                    "SELECT id, hash, name, dataset, variant, path, manifest::text FROM bundles " + where)) {
                for (int i = 0; i < args.length; i++) {
                    st.setObject(i + 1, args[i]);
                }
                List<BundleRow> out = new ArrayList<>();
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        out.add(new BundleRow(rs.getLong(1), rs.getString(2).trim(), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getString(6), rs.getString(7)));
                    }
                }
                return out;
            }
        });
    }
}
