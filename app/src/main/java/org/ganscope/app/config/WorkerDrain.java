package org.ganscope.app.config;

import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.ganscope.analysis.ort.NativeGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

/**
 * A graceful stop (SIGTERM, Ctrl-C: Spring closes the context) for the workers: polling is
 * suspended, the activities already running finish and report (heartbeating as usual; at
 * most {@code bound}), then the workers shut down, all before anything they use closes.
 * This bean depends on the worker factory, which depends on the repositories and the
 * connection pool, so Spring destroys it, and so drains, before the pool and the Temporal
 * connection close. (The SDK's own shutdown() stops the heartbeat executor under running
 * activities, so it comes last.) Work still running after the bound is interrupted; its
 * step is retried elsewhere (a closed pool is a transient fault, see DatabaseException).
 * The engine's native gate, which refuses native calls once the JVM exits, stays open
 * until the drain is done.
 */
public final class WorkerDrain implements DisposableBean {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerDrain.class);
    private final WorkerFactory factory;
    private final InFlightActivities inFlight;
    private final Duration bound;

    /** Done when the drain is: the native gate stays open until then (see {@link NativeGate#closeAfter}). */
    private final CompletableFuture<Void> drained = new CompletableFuture<>();

    public WorkerDrain(WorkerFactory factory, InFlightActivities inFlight, Duration bound) {
        this.factory = factory;
        this.inFlight = inFlight;
        this.bound = bound;
        NativeGate.closeAfter(drained, bound.plusSeconds(10));
    }

    /** Drains; true if everything finished within the bound. */
    public boolean drain() throws InterruptedException {
        try {
            return drainWorkers();
        } finally {
            drained.complete(null);
        }
    }

    private boolean drainWorkers() throws InterruptedException {
        if (factory.isTerminated()) {
            return true;
        }
        long t0 = System.nanoTime();
        long deadline = t0 + bound.toNanos();
        factory.suspendPolling();
        if (inFlight.running() > 0) {
            LOG.warn("stopping: no new work taken; waiting for {} running activities to finish (at most {} s)", inFlight.running(),
                    bound.toSeconds());
        }
        while (inFlight.running() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        factory.shutdown();
        factory.awaitTermination(Math.max(5_000, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
        if (factory.isTerminated() && inFlight.running() == 0) {
            LOG.warn("stopping: the workers finished their work in {} ms", (System.nanoTime() - t0) / 1_000_000);
            return true;
        }
        LOG.warn("stopping: {} activities still ran after {} s; interrupting them (Temporal retries them on another worker)",
                inFlight.running(), bound.toSeconds());
        factory.shutdownNow();
        factory.awaitTermination(5, TimeUnit.SECONDS);
        return false;
    }

    @Override
    public void destroy() throws InterruptedException {
        drain();
    }
}
