package org.ganscope.ops;

import java.nio.file.Files;
import java.nio.file.Path;
import org.ganscope.app.config.TemporalDevServer;

/**
 * The Temporal CLI for the tests that run against the real server: GANSCOPE_TEMPORAL_CLI,
 * else {@code temporal} on the PATH, else where {@code .ci/install-temporal} caches it.
 * Missing is a failure, not a skip: these tests are the platform's durability evidence.
 */
public final class TemporalCli {
    private TemporalCli() {
    }

    public static Path require() {
        var found = TemporalDevServer.findCli(System.getenv("GANSCOPE_TEMPORAL_CLI"));
        if (found.isPresent()) {
            return found.get();
        }
        Path cached = Path.of(System.getProperty("user.home"), ".cache", "ganscope", "bin", "temporal");
        if (Files.isExecutable(cached)) {
            return cached;
        }
        throw new AssertionError("no Temporal CLI: run .ci/install-temporal (or put 'temporal' on the PATH, or set GANSCOPE_TEMPORAL_CLI)");
    }
}
