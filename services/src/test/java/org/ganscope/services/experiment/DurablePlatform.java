package org.ganscope.services.experiment;

import com.zaxxer.hikari.HikariDataSource;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.RpcRetryOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ganscope.activities.BundleResolver;
import org.ganscope.activities.ModelActivities;
import org.ganscope.activities.ModelWork;
import org.ganscope.activities.TaskQueues;
import org.ganscope.activities.experiment.ExperimentActivitiesImpl;
import org.ganscope.activities.store.ArtifactStore;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.db.ArtifactRepository;
import org.ganscope.db.BundleRepository;
import org.ganscope.db.Database;
import org.ganscope.db.EmbeddedDatabase;
import org.ganscope.db.ExperimentRepository;
import org.ganscope.db.ResultRepository;
import org.ganscope.db.ShardRunRepository;
import org.ganscope.db.StepRepository;
import org.ganscope.workflows.experiment.ExperimentWorkflowImpl;

/**
 * The platform's durable parts for service tests, as {@code ./ganscope up} runs them: the
 * Temporal CLI's dev server (a child process with its history in SQLite, so it can be
 * stopped and started again on the same history), an embedded PostgreSQL (one per JVM, a
 * fresh database per fixture), the demo bundle registered, workers on the three task
 * queues with the real activities, and the {@link ExperimentService} over them.
 * {@link #restart} stops all of that but PostgreSQL and the history and starts it again,
 * as a platform restart does. The CLI missing is a failure, not a skip (run .ci/install-temporal).
 */
final class DurablePlatform implements AutoCloseable {
    private static EmbeddedDatabase pg;
    private static int counter;

    final HikariDataSource ds;
    final ExperimentRepository experiments;
    final StepRepository steps;
    final ShardRunRepository shardRuns;
    final BundleRepository bundles;
    final ResultRepository results;
    final ArtifactStore store;
    final Bundle bundle;
    private final Path temporalDir;
    private final int port;
    private Process server;
    WorkflowServiceStubs stubs;
    WorkflowClient client;
    private WorkerFactory workers;
    ExperimentService service;

    DurablePlatform() throws Exception {
        String base;
        synchronized (DurablePlatform.class) {
            if (pg == null) {
                pg = EmbeddedDatabase.start(null, 0);
            }
            base = "jdbc:postgresql://127.0.0.1:" + pg.port() + "/";
            counter++;
        }
        String name = "gs_svc_" + ProcessHandle.current().pid() + "_" + counter;
        try (Connection c = DriverManager.getConnection(base + "postgres", "postgres", pg.superuserPassword()); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        ds = Database.connect(base + name, "postgres", pg.superuserPassword(), 6);
        Database.migrate(ds);
        experiments = new ExperimentRepository(ds);
        steps = new StepRepository(ds);
        shardRuns = new ShardRunRepository(ds);
        bundles = new BundleRepository(ds);
        results = new ResultRepository(ds);
        store = new ArtifactStore(Files.createTempDirectory("ganscope-store"), new ArtifactRepository(ds));
        bundle = BundleLoader.load(repo().resolve("models/bundles/outdoor-base-s100"));
        bundles.register(bundle.hash(), bundle.name(), bundle.manifest().dataset(), bundle.manifest().variant(),
                bundle.dir().toString(), bundle.manifest().raw().toString());
        temporalDir = Files.createTempDirectory("ganscope-temporal");
        port = freePort();
        start();
    }

    static Path repo() {
        String r = System.getProperty("ganscope.repo");
        return (r != null ? Path.of(r) : Path.of("..")).toAbsolutePath().normalize();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The Temporal CLI: GANSCOPE_TEMPORAL_CLI, else {@code temporal} on the PATH, else where .ci/install-temporal caches it. */
    static Path cli() {
        String env = System.getenv("GANSCOPE_TEMPORAL_CLI");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "temporal");
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        Path cached = Path.of(System.getProperty("user.home"), ".cache", "ganscope", "bin", "temporal");
        if (Files.isExecutable(cached)) {
            return cached;
        }
        throw new AssertionError("no Temporal CLI: run .ci/install-temporal (or put 'temporal' on the PATH, or set GANSCOPE_TEMPORAL_CLI)");
    }

    private void start() throws Exception {
        server = new ProcessBuilder(cli().toString(), "server", "start-dev", "--headless", "--ip", "127.0.0.1", "--port",
                Integer.toString(port), "--db-filename", temporalDir.resolve("temporal.db").toString(), "--log-level", "warn")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(temporalDir.resolve("server.log").toFile())).start();
        stubs = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder().setTarget("127.0.0.1:" + port).build());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            if (!server.isAlive()) {
                throw new AssertionError("temporal server start-dev exited: " + Files.readString(temporalDir.resolve("server.log")));
            }
            try {
                stubs.blockingStub().withDeadlineAfter(2, TimeUnit.SECONDS)
                        .describeNamespace(DescribeNamespaceRequest.newBuilder().setNamespace("default").build());
                break;
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the Temporal dev server did not answer: " + e.getMessage(), e);
                }
                Thread.sleep(250);
            }
        }
        client = WorkflowClient.newInstance(stubs);
        // as the platform's TemporalConfig sets them up
        WorkerOptions base = WorkerOptions.newBuilder().setStickyQueueScheduleToStartTimeout(Duration.ZERO).build();
        workers = WorkerFactory.newInstance(client);
        workers.newWorker(TaskQueues.WORKFLOWS, base).registerWorkflowImplementationTypes(ExperimentWorkflowImpl.class);
        ModelWork work = new ModelWork(new BundleResolver(), store, steps, results, shardRuns, "test-worker");
        workers.newWorker(TaskQueues.MODEL, WorkerOptions.newBuilder(base).setMaxHeartbeatThrottleInterval(Duration.ofSeconds(2)).build())
                .registerActivitiesImplementations(ModelActivities.all(work).toArray());
        workers.newWorker(TaskQueues.BOOKKEEPING, base).registerActivitiesImplementations(new ExperimentActivitiesImpl(experiments, steps));
        workers.start();
        service = service(client);
    }

    /** An ExperimentService over this platform's PostgreSQL and the given Temporal client. */
    ExperimentService service(WorkflowClient c) {
        return new ExperimentService(experiments, bundles, steps, c, true);
    }

    /**
     * A client of a Temporal frontend that is not there (a free port nothing listens on),
     * giving up after a few seconds: what a launch meets while the server is down.
     */
    static WorkflowClient unreachableClient() throws IOException {
        WorkflowServiceStubs dead = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
                .setTarget("127.0.0.1:" + freePort()).setRpcTimeout(Duration.ofSeconds(2))
                .setRpcRetryOptions(RpcRetryOptions.newBuilder().setExpiration(Duration.ofSeconds(3)).setMaximumAttempts(3)
                        .validateBuildWithDefaults()).build());
        return WorkflowClient.newInstance(dead);
    }

    /** The platform stops (workers, client, Temporal server; PostgreSQL and the history stay) and starts again, like a restart. */
    void restart() throws Exception {
        stop();
        start();
    }

    private void stop() throws InterruptedException {
        workers.shutdownNow();
        workers.awaitTermination(20, TimeUnit.SECONDS);
        stubs.shutdownNow();
        server.destroy();
        if (!server.waitFor(30, TimeUnit.SECONDS)) {
            server.destroyForcibly().waitFor();
        }
    }

    List<StepRepository.StepRow> stepRows(long id) {
        return steps.list(id);
    }

    @Override
    public void close() throws Exception {
        stop();
        ds.close();
    }
}
