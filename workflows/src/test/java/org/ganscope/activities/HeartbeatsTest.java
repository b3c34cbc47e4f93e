package org.ganscope.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInterface;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Heartbeats.during on the SDK's activity test environment: a cancellation that a side
 * heartbeat learns of ends the work (interrupted) and is thrown, never swallowed.
 */
class HeartbeatsTest {
    @ActivityInterface
    public interface Slow {
        String work(long millis);
    }

    public static final class SlowImpl implements Slow {
        @Override
        public String work(long millis) {
            try {
                return Heartbeats.during(Activity.getExecutionContext(), "slow", 100, () -> {
                    Thread.sleep(millis); // a phase without progress points
                    return "finished";
                });
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void aCancellationSeenByTheHeartbeatEndsTheWorkAndIsThrown() {
        TestActivityEnvironment env = TestActivityEnvironment.newInstance();
        try {
            env.registerActivitiesImplementations(new SlowImpl());
            Slow slow = env.newActivityStub(Slow.class, io.temporal.activity.ActivityOptions.newBuilder()
                    .setStartToCloseTimeout(java.time.Duration.ofMinutes(1)).setHeartbeatTimeout(java.time.Duration.ofSeconds(2)).build());
            assertEquals("finished", slow.work(300), "without a cancellation the result comes back");
            ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
            later.schedule(env::requestCancelActivity, 500, TimeUnit.MILLISECONDS);
            long t = System.nanoTime();
            assertThrows(CanceledFailure.class, () -> slow.work(20_000));
            assertTrue(System.nanoTime() - t < 5_000_000_000L, "the work was interrupted, not run to its end");
            later.shutdownNow();
        } finally {
            env.close();
        }
    }
}
