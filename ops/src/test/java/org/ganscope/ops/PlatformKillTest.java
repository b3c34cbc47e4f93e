package org.ganscope.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.ganscope.app.GanscopeApplication;
import org.ganscope.ops.cluster.Reference;
import org.junit.jupiter.api.Test;

/**
 * The whole platform as a separate process on the real Temporal server (the CLI's dev
 * server, its child): both are killed with SIGKILL while an experiment's shards run, then
 * the platform is started again on the same data directory and starts the server again on
 * the same SQLite history. The same workflow execution (workflow and run id) continues from
 * its history, with no second run; its units are bit-identical to an uninterrupted
 * in-process dissection, with no duplicate rows.
 */
class PlatformKillTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "kill-test-password";
    private static final String AUTH = "Basic " + java.util.Base64.getEncoder().encodeToString(("admin:" + PASSWORD).getBytes());
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static Process start(Path data, int port, int temporalPort, Path log) throws IOException {
        String repo = Path.of(System.getProperty("ganscope.repo", "..")).toAbsolutePath().normalize().toString();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Dai.djl.offline=true", "-Dganscope.home=" + repo, "-cp", System.getProperty("java.class.path"),
                GanscopeApplication.class.getName(), "--server.port=" + port, "--ganscope.data-dir=" + data,
                "--ganscope.temporal.mode=dev", "--ganscope.temporal.cli=" + TemporalCli.require(),
                "--ganscope.temporal.embedded-port=" + temporalPort, "--ganscope.temporal.ui-port=-1"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("GANSCOPE_ADMIN_PASSWORD", PASSWORD); // not on the command line, which ps shows to every local user
        return pb.start();
    }

    private JsonNode get(int port, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("authorization", AUTH).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    private void awaitUp(int port, Process p) throws Exception {
        for (int i = 0; i < 240; i++) {
            assertTrue(p.isAlive(), "the platform process died during start");
            try {
                if (get(port, "/api/bundles").findValuesAsText("name").contains("outdoor-base-s100")) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the platform did not come up");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void sigkillMidExperimentThenRestartCompletesWithIdenticalResults() throws Exception {
        Path data = Files.createTempDirectory("ganscope-kill");
        Path log = data.resolve("platform.log");
        int port = freePort();
        int temporalPort = freePort();
        Process p = start(data, port, temporalPort, log);
        long id;
        String runId;
        try {
            awaitUp(port, p);
            String body = "{\"name\": \"kill me\", \"bundle\": \"outdoor-base-s100\", \"layers\": [\"layer3\"], \"samples\": 600, "
                    + "\"thresholdSamples\": 60, \"seed\": 4, \"shards\": 6, \"method\": \"quantile\"}";
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/experiments"))
                    .header("authorization", AUTH).header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, r.statusCode(), r.body());
            id = JSON.readTree(r.body()).get("id").asLong();
            // wait until some shards are done, then kill the whole platform
            for (int i = 0; i < 400; i++) {
                JsonNode step = get(port, "/api/experiments/" + id).get("steps").get(0);
                if (step != null && step.get("done").asLong() >= 100) {
                    break;
                }
                Thread.sleep(100);
            }
            JsonNode before = get(port, "/api/experiments/" + id);
            assertEquals("RUNNING", before.get("experiment").get("status").asText(), "killed too late: " + before);
            runId = TemporalHistory.runIds(temporalPort, "experiment-" + id).get(0);
            ProcessHandle server = p.descendants().filter(h -> h.info().command().map(c -> c.endsWith("temporal")).orElse(false))
                    .findFirst().orElseThrow(() -> new AssertionError("the platform runs no Temporal dev server"));
            server.destroyForcibly(); // SIGKILL the server and the platform
            p.destroyForcibly().waitFor();
            server.onExit().get();
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly); // no Temporal server or PostgreSQL left behind by a failed run
            p.destroyForcibly().waitFor();
        }

        Process again = start(data, port, temporalPort, log);
        try {
            awaitUp(port, again);
            String status = "";
            for (int i = 0; i < 600 && !status.equals("SUCCEEDED") && !status.equals("FAILED"); i++) {
                Thread.sleep(250);
                status = get(port, "/api/experiments/" + id).get("experiment").get("status").asText();
            }
            assertEquals("SUCCEEDED", status, Files.readString(log));
            assertEquals(List.of(runId), TemporalHistory.runIds(temporalPort, "experiment-" + id),
                    "one workflow run, continued from its history, not launched again");
            assertTrue(Files.readString(log).contains("experiment " + id + " is still running in Temporal (run " + runId + ")"));
            JsonNode units = get(port, "/api/experiments/" + id + "/units?layer=layer3");
            assertNull(Reference.mismatch(Path.of(System.getProperty("ganscope.repo", "..")).toAbsolutePath().normalize(), units, 600, 4, 5),
                    "identical to an uninterrupted dissection, no duplicate rows");
        } finally {
            again.destroy();
            if (!again.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                again.descendants().forEach(ProcessHandle::destroyForcibly);
                again.destroyForcibly().waitFor();
            }
        }
    }

}
