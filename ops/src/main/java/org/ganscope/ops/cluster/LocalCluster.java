package org.ganscope.ops.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ganscope.analysis.Progress;
import org.ganscope.app.GanscopeApplication;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scaled-out platform on one machine, as separate processes: a platform node (embedded
 * PostgreSQL and Temporal on ports, the workflow and bookkeeping workers, the API; no model
 * work) and model workers that connect to it exactly as {@code ./ganscope worker} does on
 * another host. Used by the worker kill test and by {@code ganscope bench workers}.
 * Processes run the platform's entry point ({@link GanscopeApplication#main}) on this JVM's class path.
 */
public final class LocalCluster implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;
    private final int httpPort;
    private final int dbPort;
    private final int temporalPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** No request to the platform waits longer than this (a platform that hangs must fail a scenario, not stall the run). */
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);
    private final Map<String, Process> processes = new LinkedHashMap<>();
    /** The platform's admin password, chosen for this cluster (GANSCOPE_ADMIN_PASSWORD). */
    private final String adminPassword = "cluster-" + Long.toHexString(new SecureRandom().nextLong());

    /** @param dir where the platform's data and every process's log go */
    public LocalCluster(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.httpPort = freePort();
        this.dbPort = freePort();
        this.temporalPort = freePort();
    }

    public Path dir() {
        return dir;
    }

    public String api() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** Extra platform arguments (e.g. a smaller upload cap for the chaos suite). */
    private final List<String> platformArgs = new ArrayList<>();

    public void platformArgs(String... args) {
        platformArgs.addAll(List.of(args));
    }

    public String adminPassword() {
        return adminPassword;
    }

    private final List<String> workerJvm = new ArrayList<>();

    /** Extra JVM options for the model workers started from now on (e.g. -Dganscope.checkpoint-seconds=1). */
    public void workerJvmArgs(String... args) {
        workerJvm.addAll(List.of(args));
    }

    /** Runs the platform on the real Temporal server: the CLI's dev server, started by the platform node. */
    public void temporalDevServer(Path cli) {
        platformArgs("--ganscope.temporal.mode=dev", "--ganscope.temporal.cli=" + cli, "--ganscope.temporal.ui-port=-1");
    }

    /** The Temporal server the platform node runs on (temporal-dev, test-server or external), from its ready line. */
    public String temporalServer() throws IOException {
        Matcher m = Pattern.compile("ganscope ready: .*temporal=(\\S+?),").matcher(Files.readString(log("platform")));
        String kind = "unknown";
        while (m.find()) {
            kind = m.group(1);
        }
        return kind;
    }

    /**
     * SIGKILL the platform node together with the Temporal dev server it runs (if any), as
     * when the machine they share dies; its PostgreSQL is left as an orphan, as in a crash of
     * the JVM alone.
     */
    public void killPlatformAndTemporal() throws InterruptedException {
        Process p = processes.get("platform");
        if (p != null) {
            p.descendants().filter(h -> h.info().command().map(c -> c.endsWith("temporal")).orElse(false)).forEach(ProcessHandle::destroyForcibly);
        }
        kill("platform");
    }

    /** Starts the platform node and waits until its API answers with the demo bundles registered. */
    public void startPlatform() throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--server.port=" + httpPort, "--ganscope.data-dir=" + dir.resolve("platform"),
                "--ganscope.db.embedded-port=" + dbPort, "--ganscope.temporal.embedded-port=" + temporalPort,
                "--ganscope.workers=workflows,bookkeeping"));
        args.addAll(platformArgs);
        // the password through the environment, not the command line, which every local user can read (ps)
        Process p = spawn("platform", List.of(), args, Map.of("GANSCOPE_ADMIN_PASSWORD", adminPassword));
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("the platform process exited during start; see " + log("platform"));
            }
            try {
                if (get("/api/bundles").findValuesAsText("name").contains("outdoor-base-s100")) { // the demo bundles register one by one
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(300);
        }
        throw new IllegalStateException("the platform did not come up in 3 minutes; see " + log("platform"));
    }

    /**
     * Starts model workers with the given names, each with {@code threads} ONNX Runtime
     * threads and its artifact store under {@code dataDir} (workers of one experiment must
     * share it), and waits until all poll for work.
     */
    public void startWorkers(Path dataDir, int threads, String... names) throws IOException, InterruptedException {
        for (String name : names) {
            List<String> jvm = new ArrayList<>(workerJvm);
            jvm.add("-Dganscope.threads=" + threads);
            spawn(name, jvm, List.of("--spring.profiles.active=worker",
                    "--ganscope.temporal.target=127.0.0.1:" + temporalPort,
                    "--ganscope.db.url=jdbc:postgresql://127.0.0.1:" + dbPort + "/ganscope", "--ganscope.data-dir=" + dataDir,
                    "--ganscope.worker-name=" + name), dbCredentials());
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        for (String name : names) {
            while (!(Files.exists(log(name)) && Files.readString(log(name)).contains("ganscope ready"))) {
                if (!processes.get(name).isAlive()) {
                    throw new IllegalStateException("worker " + name + " exited during start; see " + log(name));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("worker " + name + " did not start in 3 minutes; see " + log(name));
                }
                Thread.sleep(200);
            }
        }
    }

    /** SIGKILL: the process gets no chance to clean up, as in a machine or OOM kill. */
    public void kill(String name) throws InterruptedException {
        Process p = processes.remove(name);
        if (p != null) {
            p.destroyForcibly().waitFor();
        }
    }

    /**
     * SIGTERM, as a service manager or {@code docker stop} sends it: the process stops
     * gracefully (drains its workers); SIGKILL only if it is still alive after {@code grace}.
     *
     * @return seconds until it exited, or -1 if it had to be killed
     */
    public double terminate(String name, Duration grace) throws InterruptedException {
        Process p = processes.remove(name);
        if (p == null) {
            return 0;
        }
        long t0 = System.nanoTime();
        p.destroy();
        if (p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            return (System.nanoTime() - t0) / 1e9;
        }
        p.destroyForcibly().waitFor();
        return -1;
    }

    /** The process id of a process this cluster started (to freeze it with SIGSTOP). */
    public long pid(String name) {
        Process p = processes.get(name);
        if (p == null || !p.isAlive()) {
            throw new IllegalStateException("no running process " + name);
        }
        return p.pid();
    }

    /** The Temporal dev server the platform node started (its child), if any. */
    public java.util.Optional<ProcessHandle> temporalProcess() {
        Process p = processes.get("platform");
        return p == null ? java.util.Optional.empty()
                : p.descendants().filter(h -> h.info().command().map(c -> c.endsWith("temporal")).orElse(false)).findFirst();
    }

    public Path log(String name) {
        return dir.resolve(name + ".log");
    }

    /** Launches an experiment (the REST API's JSON body) and returns its id. */
    public long launch(String body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api() + "/api/experiments")).timeout(REQUEST_TIMEOUT).header("authorization", basic())
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("launch refused (HTTP " + r.statusCode() + "): " + r.body());
        }
        return JSON.readTree(r.body()).get("id").asLong();
    }

    /** Waits until the experiment ends; returns its final status. */
    public String await(long id, Duration timeout) throws IOException, InterruptedException {
        return await(id, timeout, Progress.NONE, "experiment " + id);
    }

    /**
     * As above, showing the experiment's steps on {@code progress} as they run ({@link StepProgress}),
     * each phase called {@code label}: step [layer].
     */
    public String await(long id, Duration timeout, Progress progress, String label) throws IOException, InterruptedException {
        StepProgress steps = new StepProgress(progress, label);
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                JsonNode view = get("/api/experiments/" + id);
                steps.update(view);
                String status = view.get("experiment").get("status").asText();
                if (status.equals("SUCCEEDED") || status.equals("FAILED") || status.equals("CANCELLED")) {
                    return status;
                }
                Thread.sleep(200);
            }
            return "TIMED OUT";
        } finally {
            steps.close();
        }
    }

    /** A request as user {@code user} ({@code null}: none): the status and body, for probing refusals. */
    public HttpResponse<String> request(String method, String path, String user, String password, String contentType, byte[] body)
            throws IOException, InterruptedException {
        return request(method, path, user, password, contentType, body, null);
    }

    /** As above, with an Idempotency-Key header when {@code idempotencyKey} is not null. */
    public HttpResponse<String> request(String method, String path, String user, String password, String contentType, byte[] body,
            String idempotencyKey) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api() + path)).timeout(REQUEST_TIMEOUT).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (user != null) {
            b.header("authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                    .getBytes(StandardCharsets.UTF_8)));
        }
        if (contentType != null) {
            b.header("content-type", contentType);
        }
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** As admin. */
    public HttpResponse<String> request(String method, String path, String contentType, byte[] body) throws IOException, InterruptedException {
        return request(method, path, "admin", adminPassword, contentType, body);
    }

    public boolean isAlive(String name) {
        Process p = processes.get(name);
        return p != null && p.isAlive();
    }

    public List<String> workers() {
        return processes.keySet().stream().filter(n -> !n.equals("platform") && !n.startsWith("adopted-")).toList();
    }

    public JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api() + path)).timeout(REQUEST_TIMEOUT).header("authorization", basic()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + ": HTTP " + r.statusCode());
        }
        return JSON.readTree(r.body());
    }

    private String basic() {
        return "Basic " + Base64.getEncoder().encodeToString(("admin:" + adminPassword).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The platform's embedded PostgreSQL asks every connection for a password: workers connect
     * as its application role, with the password the platform generated into its data
     * directory, handed over through the environment (not the command line, which ps shows).
     */
    public Map<String, String> dbCredentials() throws IOException {
        Path file = dir.resolve("platform").resolve(org.ganscope.db.EmbeddedDatabase.CREDENTIALS_FILE);
        java.util.Properties p = new java.util.Properties();
        try (var in = Files.newBufferedReader(file)) {
            p.load(in);
        }
        String password = p.getProperty("role.ganscope.password");
        if (password == null) {
            throw new IllegalStateException(file + " has no password for the role ganscope: start the platform first");
        }
        return Map.of("GANSCOPE_DB_USER", "ganscope", "GANSCOPE_DB_PASSWORD", password);
    }

    private Process spawn(String name, List<String> jvm, List<String> args) throws IOException {
        return spawn(name, jvm, args, Map.of());
    }

    private Process spawn(String name, List<String> jvm, List<String> args, Map<String, String> env) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx1g");
        cmd.add("-Dai.djl.offline=true");
        String home = System.getProperty("ganscope.home", System.getenv("GANSCOPE_HOME"));
        if (home != null) {
            cmd.add("-Dganscope.home=" + home);
        }
        cmd.addAll(jvm);
        // the platform's own entry point, on this JVM's class path (the ops jar beside the app's plain jar and its libraries)
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), GanscopeApplication.class.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log(name).toFile()));
        pb.environment().putAll(env);
        Process p = pb.start();
        processes.put(name, p);
        return p;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * A process the caller started for this cluster (e.g. its PostgreSQL restarted by hand),
     * stopped with it, after the platform.
     */
    public void adopt(String name, Process p) {
        processes.put(name, p);
    }

    /** Stops every process: workers first, then the platform, then adopted ones (graceful, then forced). */
    @Override
    public void close() throws InterruptedException {
        List<String> names = new ArrayList<>(processes.keySet());
        Collections.reverse(names);
        names.sort(java.util.Comparator.comparing(n -> n.startsWith("adopted-"))); // stable: the others keep their order
        for (String n : names) {
            Process p = processes.remove(n);
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
    }
}
