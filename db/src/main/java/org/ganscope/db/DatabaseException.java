package org.ganscope.db;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/**
 * A database failure. {@link #transient_()} tells whether retrying may help (connection
 * lost, server shutting down, serialization failure) or not (constraint violation, bad
 * SQL): activities retry the first kind and fail on the second.
 */
public class DatabaseException extends RuntimeException {
    private final String sqlState;
    private final boolean transientCause;

    public DatabaseException(SQLException cause) {
        super(describe(cause), cause);
        this.sqlState = cause.getSQLState();
        // e.g. HikariCP's "connection is not available" (no SQL state) when the server is down
        this.transientCause = cause instanceof SQLTransientException || cause instanceof SQLRecoverableException || poolClosed(cause);
    }

    /**
     * HikariCP's "HikariDataSource ... has been closed." (no SQL state): this process's pool is
     * closing (a graceful stop, or a stop that outran the drain); the request is fine and
     * another worker, or this one restarted, can do it.
     */
    private static boolean poolClosed(SQLException e) {
        String m = e.getMessage();
        return e.getSQLState() == null && m != null && m.startsWith("HikariDataSource") && m.contains("has been closed");
    }

    /** A rejection found by the repository itself (a missing row): never transient. */
    public DatabaseException(String message) {
        super(message);
        this.sqlState = null;
        this.transientCause = false;
    }

    private static String describe(SQLException e) {
        return "database error" + (e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")") + ": " + e.getMessage();
    }

    public String sqlState() {
        return sqlState;
    }

    /**
     * Connection exceptions (08xxx), serialization failures/deadlocks (40xxx), admin
     * shutdown (57P0x), and driver exceptions that are transient by type. A missing SQL
     * state alone is not transient: "no experiment with id" must not be retried forever.
     */
    public boolean transient_() {
        if (transientCause) {
            return true;
        }
        return sqlState != null && (sqlState.startsWith("08") || sqlState.startsWith("40") || sqlState.startsWith("57P"));
    }
}
