package org.ganscope.app.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A graceful stop lets a running activity finish, heartbeating meanwhile, before what it
 * uses closes: the drain returns only after the activity's last write, and the "pool" that
 * the test closes once the drain returns was open for all of it. (Before the drain, the
 * factory's shutdown() returned at once and the pool closed under the running step; a
 * shutdown() followed by awaitTermination() waits, but its heartbeats then fail.)
 */
class WorkerDrainTest {
    @WorkflowInterface
    public interface Slow {
        @WorkflowMethod
        String run();
    }

    @ActivityInterface
    public interface Step {
        String work();
    }

    static final AtomicBoolean POOL_OPEN = new AtomicBoolean(true);
    static final CountDownLatch STARTED = new CountDownLatch(1);
    static final AtomicReference<String> OUTCOME = new AtomicReference<>("not finished");

    public static class SlowImpl implements Slow {
        @Override
        public String run() {
            return Workflow.newActivityStub(Step.class, ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1))
                    .setHeartbeatTimeout(Duration.ofSeconds(5)).build()).work();
        }
    }

    public static class StepImpl implements Step {
        @Override
        public String work() {
            STARTED.countDown();
            try {
                for (int i = 0; i < 15; i++) { // 3 s of work, heartbeating as model steps do
                    Thread.sleep(200);
                    Activity.getExecutionContext().heartbeat(i);
                }
                // the step's last write goes to the pool
                OUTCOME.set(POOL_OPEN.get() ? "written" : "pool closed under the step");
            } catch (Exception e) {
                OUTCOME.set("failed: " + e);
            }
            return OUTCOME.get();
        }
    }

    @Test
    void aStopWaitsForTheRunningStepBeforeThePoolCloses() throws Exception {
        InFlightActivities inFlight = new InFlightActivities();
        TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder().setUseTimeskipping(false)
                .setWorkerFactoryOptions(WorkerFactoryOptions.newBuilder().setWorkerInterceptors(inFlight).build()).build());
        try {
            Worker w = env.newWorker("drain");
            w.registerWorkflowImplementationTypes(SlowImpl.class);
            w.registerActivitiesImplementations(new StepImpl());
            env.start();
            WorkflowClient.start(env.getWorkflowClient().newWorkflowStub(Slow.class,
                    WorkflowOptions.newBuilder().setTaskQueue("drain").setWorkflowId("drain-1").build())::run);
            assertTrue(STARTED.await(30, TimeUnit.SECONDS), "the step started");
            long t0 = System.nanoTime();
            assertEquals(1, inFlight.running());
            boolean drained = new WorkerDrain(env.getWorkerFactory(), inFlight, Duration.ofSeconds(30)).drain();
            POOL_OPEN.set(false); // what Spring closes after the workers: the connection pool
            assertTrue(drained, "finished within the bound");
            assertEquals("written", OUTCOME.get(), "the step finished, heartbeating, while the pool was open");
            assertTrue(System.nanoTime() - t0 > 1_000_000_000L, "the drain waited for the step");
            assertTrue(env.getWorkerFactory().isTerminated());
        } finally {
            env.close();
        }
    }
}
