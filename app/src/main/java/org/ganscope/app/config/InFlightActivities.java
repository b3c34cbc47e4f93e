package org.ganscope.app.config;

import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the activities this process is running, for the drain on a stop ({@link WorkerDrain}):
 * the SDK tells no count, and its shutdown() stops the heartbeat executor under running
 * activities, so a drain waits on this count with the workers still up (polling suspended)
 * and shuts them down only when it is zero.
 */
public final class InFlightActivities extends WorkerInterceptorBase {
    private final AtomicInteger running = new AtomicInteger();

    public int running() {
        return running.get();
    }

    @Override
    public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
        return new ActivityInboundCallsInterceptorBase(next) {
            @Override
            public ActivityOutput execute(ActivityInput input) {
                running.incrementAndGet();
                try {
                    return super.execute(input);
                } finally {
                    running.decrementAndGet();
                }
            }
        };
    }
}
