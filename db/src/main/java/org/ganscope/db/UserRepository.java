package org.ganscope.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Users with a password hash (never the password) and one role: viewer, operator or admin. */
public final class UserRepository {
    public static final List<String> ROLES = List.of("viewer", "operator", "admin");

    public record UserRow(String username, String passwordHash, String role, Instant createdAt) {
    }

    private final DataSource ds;

    public UserRepository(DataSource ds) {
        this.ds = ds;
    }

    /** Adds the user unless the name is taken; true if added. */
    public boolean create(String username, String passwordHash, String role) {
        return Database.update(ds, "INSERT INTO users (username, password_hash, role) VALUES (?, ?, ?) ON CONFLICT (username) DO NOTHING",
                username, passwordHash, role) == 1;
    }

    public void setPassword(String username, String passwordHash) {
        Database.update(ds, "UPDATE users SET password_hash = ? WHERE username = ?", passwordHash, username);
    }

    public void setRole(String username, String role) {
        Database.update(ds, "UPDATE users SET role = ? WHERE username = ?", role, username);
    }

    public boolean delete(String username) {
        return Database.update(ds, "DELETE FROM users WHERE username = ?", username) == 1;
    }

    public Optional<UserRow> find(String username) {
        List<UserRow> rows = query("SELECT username, password_hash, role, created_at FROM users WHERE username = ?", username);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    public List<UserRow> all() {
        return query("SELECT username, password_hash, role, created_at FROM users ORDER BY username");
    }

    public long count() {
        return Database.inTransaction(ds, c -> {
            try (PreparedStatement st = c.prepareStatement("SELECT count(*) FROM users"); ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private List<UserRow> query(String sql, Object... args) {
        return Database.inTransaction(ds, c -> {
            try (PreparedStatement st = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    st.setObject(i + 1, args[i]);
                }
                List<UserRow> out = new ArrayList<>();
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        out.add(new UserRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant()));
                    }
                }
                return out;
            }
        });
    }
}
