package org.ganscope.app.config;

import io.grpc.ManagedChannel;
import java.io.Closeable;
import java.lang.reflect.InvocationTargetException;

/**
 * The fallback when no Temporal CLI is installed: temporal-testing's in-memory test
 * server, in process or bound to a port. It keeps nothing across restarts (PostgreSQL
 * stays the record and unfinished experiments are started again, reusing stored
 * results). temporal-testing is a runtime dependency only, reached here by reflection,
 * so the platform's code compiles against the SDK alone.
 */
final class TestServerFallback {
    private static final String TEST_SERVER = "io.temporal.testserver.TestServer";

    private TestServerFallback() {
    }

    /** A server bound to 127.0.0.1:port (for workers in other processes). */
    static Closeable portBound(int port) {
        return (Closeable) invoke("createPortBoundServer", new Class<?>[] {int.class, boolean.class}, port, true);
    }

    /** An in-process server and the channel to reach it. */
    record InProcess(Closeable server, ManagedChannel channel) {
    }

    static InProcess inProcess() {
        Object server = invoke("createServer", new Class<?>[] {boolean.class}, true);
        try {
            return new InProcess((Closeable) server, (ManagedChannel) server.getClass().getMethod("getChannel").invoke(server));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("temporal-testing's in-process server has no channel", e);
        }
    }

    private static Object invoke(String method, Class<?>[] types, Object... args) {
        try {
            return Class.forName(TEST_SERVER).getMethod(method, types).invoke(null, args);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("no Temporal server: install the Temporal CLI (see README) or set GANSCOPE_TEMPORAL; "
                    + "this build has no temporal-testing fallback either");
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("the in-memory Temporal test server did not start: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("temporal-testing's API changed: " + e, e);
        }
    }
}
