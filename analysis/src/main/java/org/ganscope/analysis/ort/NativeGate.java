package org.ganscope.analysis.ort;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Keeps native inference (ONNX Runtime sessions, libtorch) from running while the JVM
 * exits. At exit the libraries' static destructors tear down their thread pools; a call
 * still running on another thread then crashes the process (SIGSEGV in libonnxruntime,
 * or SIGABRT), which is what a worker whose activity was still computing did when its
 * JVM ended. Every native call holds a {@link Pass}; a shutdown hook closes the gate and
 * waits for the passes in flight (at most {@code ganscope.native-drain-seconds}, default
 * 30). A call refused because the process is ending throws {@link ShuttingDown}, which is
 * retryable: another worker runs the activity again.
 */
public final class NativeGate {
    private static final NativeGate PROCESS = new NativeGate();

    static {
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(
                    () -> PROCESS.exit(Long.getLong("ganscope.native-drain-seconds", 30)), "native-gate-drain"));
        } catch (IllegalStateException alreadyExiting) {
            PROCESS.closing = true;
        }
    }

    /** Work that must end before the gate closes at exit, each waited for at most its bound. */
    private record Before(Future<?> work, long millis) {
    }

    private final List<Before> before = new CopyOnWriteArrayList<>();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Pass pass = new Pass();
    private volatile boolean closing;

    NativeGate() {
    }

    /** Raised instead of starting a native call while the process exits; not a problem with the inputs. */
    public static final class ShuttingDown extends RuntimeException {
        ShuttingDown(String what) {
            super(what + " not run: the process is shutting down");
        }
    }

    /** Held for the duration of one native call (reentrant). */
    public final class Pass implements AutoCloseable {
        private Pass() {
        }

        @Override
        public void close() {
            lock.readLock().unlock();
        }
    }

    /** Enters the process's gate for {@code what} (named in the error when the process is exiting). */
    public static Pass enter(String what) {
        return PROCESS.pass(what);
    }

    Pass pass(String what) {
        if (closing || !lock.readLock().tryLock()) {
            throw new ShuttingDown(what);
        }
        return pass;
    }

    /**
     * At exit, the gate stays open until {@code work} is done (at most {@code max}): a
     * graceful stop that lets running activities finish (the workers' drain, which runs in
     * another shutdown hook, at the same time as this one) registers its completion here,
     * else its activities' next native call would be refused the moment the stop begins.
     */
    public static void closeAfter(Future<?> work, Duration max) {
        PROCESS.before(work, max);
    }

    void before(Future<?> work, Duration max) {
        before.add(new Before(work, max.toMillis()));
    }

    /** The exit hook: waits for the registered work, then closes the gate ({@link #drain}). */
    boolean exit(long seconds) {
        for (Before b : before) {
            try {
                b.work().get(b.millis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception e) {
                // failed or still running after its bound: close anyway
            }
        }
        return drain(seconds);
    }

    /** Closes the gate and waits up to {@code seconds} for the calls in flight; true when none is left. */
    boolean drain(long seconds) {
        closing = true;
        try {
            // never released: nothing native starts again in this process
            if (lock.writeLock().tryLock(seconds, TimeUnit.SECONDS)) {
                return true;
            }
            System.err.println("ganscope: native calls still running after " + seconds + " s at exit");
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
