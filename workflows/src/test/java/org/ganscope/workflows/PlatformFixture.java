package org.ganscope.workflows;

import com.zaxxer.hikari.HikariDataSource;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.ganscope.activities.BundleResolver;
import org.ganscope.activities.ModelActivities;
import org.ganscope.activities.TaskQueues;
import org.ganscope.activities.dissect.DissectActivities;
import org.ganscope.activities.experiment.ExperimentActivities;
import org.ganscope.activities.experiment.ExperimentActivitiesImpl;
import org.ganscope.activities.store.ArtifactStore;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.db.BundleRepository;
import org.ganscope.db.Database;
import org.ganscope.db.EmbeddedDatabase;
import org.ganscope.db.ExperimentRepository;
import org.ganscope.db.ResultRepository;
import org.ganscope.db.StepRepository;
import org.ganscope.workflows.experiment.ExperimentWorkflowImpl;

/**
 * The real parts for workflow tests: Temporal's test server, an embedded PostgreSQL
 * (one per JVM, a fresh database per fixture), a temporary artifact store, the demo
 * bundle, and workers on all three task queues with the real activity implementations.
 */
final class PlatformFixture implements AutoCloseable {
    private static EmbeddedDatabase pg;
    private static int counter;

    final TestWorkflowEnvironment env;
    final HikariDataSource ds;
    final ExperimentRepository experiments;
    final StepRepository steps;
    final ResultRepository results;
    final org.ganscope.db.ShardRunRepository shardRuns;
    final BundleRepository bundles;
    final ArtifactStore store;
    final org.ganscope.db.ArtifactRepository artifacts;
    final Bundle bundle;
    final long bundleId;

    PlatformFixture() throws Exception {
        this(null);
    }

    /** @param wrap optional wrapper around the real dissect activities (to inject faults) */
    PlatformFixture(java.util.function.UnaryOperator<org.ganscope.activities.dissect.DissectActivities> wrap) throws Exception {
        this(wrap, null);
    }

    /** @param extra optional: adds a test's own workers (given the model work) before the environment starts */
    PlatformFixture(java.util.function.UnaryOperator<org.ganscope.activities.dissect.DissectActivities> wrap,
            java.util.function.BiConsumer<TestWorkflowEnvironment, org.ganscope.activities.ModelWork> extra) throws Exception {
        this(wrap, extra, null);
    }

    /** @param wrapBook optional wrapper around the real bookkeeping activities (to hold one call while a test acts) */
    PlatformFixture(java.util.function.UnaryOperator<org.ganscope.activities.dissect.DissectActivities> wrap,
            java.util.function.BiConsumer<TestWorkflowEnvironment, org.ganscope.activities.ModelWork> extra,
            java.util.function.UnaryOperator<ExperimentActivities> wrapBook) throws Exception {
        String base;
        synchronized (PlatformFixture.class) {
            if (pg == null) {
                pg = EmbeddedDatabase.start(null, 0);
            }
            base = "jdbc:postgresql://127.0.0.1:" + pg.port() + "/";
            counter++;
        }
        String name = "gs_wf_" + ProcessHandle.current().pid() + "_" + counter;
        try (Connection c = DriverManager.getConnection(base + "postgres", "postgres", pg.superuserPassword()); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        ds = Database.connect(base + name, "postgres", pg.superuserPassword(), 4);
        Database.migrate(ds);
        experiments = new ExperimentRepository(ds);
        steps = new StepRepository(ds);
        results = new ResultRepository(ds);
        shardRuns = new org.ganscope.db.ShardRunRepository(ds);
        bundles = new BundleRepository(ds);
        artifacts = new org.ganscope.db.ArtifactRepository(ds);
        store = new ArtifactStore(Files.createTempDirectory("ganscope-store"), artifacts);
        bundle = BundleLoader.load(repo().resolve("models/bundles/outdoor-base-s100"));
        bundleId = bundles.register(bundle.hash(), bundle.name(), bundle.manifest().dataset(), bundle.manifest().variant(),
                bundle.dir().toString(), bundle.manifest().raw().toString());

        env = TestWorkflowEnvironment.newInstance();
        env.newWorker(TaskQueues.WORKFLOWS).registerWorkflowImplementationTypes(ExperimentWorkflowImpl.class);
        Worker model = env.newWorker(TaskQueues.MODEL);
        org.ganscope.activities.ModelWork work = new org.ganscope.activities.ModelWork(new BundleResolver(), store, steps, results,
                shardRuns, "test-worker");
        List<Object> impls = new ArrayList<>(ModelActivities.all(work));
        if (wrap != null) {
            impls.replaceAll(a -> a instanceof DissectActivities d ? wrap.apply(d) : a);
        }
        model.registerActivitiesImplementations(impls.toArray());
        env.newWorker(TaskQueues.BOOKKEEPING).registerActivitiesImplementations(wrapBook == null
                ? new ExperimentActivitiesImpl(experiments, steps) : wrapBook.apply(new ExperimentActivitiesImpl(experiments, steps)));
        if (extra != null) {
            extra.accept(env, work);
        }
        env.start();
    }

    static Path repo() {
        String r = System.getProperty("ganscope.repo");
        return (r != null ? Path.of(r) : Path.of("..")).toAbsolutePath().normalize();
    }

    @Override
    public void close() {
        env.close();
        ds.close();
    }
}
