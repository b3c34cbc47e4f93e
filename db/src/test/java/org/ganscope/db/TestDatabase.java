package org.ganscope.db;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL for tests: the embedded server (started once per JVM), a fresh
 * database per call, migrated. Set GANSCOPE_TEST_JDBC_BASE (e.g.
 * jdbc:postgresql://127.0.0.1:5432/) to use an existing server instead.
 */
final class TestDatabase {
    private static EmbeddedDatabase embedded;
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private TestDatabase() {
    }

    static synchronized String base() throws Exception {
        String env = System.getenv("GANSCOPE_TEST_JDBC_BASE");
        if (env != null && !env.isBlank()) {
            return env.endsWith("/") ? env : env + "/";
        }
        if (embedded == null) {
            embedded = EmbeddedDatabase.start(null, 0);
        }
        return "jdbc:postgresql://127.0.0.1:" + embedded.port() + "/";
    }

    /** A new, migrated database. */
    static HikariDataSource fresh() throws Exception {
        String base = base();
        String name = "gs_test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        try (Connection c = DriverManager.getConnection(base + "postgres", "postgres", embedded.superuserPassword()); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name);
            st.execute("CREATE DATABASE " + name);
        }
        HikariDataSource ds = Database.connect(base + name, "postgres", embedded.superuserPassword(), 4);
        Database.migrate(ds);
        return ds;
    }
}
