package org.ganscope.analysis.ort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class NativeGateTest {
    @Test
    void drainWaitsForTheCallInFlightAndRefusesNewOnes() throws Exception {
        NativeGate gate = new NativeGate();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> call = CompletableFuture.runAsync(() -> {
            try (NativeGate.Pass p = gate.pass("a run")) {
                entered.countDown();
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> gate.drain(30));
        Thread.sleep(200);
        assertFalse(drained.isDone(), "drain must wait while a call runs");
        NativeGate.ShuttingDown refused = assertThrows(NativeGate.ShuttingDown.class, () -> gate.pass("layer3_h.onnx"));
        assertEquals("layer3_h.onnx not run: the process is shutting down", refused.getMessage());
        release.countDown();
        call.get(10, TimeUnit.SECONDS);
        assertTrue(drained.get(10, TimeUnit.SECONDS), "drain returns once the call has left");
    }

    @Test
    void drainGivesUpAfterItsTimeout() throws Exception {
        NativeGate gate = new NativeGate();
        NativeGate.Pass held = gate.pass("a stuck run");
        CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> gate.drain(1));
        assertFalse(drained.get(10, TimeUnit.SECONDS));
        held.close();
    }

    /** A graceful stop's drain registered with the gate: native calls still run until it is done, then the gate closes. */
    @Test
    void exitWaitsForRegisteredWorkBeforeClosing() throws Exception {
        NativeGate gate = new NativeGate();
        CompletableFuture<Void> drainOfTheWorkers = new CompletableFuture<>();
        gate.before(drainOfTheWorkers, java.time.Duration.ofSeconds(30));
        CompletableFuture<Boolean> exit = CompletableFuture.supplyAsync(() -> gate.exit(30));
        Thread.sleep(300);
        assertFalse(exit.isDone(), "the gate waits for the workers' drain");
        try (NativeGate.Pass p = gate.pass("the running shard's next batch")) {
            assertTrue(p != null, "native calls still run meanwhile");
        }
        drainOfTheWorkers.complete(null);
        assertTrue(exit.get(10, TimeUnit.SECONDS));
        assertThrows(NativeGate.ShuttingDown.class, () -> gate.pass("after the drain"));
    }

    @Test
    void exitClosesAfterTheRegisteredWorksBound() throws Exception {
        NativeGate gate = new NativeGate();
        gate.before(new CompletableFuture<Void>(), java.time.Duration.ofMillis(500));
        assertTrue(gate.exit(5), "closed once the bound passed");
        assertThrows(NativeGate.ShuttingDown.class, () -> gate.pass("after the bound"));
    }

    @Test
    void passesAreReentrant() {
        NativeGate gate = new NativeGate();
        try (NativeGate.Pass outer = gate.pass("optimisation step"); NativeGate.Pass inner = gate.pass("a graph run")) {
            assertTrue(outer == inner);
        }
    }
}
