package org.ganscope.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.ganscope.activities.ModelWork;
import org.ganscope.activities.StepRunner;
import org.ganscope.activities.store.ResultKeys;
import org.junit.jupiter.api.Test;

/**
 * The progress watchdog on Temporal's test server: a step whose engine reports progress and
 * then hangs in a call that ignores interrupts (as a native call does) stops heartbeating
 * after the stall time, so its attempt times out on the heartbeat timeout and the retry
 * finishes the step, long before the activity's start-to-close timeout.
 */
class ProgressWatchdogTest {
    static final String QUEUE = "stall-test";
    static final CountDownLatch RELEASE = new CountDownLatch(1);
    static final AtomicInteger ATTEMPTS = new AtomicInteger();

    @ActivityInterface
    public interface Stalling {
        String step(long experimentId);
    }

    @WorkflowInterface
    public interface StallWorkflow {
        @WorkflowMethod
        String run(long experimentId);
    }

    public static final class StallWorkflowImpl implements StallWorkflow {
        private final Stalling stalling = Workflow.newActivityStub(Stalling.class, ActivityOptions.newBuilder().setTaskQueue(QUEUE)
                .setStartToCloseTimeout(Duration.ofMinutes(5)).setHeartbeatTimeout(Duration.ofSeconds(6))
                .setRetryOptions(RetryOptions.newBuilder().setInitialInterval(Duration.ofMillis(200)).setMaximumAttempts(3).build()).build());

        @Override
        public String run(long experimentId) {
            return stalling.step(experimentId);
        }
    }

    /** A step through the real StepRunner: its first attempt reports progress, then hangs until released. */
    public static final class StallingImpl implements Stalling {
        private final StepRunner runner;

        StallingImpl(ModelWork work) {
            runner = new StepRunner(work);
        }

        @Override
        public String step(long experimentId) {
            return runner.run(() -> StepRunner.Step.<String>of("stall", experimentId, "")
                    .key(ResultKeys.of("0".repeat(64), "stall-test", "id=" + experimentId)).files(".json").alwaysCompute()
                    .compute(ctx -> {
                        int attempt = ATTEMPTS.incrementAndGet();
                        ctx.progress(1, 10);
                        if (attempt == 1) {
                            while (true) { // a hung native call: deaf to interrupts
                                try {
                                    if (RELEASE.await(100, TimeUnit.MILLISECONDS)) {
                                        throw new IllegalStateException("released at the end of the test");
                                    }
                                } catch (InterruptedException e) {
                                    // ignored, as native code would
                                }
                            }
                        }
                        ctx.progress(10, 10);
                        return "{\"attempt\": " + attempt + "}";
                    })
                    .encode(r -> Map.of(".json", r.getBytes(StandardCharsets.UTF_8))));
        }
    }

    @Test
    void aHungStepReleasesItsAttemptAfterTheStallTime() throws Exception {
        String before = System.getProperty("ganscope.stall-seconds");
        System.setProperty("ganscope.stall-seconds", "1");
        try (PlatformFixture fx = new PlatformFixture(null, (env, work) -> {
            env.newWorker(QUEUE).registerActivitiesImplementations(new StallingImpl(work));
            env.newWorker(QUEUE + "-wf").registerWorkflowImplementationTypes(StallWorkflowImpl.class);
        })) {
            long id = fx.experiments.create("stall", fx.bundleId, "{}", "test", List.of());
            fx.steps.queue(id, "stall", "", 10);
            StallWorkflow wf = fx.env.getWorkflowClient().newWorkflowStub(StallWorkflow.class,
                    WorkflowOptions.newBuilder().setTaskQueue(QUEUE + "-wf").setWorkflowId("stall-" + id).build());
            long t = System.nanoTime();
            WorkflowStub.fromTyped(wf).start(id);
            String key = WorkflowStub.fromTyped(wf).getResult(90, TimeUnit.SECONDS, String.class);
            double seconds = (System.nanoTime() - t) / 1e9;
            assertEquals(2, ATTEMPTS.get(), "the hung attempt was given up and retried once");
            assertTrue(seconds < 60, "released by the heartbeat timeout, not the 5 min start-to-close: " + seconds + " s");
            assertEquals("{\"attempt\": 2}", new String(fx.store.get(key, ".json").orElseThrow(), StandardCharsets.UTF_8));
        } finally {
            RELEASE.countDown();
            if (before == null) {
                System.clearProperty("ganscope.stall-seconds");
            } else {
                System.setProperty("ganscope.stall-seconds", before);
            }
        }
    }
}
