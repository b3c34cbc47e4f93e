package org.ganscope.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.ganscope.app.client.ExperimentClient;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@code ./ganscope experiment ...} (the Java client) against a running platform over HTTP. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ExperimentClientTest {
    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) throws Exception {
        Path data = Files.createTempDirectory("ganscope-client");
        r.add("ganscope.data-dir", data::toString);
        r.add("ganscope.admin-password", () -> "client-test-password");
        r.add("ganscope.temporal.mode", () -> "test");
        System.setProperty("ganscope.home", Path.of(System.getProperty("ganscope.repo", "..")).toAbsolutePath().normalize().toString());
    }

    private record Run(int status, String out, String err) {
    }

    private Run run(String password, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = ExperimentClient.run(Map.of("GANSCOPE_URL", "http://127.0.0.1:" + port, "GANSCOPE_PASSWORD", password),
                new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(status, out.toString().trim(), err.toString().trim());
    }

    @Test
    void launchesWaitsAndReportsRefusalsInOneLine() {
        String name = "it's \"quoted\", {braced}";
        Run launched = run("client-test-password", "launch", "--bundle", "outdoor-base-s100", "--layer", "layer1", "--samples", "12",
                "--shards", "1", "--steps", "dissect", "--name", name, "--tag", "cli");
        assertEquals(0, launched.status(), launched.err());
        String id = launched.out();
        Run waited = run("client-test-password", "wait", id);
        assertEquals(0, waited.status(), waited.err());
        assertEquals("experiment " + id + " SUCCEEDED", waited.out());
        Run status = run("client-test-password", "status", id);
        assertTrue(status.out().contains(name.replace("\"", "\\\"")), "the name travels verbatim: " + status.out());

        // the report: one HTML file written where asked, its unit images inline
        Path file;
        try {
            file = Files.createTempDirectory("ganscope-report").resolve("r.html");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Run report = run("client-test-password", "report", id, "--out", file.toString());
        assertEquals(0, report.status(), report.err());
        assertEquals(file.toAbsolutePath().toString(), report.out());
        String html;
        try {
            html = Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertTrue(html.startsWith("<!DOCTYPE html>") && html.contains("<img class=\"report-unit-image\"")
                && html.contains("src=\"data:image/png;base64,") && html.contains("Experiment " + id + ": "), html.substring(0, Math.min(300, html.length())));
        Run missing = run("client-test-password", "report", "987654");
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("no experiment 987654") && missing.err().contains("HTTP 404"), missing.err());

        Run refused = run("client-test-password", "launch", "--bundle", "outdoor-base-s100", "--layer", "layer9");
        assertEquals(1, refused.status());
        assertTrue(refused.err().contains("layer9") && refused.err().contains("HTTP 400"), refused.err());
        // every launch goes with an Idempotency-Key: the same key and options answer the same experiment, other options are refused
        String[] keyed = {"launch", "--bundle", "outdoor-base-s100", "--layer", "layer1", "--samples", "12", "--shards", "1", "--steps", "dissect",
                "--idempotency-key", "cli-test-key"};
        Run once = run("client-test-password", keyed);
        Run twice = run("client-test-password", keyed);
        assertEquals(0, once.status(), once.err());
        assertEquals(once.out(), twice.out(), "one experiment for the repeated launch: " + twice.err());
        String[] changed = keyed.clone();
        changed[6] = "13";
        Run reused = run("client-test-password", changed);
        assertEquals(1, reused.status());
        assertTrue(reused.err().contains("cli-test-key") && reused.err().contains("HTTP 422"), reused.err());
        Run noLayer = run("client-test-password", "launch", "--bundle", "outdoor-base-s100");
        assertEquals(2, noLayer.status(), "a launch names its layers");
        assertTrue(noLayer.err().contains("--layer"), noLayer.err());
        Run wrong = run("wrong", "status", id);
        assertEquals(1, wrong.status());
        assertTrue(wrong.err().contains("wrong user or password"), wrong.err());
        Run usage = run("client-test-password", "launch");
        assertEquals(2, usage.status(), "picocli names the missing option");
        assertTrue(usage.err().contains("--bundle"), usage.err());
    }
}
