package org.ganscope.app.config;

import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.ganscope.activities.BundleResolver;
import org.ganscope.activities.ModelActivities;
import org.ganscope.activities.TaskQueues;
import org.ganscope.activities.experiment.ExperimentActivitiesImpl;
import org.ganscope.activities.store.ArtifactStore;
import org.ganscope.db.ExperimentRepository;
import org.ganscope.db.ResultRepository;
import org.ganscope.db.StepRepository;
import org.ganscope.workflows.experiment.ExperimentWorkflowImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import javax.sql.DataSource;
import org.ganscope.activities.ModelWork;
import org.ganscope.db.ArtifactRepository;
import org.ganscope.db.ShardRunRepository;

/**
 * Temporal: an external frontend if ganscope.temporal.target is set; else the official
 * CLI's dev server as a child process (durable: SQLite under the data directory) when a
 * {@code temporal} binary is found (GANSCOPE_TEMPORAL_CLI or the PATH); else the in-memory
 * test server as a fallback (see {@link TestServerFallback}). Workers per task queue as
 * configured by ganscope.workers.
 */
@Configuration
public class TemporalConfig {
    private static final Logger LOG = LoggerFactory.getLogger(TemporalConfig.class);

    /**
     * Owns the embedded server (if any) and the service stubs; {@code server} names the
     * kind: temporal-dev (durable), test-server (in memory) or external.
     */
    public record Connection(WorkflowServiceStubs stubs, Closeable server, String kind) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            stubs.shutdown();
            if (server != null) {
                server.close();
            }
        }
    }

    @Bean(destroyMethod = "close")
    public Connection temporalConnection(@Value("${ganscope.temporal.target}") String target,
            @Value("${ganscope.temporal.embedded-port}") int port, @Value("${ganscope.temporal.cli}") String cli,
            @Value("${ganscope.temporal.mode}") String mode, @Value("${ganscope.temporal.ui-port}") int uiPort,
            @Value("${ganscope.data-dir}") String dataDir) throws IOException {
        if (!target.isBlank()) {
            LOG.info("connecting to Temporal at {}", target);
            return new Connection(stubs(target), null, "external");
        }
        if (!List.of("auto", "dev", "test").contains(mode)) {
            throw new IllegalArgumentException("GANSCOPE_TEMPORAL_MODE must be auto, dev or test, got '" + mode + "'");
        }
        Optional<Path> found = mode.equals("test") ? Optional.empty() : TemporalDevServer.findCli(cli);
        if (found.isPresent()) {
            TemporalDevServer server = TemporalDevServer.start(found.get(), Path.of(dataDir, "temporal"), port, uiPort);
            return new Connection(stubs(server.target()), server, "temporal-dev");
        }
        if (mode.equals("dev")) {
            throw new IllegalStateException("GANSCOPE_TEMPORAL_MODE=dev but no Temporal CLI: put 'temporal' on the PATH or set GANSCOPE_TEMPORAL_CLI");
        }
        LOG.warn("no Temporal CLI found (PATH, GANSCOPE_TEMPORAL_CLI): using the in-memory test server; workflow histories are NOT durable "
                + "in this mode (unfinished experiments are started again from PostgreSQL after a restart). Install the CLI for the durable mode: see README.");
        if (port > 0) {
            LOG.info("starting the in-memory Temporal test server on 127.0.0.1:{} (loopback only)", port);
            Closeable server = TestServerFallback.portBound(port);
            return new Connection(stubs("127.0.0.1:" + port), server, "test-server");
        }
        TestServerFallback.InProcess server = TestServerFallback.inProcess();
        return new Connection(WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
                .setChannel(server.channel()).build()), server.server(), "test-server");
    }

    private static WorkflowServiceStubs stubs(String target) {
        return WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
    }

    @Bean
    public WorkflowClient workflowClient(Connection c) {
        return WorkflowClient.newInstance(c.stubs());
    }

    @Bean
    public ArtifactStore artifactStore(@Value("${ganscope.data-dir}") String dataDir, DataSource ds) {
        return new ArtifactStore(Path.of(dataDir, "artifacts"), new ArtifactRepository(ds));
    }

    /** One bundle cache per process, shared by the activities and the dashboard's unit images. */
    @Bean
    public BundleResolver bundleResolver() {
        return new BundleResolver();
    }

    /** The workers' graceful stop, before the pool and the Temporal connection close (see {@link WorkerDrain}). */
    @Bean
    public WorkerDrain workerDrain(WorkerFactory factory, InFlightActivities inFlight,
            @Value("${ganscope.shutdown.drain-seconds:120}") int seconds) {
        return new WorkerDrain(factory, inFlight, Duration.ofSeconds(seconds));
    }

    /** The activities this process runs (what a stop waits for). */
    @Bean
    public InFlightActivities inFlightActivities() {
        return new InFlightActivities();
    }

    /** Stopped by {@link WorkerDrain} (graceful, bounded); shutdownNow here only if that bean never existed. */
    @Bean(destroyMethod = "shutdownNow")
    public WorkerFactory workerFactory(WorkflowClient client, @Value("${ganscope.workers}") String workers,
            @Value("${ganscope.model-worker.concurrency}") int modelConcurrency, ArtifactStore store,
            ExperimentRepository experiments, StepRepository steps, ResultRepository results, BundleResolver bundles,
            ShardRunRepository shardRuns, @Value("${ganscope.worker-name}") String workerName, InFlightActivities inFlight) {
        String name = workerName.isBlank() ? ModelWork.defaultWorkerName() : workerName;
        ModelWork work = new ModelWork(bundles, store, steps, results, shardRuns, name);
        WorkerFactory f = WorkerFactory.newInstance(client, WorkerFactoryOptions.newBuilder().setWorkerInterceptors(inFlight).build());
        List<String> kinds = workers.equals("all") ? List.of("workflows", "model", "bookkeeping")
                : Arrays.stream(workers.split(",")).map(String::trim).toList();
        // without this, workflows stall after a worker is killed on the embedded server (see STACK.md)
        // heartbeats keep working while a stop drains the workers (the SDK otherwise stops them at shutdown(), under an
        // activity that a poll in flight delivered just then; see WorkerDrain)
        WorkerOptions.Builder base = WorkerOptions.newBuilder().setStickyQueueScheduleToStartTimeout(Duration.ZERO)
                .setAllowActivityHeartbeatDuringShutdown(true);
        if (kinds.contains("workflows")) {
            f.newWorker(TaskQueues.WORKFLOWS, base.build()).registerWorkflowImplementationTypes(ExperimentWorkflowImpl.class);
        }
        if (kinds.contains("model")) {
            // heartbeats (with the shard's checkpointed progress) reach the server every 2 s instead of
            // every 16 s (0.8 x the 20 s timeout), so a retry after a kill resumes from a recent checkpoint
            f.newWorker(TaskQueues.MODEL, WorkerOptions.newBuilder(base.build())
                    .setMaxConcurrentActivityExecutionSize(modelConcurrency).setMaxHeartbeatThrottleInterval(Duration.ofSeconds(2)).build())
                    .registerActivitiesImplementations(ModelActivities.all(work).toArray());
        }
        if (kinds.contains("bookkeeping")) {
            f.newWorker(TaskQueues.BOOKKEEPING, base.build())
                    .registerActivitiesImplementations(new ExperimentActivitiesImpl(experiments, steps));
        }
        f.start();
        LOG.info("workers started: {}", kinds);
        return f;
    }
}
