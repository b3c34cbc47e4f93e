package org.ganscope.app.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.Closeable;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/**
 * The in-memory fallback server started on a port (GANSCOPE_TEMPORAL_PORT) listens on the
 * loopback interface only: a worker on this machine reaches it, the machine's network
 * address does not answer. (temporal-testing's own port-bound server listens everywhere.)
 */
class TestServerFallbackTest {
    @Test
    void thePortBoundFallbackListensOnLoopbackOnly() throws Exception {
        InetAddress external = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()).findFirst().orElse(null);
        assertNotNull(external, "this test needs a non-loopback IPv4 address on this machine");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (Closeable server = TestServerFallback.portBound(port)) {
            WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
                    .setTarget("127.0.0.1:" + port).build());
            try {
                stubs.healthCheck(); // a worker on this machine connects
            } finally {
                stubs.shutdownNow();
            }
            assertTrue(connects(InetAddress.getLoopbackAddress(), port));
            assertFalse(connects(external, port), "the fallback answered on " + external.getHostAddress() + ":" + port);
        }
    }

    private static boolean connects(InetAddress a, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(a, port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
