package org.ganscope.activities;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an activity's heartbeat going from a side thread while a phase without natural
 * progress points runs (a threshold pass's quantile selection, a merge, the metrics, storing
 * and persisting a result). If the worker process dies the heartbeats stop with it, so
 * Temporal still notices a lost worker within the heartbeat timeout and retries the activity
 * elsewhere. If the heartbeat learns that the activity was cancelled (or timed out on the
 * server), the working thread is interrupted and the cancellation is thrown instead of any result.
 *
 * <p>A phase given a {@link Watch} is also watched for progress: once the engine has reported
 * progress ({@link Watch#advanced}), heartbeats stop when it then reports none for the stall
 * time ({@link #stallTime}), and the working thread is interrupted. A hung native call thus
 * releases its activity slot on the server through the heartbeat timeout (the attempt is
 * retried) instead of holding it until the activity's 1-2 h timeout; work that the interrupt
 * ends fails retryably as {@link FailureTypes#STALLED}.
 */
public final class Heartbeats {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);
    /** Seconds between heartbeats: well inside the workflow's heartbeat timeout. */
    static final long PERIOD_SECONDS = 3;
    /** The stall time's system property (seconds; default 600: generous, as progress points can be minutes apart). */
    public static final String STALL_PROPERTY = "ganscope.stall-seconds";

    private Heartbeats() {
    }

    public interface Work<T> {
        T run() throws Exception;
    }

    /** The engine's progress as the watchdog sees it: armed by the first {@link #advanced}, stamped by each. */
    public static final class Watch {
        private static final long UNARMED = Long.MIN_VALUE;
        private final AtomicLong last = new AtomicLong(UNARMED);

        /** The engine moved on (any thread may call this). */
        public void advanced() {
            last.set(System.nanoTime());
        }

        /** Nanoseconds since the last progress, or -1 before the first. */
        long idleNanos() {
            long l = last.get();
            return l == UNARMED ? -1 : System.nanoTime() - l;
        }
    }

    /** The stall time's environment variable, read where the system property is not set. */
    public static final String STALL_ENV = "GANSCOPE_STALL_SECONDS";

    /** How long the engine may report no progress in a watched phase: {@value #STALL_PROPERTY} (or {@value #STALL_ENV}) seconds, default 600. */
    public static Duration stallTime() {
        String s = System.getProperty(STALL_PROPERTY);
        if (s == null || s.isBlank()) {
            s = System.getenv(STALL_ENV);
        }
        return Duration.ofMillis(Math.round(Double.parseDouble(s == null || s.isBlank() ? "600" : s.strip()) * 1000));
    }

    public static <T> T during(ActivityExecutionContext ctx, String phase, Work<T> work) throws Exception {
        return during(ctx, phase, () -> phase, null, work);
    }

    /**
     * Heartbeats with {@code details} (e.g. a checkpoint that a retry reads) while {@code work}
     * runs; with a {@code watch} (may be null) the heartbeats stop when the engine stalls.
     */
    public static <T> T during(ActivityExecutionContext ctx, String phase, Supplier<Object> details, Watch watch, Work<T> work) throws Exception {
        return during(ctx, phase, details, watch, PERIOD_SECONDS * 1000, stallTime().toMillis(), work);
    }

    static <T> T during(ActivityExecutionContext ctx, String phase, long periodMillis, Work<T> work) throws Exception {
        return during(ctx, phase, () -> phase, null, periodMillis, Long.MAX_VALUE / 1_000_000L, work);
    }

    static <T> T during(ActivityExecutionContext ctx, String phase, Supplier<Object> details, Watch watch, long periodMillis, long stallMillis,
            Work<T> work) throws Exception {
        AtomicReference<ActivityCompletionException> cancelled = new AtomicReference<>();
        AtomicBoolean stalled = new AtomicBoolean();
        Thread worker = Thread.currentThread();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "heartbeat-" + phase);
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(() -> {
            if (stalled.get() || cancelled.get() != null) {
                return;
            }
            long idle = watch == null ? -1 : watch.idleNanos();
            if (idle > stallMillis * 1_000_000L) {
                stalled.set(true);
                LOG.warn("{}: no progress for {} s (stall time {} s): heartbeats stop, so the attempt times out and is retried",
                        phase, idle / 1_000_000_000L, stallMillis / 1000);
                worker.interrupt();
                return;
            }
            try {
                ctx.heartbeat(details.get());
            } catch (ActivityCompletionException e) {
                if (cancelled.compareAndSet(null, e)) {
                    worker.interrupt();
                }
            } catch (RuntimeException e) {
                // a closed client during shutdown: the activity's own thread will see it
            }
        }, 0, periodMillis, TimeUnit.MILLISECONDS);
        try {
            T result = work.run();
            if (cancelled.get() != null) {
                throw cancelled.get();
            }
            return result;
        } catch (Exception e) {
            if (cancelled.get() != null && e != cancelled.get()) {
                cancelled.get().addSuppressed(e);
                throw cancelled.get();
            }
            if (stalled.get()) {
                throw ApplicationFailure.newFailureWithCause(phase + ": no progress for the stall time of " + stallMillis / 1000 + " s",
                        FailureTypes.STALLED, e);
            }
            throw e;
        } finally {
            ticker.shutdownNow();
            if (cancelled.get() != null || stalled.get()) {
                Thread.interrupted(); // the interrupt was ours
            }
        }
    }
}
