package org.ganscope.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The API's defences against browsers, on the real platform over real HTTP: state changes sent
 * from another origin's page are refused (cached Basic credentials would otherwise ride on
 * them), and unknown API paths answer a JSON 404 instead of the dashboard's page.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ApiSecurityTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AUTH = "Basic " + Base64.getEncoder().encodeToString("admin:security-test-pw".getBytes(StandardCharsets.UTF_8));
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) throws Exception {
        Path data = Files.createTempDirectory("ganscope-security");
        r.add("ganscope.data-dir", data::toString);
        r.add("ganscope.admin-password", () -> "security-test-pw");
        r.add("ganscope.temporal.mode", () -> "test");
        r.add("ganscope.api.allowed-origins", () -> "https://proxy.example.org");
        String repo = System.getProperty("ganscope.repo", "..");
        System.setProperty("ganscope.home", Path.of(repo).toAbsolutePath().normalize().toString());
    }

    private String own() {
        return "http://127.0.0.1:" + port;
    }

    private HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(own() + path)).header("Authorization", AUTH)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String status(long id) throws Exception {
        return JSON.readTree(send("GET", "/api/experiments/" + id, null).body()).path("experiment").path("status").asText();
    }

    @Test
    void crossOriginStateChangesAreRefusedSameOriginAndHeaderlessOnesPass() throws Exception {
        String launch = "{\"bundle\": \"outdoor-base-s100\", \"layers\": [\"layer2\"], \"samples\": 2000, \"thresholdSamples\": 1000,"
                + " \"shards\": 4, \"tags\": [\"origin\"]}";
        // a forged form post from another site: refused before it launches anything
        HttpResponse<String> forged = send("POST", "/api/experiments", launch, "Origin", "http://evil.example");
        assertEquals(403, forged.statusCode(), forged.body());
        assertEquals(0, JSON.readTree(send("GET", "/api/experiments?tag=origin", null).body()).get("total").asInt());
        // no Origin/Referer (curl, the CLI): works
        HttpResponse<String> launched = send("POST", "/api/experiments", launch);
        assertEquals(201, launched.statusCode(), launched.body());
        long id = JSON.readTree(launched.body()).get("id").asLong();

        for (String[] h : new String[][] {{"Origin", "http://evil.example"}, {"Origin", "null"}, {"Origin", "http://127.0.0.1:" + (port + 1)},
                {"Origin", "https://127.0.0.1:" + port}, {"Referer", "http://evil.example/page.html"}}) {
            for (String action : new String[] {"cancel", "retry"}) {
                HttpResponse<String> r = send("POST", "/api/experiments/" + id + "/" + action, null, h);
                assertEquals(403, r.statusCode(), h[0] + ": " + h[1] + " -> " + r.body());
                assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.headers().toString());
                JsonNode err = JSON.readTree(r.body());
                assertEquals("cross-origin", err.get("reason").asText(), r.body());
                assertTrue(err.get("error").asText().contains(h[0] + " header '" + h[1] + "'") && err.get("error").asText().contains(own()),
                        r.body());
            }
        }
        assertNotEquals("CANCELLED", status(id), "a refused cancel changed nothing");
        // reads from another origin are not state changes
        assertEquals(200, send("GET", "/api/experiments/" + id, null, "Origin", "http://evil.example").statusCode());
        // the platform's own origin (the dashboard) and a configured one pass the check
        HttpResponse<String> proxied = send("POST", "/api/experiments/999999/cancel", null, "Origin", "https://proxy.example.org");
        assertEquals(404, proxied.statusCode(), proxied.body());
        HttpResponse<String> referred = send("POST", "/api/experiments/999999/cancel", null, "Referer", own() + "/experiments/1");
        assertEquals(404, referred.statusCode(), referred.body());
        HttpResponse<String> same = send("POST", "/api/experiments/" + id + "/cancel", null, "Origin", own());
        assertEquals(200, same.statusCode(), same.body());
        assertEquals(true, JSON.readTree(same.body()).get("cancelling").asBoolean(), same.body());
    }

    @Test
    void unknownApiPathsAnswerJson404() throws Exception {
        for (String[] call : new String[][] {{"GET", "/api/nope"}, {"GET", "/api/experiments/1/nope"}, {"POST", "/api/nope"},
                {"DELETE", "/api/bundles/x/y/z"}}) {
            HttpResponse<String> r = send(call[0], call[1], null, "Accept", "text/html,application/xhtml+xml");
            assertEquals(404, r.statusCode(), call[0] + " " + call[1] + " -> " + r.body());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.headers().toString());
            assertEquals("no API endpoint " + call[0] + " " + call[1] + " (the API is described at /v3/api-docs)",
                    JSON.readTree(r.body()).get("error").asText(), r.body());
        }
        // the real endpoints are still matched first
        assertEquals(200, send("GET", "/api/bundles", null).statusCode());
        assertFalse(send("GET", "/v3/api-docs", null).body().contains("no API endpoint"), "the fallback is not part of the API description");
    }

    @Test
    void unknownDashboardViewAnswers404ForASignedInUser() throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new java.net.CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
        // signed out: any view, known or not, sends to the sign-in page
        HttpResponse<String> anonymous = browser.send(HttpRequest.newBuilder(URI.create(own() + "/no-such-view")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(302, anonymous.statusCode());
        // sign in as the login form does: the CSRF token from the page's meta tags, then a form post
        String page = browser.send(HttpRequest.newBuilder(URI.create(own() + "/login")).build(), HttpResponse.BodyHandlers.ofString()).body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<meta name=\"_csrf\" content=\"([^\"]+)\"").matcher(page);
        assertTrue(m.find(), "no CSRF token on the sign-in page");
        String form = "username=admin&password=security-test-pw&_csrf=" + java.net.URLEncoder.encode(m.group(1), StandardCharsets.UTF_8);
        HttpResponse<String> signIn = browser.send(HttpRequest.newBuilder(URI.create(own() + "/login")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(302, signIn.statusCode(), signIn.body());
        assertFalse(signIn.headers().firstValue("Location").orElse("").contains("error"), signIn.headers().toString());
        HttpResponse<String> known = browser.send(HttpRequest.newBuilder(URI.create(own() + "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, known.statusCode());
        HttpResponse<String> unknown = browser.send(HttpRequest.newBuilder(URI.create(own() + "/no-such-view")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, unknown.statusCode(), "an unknown view of the dashboard");
    }
}
