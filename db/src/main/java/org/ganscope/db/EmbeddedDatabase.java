package org.ganscope.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * An embedded PostgreSQL server (zonky's binaries, PostgreSQL 17) for a machine without
 * one: its data directory persists across restarts ({@code ~/.ganscope/pgdata} by
 * default), it listens on loopback only.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private final EmbeddedPostgres pg;

    private EmbeddedDatabase(EmbeddedPostgres pg) {
        this.pg = pg;
    }

    private static void signal(ProcessHandle h, String sig) {
        try {
            new ProcessBuilder("kill", "-" + sig, Long.toString(h.pid())).inheritIO().start().waitFor();
        } catch (IOException | InterruptedException e) {
            h.destroy(); // no kill command: SIGTERM
        }
    }

    /** @param dataDir kept between runs; null for a throw-away directory */
    public static EmbeddedDatabase start(Path dataDir, int port) throws IOException {
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1");
        if (dataDir != null) {
            Files.createDirectories(dataDir);
            stopOrphan(dataDir);
            b.setDataDirectory(dataDir).setCleanDataDirectory(false);
        }
        if (port > 0) {
            b.setPort(port);
        }
        return new EmbeddedDatabase(b.start());
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
