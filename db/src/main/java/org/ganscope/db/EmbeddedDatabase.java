package org.ganscope.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded PostgreSQL server (zonky's binaries, PostgreSQL 17) for a machine without
 * one: its data directory persists across restarts ({@code ~/.ganscope/pgdata} by
 * default), it listens on loopback only, and every connection needs a password
 * (scram-sha-256): the superuser {@code postgres}'s and the application role's generated
 * passwords are kept in {@code db-credentials} beside the data directory, readable by its
 * owner only (0600). A data directory initialised by an older ganscope with trust
 * authentication (anyone on the machine could connect as the superuser) is upgraded in place
 * at start, and says so in the log.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
    /** The file, beside the data directory, holding the generated passwords. */
    public static final String CREDENTIALS_FILE = "db-credentials";
    private static final Pattern TRUST = Pattern.compile("^(\\s*(?:local|host\\S*)\\s.*\\s)trust(\\s*)$", Pattern.MULTILINE);

    private final EmbeddedPostgres pg;
    private final String superuserPassword;
    private final Properties credentials;
    private final Path credentialsFile;

    private EmbeddedDatabase(EmbeddedPostgres pg, String superuserPassword, Properties credentials, Path credentialsFile) {
        this.pg = pg;
        this.superuserPassword = superuserPassword;
        this.credentials = credentials;
        this.credentialsFile = credentialsFile;
    }

    /** The superuser's ({@code postgres}) password: for creating databases and roles, never for the application's queries. */
    public String superuserPassword() {
        return superuserPassword;
    }

    /** A connection as the superuser {@code postgres} to the given database. */
    public Connection superuserConnection(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), "postgres", superuserPassword);
    }

    /** A role (login, not superuser, no CREATEDB/CREATEROLE) and its password, for the application's connections. */
    public record Role(String name, String password) {
    }

    /**
     * Makes {@code role} (a login role without superuser rights, its password generated once
     * and kept in the credentials file) the owner of {@code database} (created if missing), of
     * its {@code public} schema and of every table, view and sequence in it: a database created
     * by an older ganscope, owned by the superuser, is handed over. Idempotent.
     */
    public synchronized Role ensureOwnedDatabase(String database, String role) throws SQLException, IOException {
        requireIdentifier(database);
        requireIdentifier(role);
        String key = "role." + role + ".password";
        String password = credentials.getProperty(key);
        if (password == null) {
            password = Secrets.generate(32);
            credentials.setProperty(key, password);
            saveCredentials(credentialsFile, credentials);
        }
        try (Connection c = superuserConnection("postgres"); Statement st = c.createStatement()) {
            boolean exists;
            try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + role + "'")) {
                exists = rs.next();
            }
            st.execute((exists ? "ALTER ROLE " : "CREATE ROLE ") + role
                    + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD '" + password + "'");
            try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
                exists = rs.next();
            }
            st.execute(exists ? "ALTER DATABASE " + database + " OWNER TO " + role : "CREATE DATABASE " + database + " OWNER " + role);
        }
        try (Connection c = superuserConnection(database); Statement st = c.createStatement()) {
            st.execute("ALTER SCHEMA public OWNER TO " + role);
            // tables (their serial/identity sequences follow), views, and free-standing sequences
            st.execute("DO $$ DECLARE r record; BEGIN FOR r IN SELECT c.relname, c.relkind FROM pg_class c"
                    + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')"
                    + " AND c.relowner <> '" + role + "'::regrole AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d"
                    + " WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')))"
                    + " LOOP EXECUTE format('ALTER %s public.%I OWNER TO " + role + "', CASE r.relkind WHEN 'S' THEN 'SEQUENCE'"
                    + " WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END, r.relname); END LOOP; END $$");
        }
        return new Role(role, password);
    }

    private static void requireIdentifier(String name) {
        if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("not a plain PostgreSQL identifier: '" + name + "'");
        }
    }


    /** The credentials file of a data directory: beside it (initdb wants the directory itself empty). */
    public static Path credentialsFile(Path dataDir) {
        return dataDir.toAbsolutePath().getParent().resolve(CREDENTIALS_FILE);
    }

    private static Properties loadCredentials(Path file) throws IOException {
        Properties p = new Properties();
        if (file != null && Files.isRegularFile(file)) {
            try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(in);
            }
        }
        return p;
    }

    /** Written to a file created 0600 and moved into place: never readable by others, not even briefly. */
    private static void saveCredentials(Path file, Properties p) throws IOException {
        if (file == null) {
            return; // a throw-away server: its passwords live only in memory
        }
        Path tmp = writePrivate(file.getParent(), "");
        try (var out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(out, "ganscope embedded PostgreSQL passwords (generated; keep this file private)");
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static Path writePrivate(Path dir, String text) throws IOException {
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".ganscope", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        return tmp;
    }

    private static void signal(ProcessHandle h, String sig) {
        try {
            new ProcessBuilder("kill", "-" + sig, Long.toString(h.pid())).inheritIO().start().waitFor();
        } catch (IOException | InterruptedException e) {
            h.destroy(); // no kill command: SIGTERM
        }
    }

    /**
     * @param dataDir kept between runs (its passwords in {@link #credentialsFile}); null for a
     *     throw-away directory (passwords in memory only)
     */
    public static EmbeddedDatabase start(Path dataDir, int port) throws IOException {
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1");
        Path credFile = dataDir == null ? null : credentialsFile(dataDir);
        Properties creds = loadCredentials(credFile);
        String superPw = creds.getProperty("superuser.password");
        boolean legacy = false;
        if (dataDir != null) {
            Files.createDirectories(dataDir);
            stopOrphan(dataDir);
            b.setDataDirectory(dataDir).setCleanDataDirectory(false);
            Path hba = dataDir.resolve("pg_hba.conf");
            legacy = Files.isRegularFile(hba) && TRUST.matcher(Files.readString(hba)).find();
            if (Files.isRegularFile(dataDir.resolve("postgresql.conf")) && superPw == null && !legacy) {
                throw new IOException("the PostgreSQL data directory " + dataDir + " requires passwords, but " + credFile
                        + " (which holds them) is missing; restore that file, or move the data directory away to start with an empty database");
            }
        }
        if (superPw == null) {
            superPw = Secrets.generate(32);
            creds.setProperty("superuser.password", superPw);
            saveCredentials(credFile, creds);
        }
        if (port > 0) {
            b.setPort(port);
        }
        // a new cluster: password (SCRAM) authentication for every connection, local and TCP; initdb reads the
        // superuser's password from a private file (the later --auth overrides zonky's own "-A trust")
        Path pwFile = writePrivate(dataDir == null ? Path.of(System.getProperty("java.io.tmpdir")) : credFile.getParent(), superPw + "\n");
        EmbeddedPostgres pg;
        try {
            b.setLocaleConfig("auth", "scram-sha-256").setLocaleConfig("pwfile", pwFile.toString());
            // a trust-authentication data directory accepts this too (the password is ignored until the upgrade below)
            b.setConnectConfig("password", superPw);
            pg = b.start();
        } finally {
            Files.deleteIfExists(pwFile);
        }
        EmbeddedDatabase db = new EmbeddedDatabase(pg, superPw, creds, credFile);
        if (legacy) {
            db.upgradeFromTrust(dataDir);
        }
        return db;
    }

    /** A data directory of an older ganscope (trust: no password asked): sets the superuser's password, then requires passwords. */
    private void upgradeFromTrust(Path dataDir) throws IOException {
        LOG.warn("the PostgreSQL data directory {} was initialised with trust authentication (any local user could connect as its"
                + " superuser); upgrading it to password authentication (scram-sha-256), passwords in {}", dataDir, credentialsFile);
        try (Connection c = superuserConnection("postgres"); Statement st = c.createStatement()) {
            st.execute("SET password_encryption = 'scram-sha-256'");
            st.execute("ALTER ROLE postgres PASSWORD '" + superuserPassword + "'");
            Path hba = dataDir.resolve("pg_hba.conf");
            Files.writeString(hba, TRUST.matcher(Files.readString(hba)).replaceAll("$1scram-sha-256$2"));
            try (ResultSet rs = st.executeQuery("SELECT pg_reload_conf()")) {
                rs.next();
            }
        } catch (SQLException e) {
            throw new IOException("could not upgrade the trust-authentication PostgreSQL data directory " + dataDir + " to passwords: "
                    + e.getMessage() + "; move it away to start with an empty database", e);
        }
        LOG.warn("{} now requires passwords", dataDir);
    }

    /**
     * A JVM killed with SIGKILL leaves its PostgreSQL child running and holding the data
     * directory: stop that orphan before starting anew. SIGINT is PostgreSQL's fast shutdown
     * (clients such as other workers' pools are disconnected; SIGTERM would wait for them),
     * SIGQUIT its immediate shutdown if that takes over 20 s; either way this waits until the
     * postmaster has exited, so the lock file and shared memory are free.
     */
    static void stopOrphan(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
        } catch (RuntimeException e) {
            return;
        }
        var handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(h -> h.info().command().map(c -> c.contains("postgres")).orElse(false));
        if (handle.isEmpty()) {
            return;
        }
        ProcessHandle h = handle.get();
        signal(h, "INT");
        try {
            h.onExit().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            signal(h, "QUIT");
            try {
                h.onExit().get(20, TimeUnit.SECONDS);
            } catch (Exception e2) {
                throw new IOException("an earlier PostgreSQL (pid " + pid + ") still holds " + dataDir + " and does not stop");
            }
        }
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + database;
    }

    public int port() {
        return pg.getPort();
    }

    @Override
    public void close() throws IOException {
        pg.close();
    }
}
