package org.ganscope.db;

import java.sql.SQLException;

/**
 * A database failure. {@link #transient_()} tells whether retrying may help (connection
 * lost, server shutting down, serialization failure) or not (constraint violation, bad
 * SQL): activities retry the first kind and fail on the second.
 */
public class DatabaseException extends RuntimeException {
    private final String sqlState;

    public DatabaseException(SQLException cause) {
        super(describe(cause), cause);
        this.sqlState = cause.getSQLState();
    }

    public DatabaseException(String message) {
        super(message);
        this.sqlState = null;
    }

    private static String describe(SQLException e) {
        return "database error" + (e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")") + ": " + e.getMessage();
    }

    public String sqlState() {
        return sqlState;
    }

    /** Connection exceptions (08xxx), serialization failures/deadlocks (40xxx), admin shutdown (57P0x). */
    public boolean transient_() {
        return sqlState == null || sqlState.startsWith("08") || sqlState.startsWith("40") || sqlState.startsWith("57P");
    }
}
