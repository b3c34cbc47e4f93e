package org.ganscope.activities;

import io.temporal.activity.ActivityExecutionContext;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps an activity's heartbeat going from a side thread while a phase without natural
 * progress points runs (a threshold pass's quantile selection, a merge). If the worker
 * process dies the heartbeats stop with it, so Temporal still notices a lost worker within
 * the heartbeat timeout and retries the activity elsewhere.
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
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "heartbeat-" + phase);
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(() -> {
            try {
                ctx.heartbeat(phase);
            } catch (RuntimeException e) {
                // cancellation or a closed client: the activity's own thread will see it
            }
        }, 0, PERIOD_SECONDS, TimeUnit.SECONDS);
        try {
            return work.run();
        } finally {
            ticker.shutdownNow();
        }
    }
}
