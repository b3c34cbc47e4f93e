package org.ganscope.app.config;

import io.grpc.BindableService;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import java.io.Closeable;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The fallback when no Temporal CLI is installed: temporal-testing's in-memory test
 * server, in process or bound to a port. It keeps nothing across restarts (PostgreSQL
 * stays the record and unfinished experiments are started again, reusing stored
 * results). temporal-testing is a runtime dependency only, reached here by reflection,
 * so the platform's code compiles against the SDK alone.
 */
final class TestServerFallback {
    private static final String TEST_SERVER = "io.temporal.testserver.TestServer";
    private static final String SERVICES = "io.temporal.internal.testservice.TestServicesStarter";

    private TestServerFallback() {
    }

    /**
     * A server bound to the loopback interface at {@code port} (for workers in other processes
     * on this machine). temporal-testing's own createPortBoundServer listens on every
     * interface, which would open an unauthenticated Temporal frontend to the network; remote
     * workers need the durable server or GANSCOPE_TEMPORAL.
     */
    static Closeable portBound(int port) {
        Closeable services;
        List<BindableService> bindable;
        try {
            services = (Closeable) Class.forName(SERVICES).getConstructor(boolean.class, long.class).newInstance(true, 0L);
            @SuppressWarnings("unchecked")
            List<BindableService> list = (List<BindableService>) services.getClass().getMethod("getServices").invoke(services);
            bindable = list;
        } catch (ClassNotFoundException e) {
            throw noFallback();
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("the in-memory Temporal test server did not start: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("temporal-testing's API changed: " + e, e);
        }
        ServerBuilder<?> b = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                InsecureServerCredentials.create());
        GRPCServerHelper.registerServicesAndHealthChecks(bindable, b);
        Server server;
        try {
            server = b.build().start();
        } catch (IOException e) {
            throw new IllegalStateException("the in-memory Temporal test server cannot listen on 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
        return () -> {
            server.shutdown();
            try {
                server.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server.shutdownNow();
            services.close();
        };
    }

    private static IllegalStateException noFallback() {
        return new IllegalStateException("no Temporal server: install the Temporal CLI (see README) or set GANSCOPE_TEMPORAL; "
                + "this build has no temporal-testing fallback either");
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
            throw noFallback();
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("the in-memory Temporal test server did not start: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("temporal-testing's API changed: " + e, e);
        }
    }
}
