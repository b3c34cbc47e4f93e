package org.ganscope.app.config;

import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;

/**
 * The real Temporal server as a user runs it locally: the official CLI's
 * {@code temporal server start-dev}, a child process with its SQLite history under the
 * platform's data directory ({@code temporal/temporal.db}), frontend and web UI on
 * loopback. Workflow histories survive restarts of the platform and of the server.
 * <p>
 * A platform killed with SIGKILL leaves this child running and holding the SQLite file;
 * its pid is kept in {@code temporal/server.pid} and such an orphan is stopped before a
 * new server starts on the same file (its histories are on disk, nothing is lost).
 */
public final class TemporalDevServer implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(TemporalDevServer.class);
    private final Process process;
    private final int port;
    private final int uiPort;
    private final Path pidFile;

    private TemporalDevServer(Process process, int port, int uiPort, Path pidFile) {
        this.process = process;
        this.port = port;
        this.uiPort = uiPort;
        this.pidFile = pidFile;
    }

    /**
     * The CLI to run: {@code configured} if not blank (it must be an executable file),
     * else {@code temporal} on the PATH; empty if neither.
     */
    public static Optional<Path> findCli(String configured) {
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured);
            if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
                throw new IllegalArgumentException("GANSCOPE_TEMPORAL_CLI names " + p + ", which is not an executable file");
            }
            return Optional.of(p);
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, "temporal");
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * Starts the dev server and waits until its frontend answers.
     *
     * @param port   frontend port, 0 for a free one
     * @param uiPort web UI port, 0 for a free one, -1 for none (headless)
     */
    public static TemporalDevServer start(Path cli, Path dir, int port, int uiPort) throws IOException {
        Files.createDirectories(dir);
        Path pidFile = dir.resolve("server.pid");
        stopOrphan(pidFile);
        int p = port > 0 ? port : freePort();
        int ui = uiPort == 0 ? freePort() : uiPort;
        List<String> cmd = new ArrayList<>(List.of(cli.toString(), "server", "start-dev",
                "--db-filename", dir.resolve("temporal.db").toString(), "--ip", "127.0.0.1", "--port", Integer.toString(p),
                "--log-level", "warn")); // its HTTP API and metrics ports: random free ones it binds at once
        if (ui > 0) {
            cmd.addAll(List.of("--ui-ip", "127.0.0.1", "--ui-port", Integer.toString(ui)));
        } else {
            cmd.add("--headless");
        }
        Path log = dir.resolve("server.log");
        Process proc = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        Files.writeString(pidFile, Long.toString(proc.pid()), StandardCharsets.UTF_8);
        TemporalDevServer server = new TemporalDevServer(proc, p, ui, pidFile);
        try {
            server.awaitServing(Duration.ofSeconds(90), log);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        LOG.info("Temporal dev server (durable, {}) on 127.0.0.1:{}{}", cli, p, ui > 0 ? ", web UI http://127.0.0.1:" + ui : "");
        return server;
    }

    private void awaitServing(Duration timeout, Path log) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("temporal server start-dev exited with status " + process.exitValue() + ": " + tail(log));
            }
            WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
                    .setTarget(target()).build());
            try {
                stubs.blockingStub().withDeadlineAfter(2, TimeUnit.SECONDS).getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
                stubs.blockingStub().withDeadlineAfter(2, TimeUnit.SECONDS).describeNamespace(
                        DescribeNamespaceRequest.newBuilder().setNamespace("default").build());
                return;
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("temporal server start-dev did not answer on " + target() + " within " + timeout.toSeconds()
                            + " s: " + e.getMessage() + "; " + tail(log));
                }
            } finally {
                stubs.shutdownNow();
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the Temporal server");
            }
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Stops a server left running by a platform that was killed (its pid file names it). */
    static void stopOrphan(Path pidFile) throws IOException {
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
        } catch (RuntimeException e) {
            return;
        }
        Optional<ProcessHandle> h = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(x -> x.info().command().map(c -> c.endsWith("temporal")).orElse(false));
        if (h.isEmpty()) {
            return;
        }
        LOG.info("stopping the Temporal server (pid {}) left by an earlier platform process", pid);
        h.get().destroy();
        try {
            h.get().onExit().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            h.get().destroyForcibly();
            try {
                h.get().onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e2) {
                throw new IOException("an earlier Temporal server (pid " + pid + ") does not stop");
            }
        }
    }

    public String target() {
        return "127.0.0.1:" + port;
    }

    /** The web UI's address, or null when headless. */
    public String uiUrl() {
        return uiPort > 0 ? "http://127.0.0.1:" + uiPort : null;
    }

    public long pid() {
        return process.pid();
    }

    /** Stops the server (SIGTERM, then SIGKILL after 20 s); its history stays on disk. */
    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(pidFile);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
