package org.ganscope.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded PostgreSQL on a real data directory: passwords for every connection, a non-superuser application role. */
class EmbeddedDatabaseTest {
    private static String one(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getString(1);
        }
    }

    @Test
    void everyConnectionNeedsAPasswordAndTheApplicationRoleIsNoSuperuser(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("pgdata");
        EmbeddedDatabase.Role role;
        try (EmbeddedDatabase db = EmbeddedDatabase.start(data, 0)) {
            Path creds = dir.resolve(EmbeddedDatabase.CREDENTIALS_FILE);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(creds)));
            assertThrows(SQLException.class, () -> DriverManager.getConnection(db.jdbcUrl("postgres"), "postgres", null).close(),
                    "connected as the superuser without a password");
            SQLException wrong = assertThrows(SQLException.class, () -> DriverManager.getConnection(db.jdbcUrl("postgres"), "postgres", "guess").close());
            assertEquals("28P01", wrong.getSQLState(), wrong.getMessage()); // invalid_password: the server checked it
            role = db.ensureOwnedDatabase("ganscope", "ganscope");
            assertTrue(Files.readString(creds).contains(role.password()), "the role's password is kept for the next start");
            assertThrows(SQLException.class, () -> DriverManager.getConnection(db.jdbcUrl("ganscope"), "ganscope", null).close());
            try (Connection c = DriverManager.getConnection(db.jdbcUrl("ganscope"), role.name(), role.password()); Statement st = c.createStatement()) {
                assertEquals("f", one(c, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"));
                assertEquals("f", one(c, "SELECT rolcreaterole OR rolcreatedb FROM pg_roles WHERE rolname = current_user"));
                st.execute("CREATE TABLE kept (v int)"); // it owns the schema
                st.execute("INSERT INTO kept VALUES (7)");
            }
        }
        // a restart reads the same passwords back
        try (EmbeddedDatabase db = EmbeddedDatabase.start(data, 0)) {
            assertEquals(role, db.ensureOwnedDatabase("ganscope", "ganscope"));
            try (Connection c = DriverManager.getConnection(db.jdbcUrl("ganscope"), role.name(), role.password())) {
                assertEquals("7", one(c, "SELECT v FROM kept"));
            }
        }
    }

    @Test
    void aTrustDataDirectoryOfAnOlderVersionIsUpgradedWithItsData(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("pgdata");
        // what ganscope did before: zonky's default initdb (trust), the superuser owns the application's tables
        try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).start()) {
            try (Connection c = old.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE ganscope");
            }
            try (Connection c = old.getDatabase("postgres", "ganscope").getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE experiment (id bigserial PRIMARY KEY, name text)");
                st.execute("INSERT INTO experiment (name) VALUES ('before')");
            }
        }
        assertTrue(Files.readString(data.resolve("pg_hba.conf")).lines().anyMatch(l -> !l.startsWith("#") && l.endsWith("trust")));
        try (EmbeddedDatabase db = EmbeddedDatabase.start(data, 0)) {
            assertThrows(SQLException.class, () -> DriverManager.getConnection(db.jdbcUrl("postgres"), "postgres", null).close(),
                    "the upgraded directory still lets anyone in");
            EmbeddedDatabase.Role role = db.ensureOwnedDatabase("ganscope", "ganscope");
            try (Connection c = DriverManager.getConnection(db.jdbcUrl("ganscope"), role.name(), role.password()); Statement st = c.createStatement()) {
                assertEquals("before", one(c, "SELECT name FROM experiment"));
                st.execute("INSERT INTO experiment (name) VALUES ('after')"); // it owns the table and its sequence now
                assertEquals("ganscope", one(c, "SELECT tableowner FROM pg_tables WHERE tablename = 'experiment'"));
            }
        }
        assertFalse(Files.readString(data.resolve("pg_hba.conf")).lines().anyMatch(l -> !l.startsWith("#") && l.endsWith("trust")));
    }
}
