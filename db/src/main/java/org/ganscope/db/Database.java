package org.ganscope.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** Connection pool and schema migrations (Flyway, classpath:db/migration). */
public final class Database {
    private Database() {
    }

    public static HikariDataSource connect(String jdbcUrl, String user, String password, int poolSize) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(jdbcUrl);
        c.setUsername(user);
        if (password != null) {
            c.setPassword(password);
        }
        c.setMaximumPoolSize(poolSize);
        c.setPoolName("ganscope");
        c.setConnectionTimeout(10_000);
        return new HikariDataSource(c);
    }

    /** Applies pending migrations; returns how many were applied. */
    public static int migrate(DataSource ds) {
        return Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate().migrationsExecuted;
    }

    /** Work inside one transaction: committed if {@code work} returns, rolled back if it throws. */
    public static <T> T inTransaction(DataSource ds, SqlWork<T> work) {
        try (Connection c = ds.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    /** One statement with positional arguments in its own transaction; returns the update count. */
    public static int update(DataSource ds, String sql, Object... args) {
        return inTransaction(ds, c -> {
            try (PreparedStatement st = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    st.setObject(i + 1, args[i]);
                }
                return st.executeUpdate();
            }
        });
    }

    /** A unit of JDBC work. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }
}
