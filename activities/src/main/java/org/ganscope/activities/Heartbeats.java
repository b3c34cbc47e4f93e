package org.ganscope.activities;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Keeps an activity's heartbeat going from a side thread while a phase without natural
 * progress points runs (a threshold pass's quantile selection, a merge, the metrics). If
 * the worker process dies the heartbeats stop with it, so Temporal still notices a lost
 * worker within the heartbeat timeout and retries the activity elsewhere. If the
 * heartbeat learns that the activity was cancelled (or timed out on the server), the
 * working thread is interrupted and the cancellation is thrown instead of any result.
 */
public final class Heartbeats {
    /** Seconds between heartbeats: well inside the workflow's heartbeat timeout. */
    static final long PERIOD_SECONDS = 3;

    private Heartbeats() {
    }

    public interface Work<T> {
        T run() throws Exception;
    }

    public static <T> T during(ActivityExecutionContext ctx, String phase, Work<T> work) throws Exception {
        return during(ctx, phase, PERIOD_SECONDS * 1000, work);
    }

    static <T> T during(ActivityExecutionContext ctx, String phase, long periodMillis, Work<T> work) throws Exception {
        AtomicReference<ActivityCompletionException> cancelled = new AtomicReference<>();
        Thread worker = Thread.currentThread();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "heartbeat-" + phase);
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(() -> {
            try {
                ctx.heartbeat(phase);
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
            throw e;
        } finally {
            ticker.shutdownNow();
            if (cancelled.get() != null) {
                Thread.interrupted(); // the interrupt was ours
            }
        }
    }
}
