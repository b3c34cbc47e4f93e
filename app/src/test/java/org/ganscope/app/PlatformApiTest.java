package org.ganscope.app;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The whole platform in one JVM (embedded PostgreSQL, Temporal, workers, REST), driven over HTTP. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PlatformApiTest {
    @Autowired
    TestRestTemplate anonymous;

    @Autowired
    org.ganscope.services.security.UserService users;

    @Autowired
    org.ganscope.app.config.TemporalConfig.Connection temporal;

    @Autowired
    com.zaxxer.hikari.HikariDataSource dataSource;

    TestRestTemplate http;

    /** Issue #28: the platform's own connections use the application role, never the embedded PostgreSQL's superuser. */
    @Test
    void thePlatformConnectsAsTheApplicationRoleWithoutSuperuserRights() throws Exception {
        try (var c = dataSource.getConnection(); var st = c.createStatement();
                var rs = st.executeQuery("SELECT current_user, rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user")) {
            assertTrue(rs.next(), "the connection's role exists");
            String role = rs.getString(1);
            assertTrue(!role.equals("postgres") && !rs.getBoolean(2) && !rs.getBoolean(3) && !rs.getBoolean(4),
                    "role " + role + ": superuser " + rs.getBoolean(2) + ", createrole " + rs.getBoolean(3) + ", createdb " + rs.getBoolean(4));
        }
    }

    static Path data;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) throws Exception {
        data = Files.createTempDirectory("ganscope-data");
        r.add("ganscope.data-dir", data::toString);
        r.add("ganscope.admin-password", () -> "api-test-password");
        // the in-memory fallback (no CLI) keeps this test of its own; the kill tests run on the real server
        r.add("ganscope.temporal.mode", () -> "test");
        String repo = System.getProperty("ganscope.repo", "..");
        System.setProperty("ganscope.home", Path.of(repo).toAbsolutePath().normalize().toString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void launchRunsToCompletionAndBadLaunchesAreRefused() throws Exception {
        assertEquals("test-server", temporal.kind());
        http = anonymous.withBasicAuth("admin", "api-test-password");
        List<Map<String, Object>> bundles = http.getForObject("/api/bundles", List.class);
        assertTrue(bundles.stream().anyMatch(b -> b.get("name").equals("outdoor-base-s100")), bundles.toString());

        ResponseEntity<Map> launched = http.postForEntity("/api/experiments", Map.of("name", "<script>x</script>",
                "bundle", "outdoor-base-s100", "layers", List.of("layer2"), "samples", 40, "thresholdSamples", 20, "shards", 2,
                "tags", List.of("api")), Map.class);
        assertEquals(HttpStatus.CREATED, launched.getStatusCode());
        int id = (Integer) launched.getBody().get("id");
        assertEquals("SUCCEEDED", finished(http, id, Duration.ofMinutes(2)));
        List<Map<String, Object>> units = http.getForObject("/api/experiments/" + id + "/units?layer=layer2", List.class);
        assertEquals(128, units.size());
        Map<String, Object> list = http.getForObject("/api/experiments?tag=api", Map.class);
        assertEquals(1, list.get("total"));
        list = http.getForObject("/api/experiments?tag=api", Map.class);
        assertEquals("<script>x</script>", ((List<Map<String, Object>>) list.get("items")).get(0).get("name"));

        List<String> l2 = List.of("layer2");
        for (Object bad : List.of(Map.of("bundle", "nope"), Map.of("bundle", "outdoor-base-s100", "layers", List.of("layer9")),
                Map.of("bundle", "outdoor-base-s100", "layers", l2, "samples", 0), Map.of("bundle", "outdoor-base-s100", "layers", l2, "method", "magic"),
                Map.of("bundle", "outdoor-base-s100", "layers", l2, "quantile", 2.0),
                Map.of("bundle", "outdoor-base-s100", "layers", l2, "steps", List.of("paint")),
                "{not json")) {
            var headers = new org.springframework.http.HttpHeaders();
            headers.setContentType(org.springframework.http.MediaType.APPLICATION_JSON);
            ResponseEntity<Map> r = http.postForEntity("/api/experiments", new org.springframework.http.HttpEntity<>(bad, headers), Map.class);
            assertEquals(HttpStatus.BAD_REQUEST, r.getStatusCode(), bad.toString());
            assertTrue(r.getBody().get("error").toString().length() > 5);
        }
        assertEquals(HttpStatus.NOT_FOUND, http.getForEntity("/api/experiments/999999", Map.class).getStatusCode());
        String openapi = http.getForObject("/v3/api-docs", String.class);
        assertTrue(openapi.contains("/api/experiments/{id}/retry") && openapi.contains("LaunchRequest"), openapi);
        // exports: the unit table as CSV, and a launch spec that reproduces the experiment exactly
        String csv = http.getForObject("/api/experiments/" + id + "/units.csv?layer=layer2", String.class);
        assertEquals(129, csv.split("\n").length, "a header and 128 units");
        assertTrue(csv.split("\n")[0].endsWith(",beats_location,interpretable_controlled,top1_interpretable,location_p,location_q,min_effect"),
                csv.split("\n")[0]);
        assertTrue(units.get(0).get("locationIou") instanceof Number && units.get(0).get("beatsLocation") instanceof Boolean, units.get(0).toString());
        List<Map<String, Object>> counts = http.getForObject("/api/experiments/" + id + "/counts?layer=layer2", List.class);
        assertEquals(12, counts.size(), "spec, controlled and top1 by object, part, material and total: " + counts);
        assertEquals("controlled", counts.get(0).get("rule"), "the controlled count first: " + counts);
        assertTrue(units.get(0).get("locationP") instanceof Number && units.get(0).get("locationQ") instanceof Number, units.get(0).toString());
        long interpretable = units.stream().filter(u -> Boolean.TRUE.equals(u.get("interpretable"))).count();
        assertTrue(counts.stream().anyMatch(c -> "spec".equals(c.get("rule")) && "total".equals(c.get("category"))
                && ((Number) c.get("units")).longValue() == interpretable), counts.toString());
        Map<String, Object> spec = http.getForObject("/api/experiments/" + id + "/spec", Map.class);
        assertEquals(40, spec.get("samples"));
        ResponseEntity<Map> again = http.postForEntity("/api/experiments", spec, Map.class);
        assertEquals(HttpStatus.CREATED, again.getStatusCode());
        int id2 = (Integer) again.getBody().get("id");
        assertEquals("SUCCEEDED", finished(http, id2, Duration.ofMinutes(1)));
        assertEquals(units, http.getForObject("/api/experiments/" + id2 + "/units?layer=layer2", List.class), "the spec reproduces the units");

        // a succeeded experiment cannot be retried; the reason is given
        ResponseEntity<Map> retry = http.postForEntity("/api/experiments/" + id + "/retry", null, Map.class);
        assertEquals(HttpStatus.CONFLICT, retry.getStatusCode());
        assertTrue(retry.getBody().get("error").toString().contains("SUCCEEDED"));
        // ... nor cancelled; a layer it does not have is not found; a malformed id is named, without Java type names
        ResponseEntity<Map> cancel = http.postForEntity("/api/experiments/" + id + "/cancel", null, Map.class);
        assertEquals(HttpStatus.CONFLICT, cancel.getStatusCode(), String.valueOf(cancel.getBody()));
        ResponseEntity<Map> noLayer = http.getForEntity("/api/experiments/" + id + "/units?layer=zzz", Map.class);
        assertEquals(HttpStatus.NOT_FOUND, noLayer.getStatusCode());
        assertTrue(noLayer.getBody().get("error").toString().contains("no layer 'zzz'"), String.valueOf(noLayer.getBody()));
        ResponseEntity<Map> abc = http.getForEntity("/api/experiments/abc", Map.class);
        assertEquals(HttpStatus.BAD_REQUEST, abc.getStatusCode());
        assertEquals("id must be a whole number, got 'abc'", abc.getBody().get("error"));
        // launched by the signed-in user
        Map<String, Object> detail = http.getForObject("/api/experiments/" + id, Map.class);
        assertEquals("admin", ((Map<String, Object>) detail.get("experiment")).get("createdBy"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void launchesAreIdempotentByKeyAndMalformedOnesNameTheField() {
        TestRestTemplate admin = anonymous.withBasicAuth("admin", "api-test-password");
        var json = new org.springframework.http.HttpHeaders();
        json.setContentType(org.springframework.http.MediaType.APPLICATION_JSON);
        Map<String, Object> ok = Map.of("bundle", "outdoor-base-s100", "layers", List.of("layer1"), "samples", 20, "thresholdSamples", 10,
                "shards", 1, "steps", List.of("dissect"), "tags", List.of("idem"));
        Map<String, String> refused = new java.util.LinkedHashMap<>();
        refused.put("samplez", "{\"bundle\": \"outdoor-base-s100\", \"samplez\": 10}");
        refused.put("samples", "{\"bundle\": \"outdoor-base-s100\", \"samples\": 1.5}");
        refused.put("at least 2", "{\"bundle\": \"outdoor-base-s100\", \"layers\": [\"layer1\"], \"samples\": 1}"); // the default steps include metrics
        // strict input: no layer is not the middle layer, a layer twice is not two, a negative seed is no seed
        refused.put("layers is required", "{\"bundle\": \"outdoor-base-s100\", \"samples\": 20}");
        refused.put("layers is required: name at least one layer", "{\"bundle\": \"outdoor-base-s100\", \"layers\": [], \"samples\": 20}");
        refused.put("layers lists 'layer1' more than once", "{\"bundle\": \"outdoor-base-s100\", \"layers\": [\"layer1\", \"layer2\", \"layer1\"]}");
        refused.put("seed must be 0 or more, got -3", "{\"bundle\": \"outdoor-base-s100\", \"layers\": [\"layer1\"], \"seed\": -3}");
        for (var r : refused.entrySet()) {
            ResponseEntity<Map> res = admin.postForEntity("/api/experiments", new org.springframework.http.HttpEntity<>(r.getValue(), json), Map.class);
            assertEquals(HttpStatus.BAD_REQUEST, res.getStatusCode(), r.getValue());
            assertTrue(res.getBody().get("error").toString().contains(r.getKey()), r.getKey() + ": " + res.getBody());
        }
        var keyed = new org.springframework.http.HttpHeaders();
        keyed.setContentType(org.springframework.http.MediaType.APPLICATION_JSON);
        keyed.set("Idempotency-Key", "launch-7f3a");
        ResponseEntity<Map> first = admin.postForEntity("/api/experiments", new org.springframework.http.HttpEntity<>(ok, keyed), Map.class);
        ResponseEntity<Map> retried = admin.postForEntity("/api/experiments", new org.springframework.http.HttpEntity<>(ok, keyed), Map.class);
        assertEquals(HttpStatus.CREATED, first.getStatusCode());
        assertEquals(HttpStatus.OK, retried.getStatusCode());
        assertEquals(first.getBody().get("id"), retried.getBody().get("id"));
        assertEquals(true, retried.getBody().get("replayed"));
        assertEquals(1, admin.getForObject("/api/experiments?tag=idem", Map.class).get("total"), "one experiment for two requests");
        // the same key with another request is refused, naming the key, and starts nothing
        Map<String, Object> other = new java.util.HashMap<>(ok);
        other.put("samples", 24);
        ResponseEntity<Map> reused = admin.postForEntity("/api/experiments", new org.springframework.http.HttpEntity<>(other, keyed), Map.class);
        assertEquals(HttpStatus.UNPROCESSABLE_ENTITY, reused.getStatusCode(), String.valueOf(reused.getBody()));
        assertTrue(reused.getBody().get("error").toString().contains("Idempotency-Key 'launch-7f3a'")
                && reused.getBody().get("error").toString().contains("different request"), String.valueOf(reused.getBody()));
        assertEquals(first.getBody().get("id"), reused.getBody().get("id"));
        assertEquals(1, admin.getForObject("/api/experiments?tag=idem", Map.class).get("total"), "the refused replay made nothing");
    }

    @Test
    void everyEndpointNeedsASignInAndTheRoleItsActionNeeds() {
        users.create("reader", "viewer", "reader-password");
        TestRestTemplate viewer = anonymous.withBasicAuth("reader", "reader-password");
        assertEquals(HttpStatus.UNAUTHORIZED, anonymous.getForEntity("/api/experiments", String.class).getStatusCode());
        assertEquals(HttpStatus.UNAUTHORIZED, anonymous.getForEntity("/v3/api-docs", String.class).getStatusCode());
        assertEquals(HttpStatus.UNAUTHORIZED, anonymous.withBasicAuth("admin", "wrong-password").getForEntity("/api/bundles", String.class)
                .getStatusCode());
        assertEquals(HttpStatus.OK, viewer.getForEntity("/api/experiments", String.class).getStatusCode(), "a viewer reads");
        TestRestTemplate admin = anonymous.withBasicAuth("admin", "api-test-password");
        Object before = admin.getForObject("/api/experiments", Map.class).get("total");
        ResponseEntity<String> launch = viewer.postForEntity("/api/experiments", Map.of("bundle", "outdoor-base-s100"), String.class);
        assertEquals(HttpStatus.FORBIDDEN, launch.getStatusCode(), "a viewer cannot launch");
        assertEquals(HttpStatus.FORBIDDEN, viewer.postForEntity("/api/experiments/1/cancel", null, String.class).getStatusCode());
        assertEquals(before, admin.getForObject("/api/experiments", Map.class).get("total"), "the refused launches created nothing");
    }

    /** The demo bundle outdoor-base-s100 as a zip, with files replaced ({@code null} drops one) and extra entries. */
    /** The experiment's status once it has finished (SUCCEEDED or FAILED), polled every 250 ms for at most {@code atMost}. */
    @SuppressWarnings("unchecked")
    static String finished(TestRestTemplate http, int id, Duration atMost) {
        return await("experiment " + id + " finished").atMost(atMost).pollInterval(Duration.ofMillis(250))
                .until(() -> (String) ((Map<String, Object>) http.getForObject("/api/experiments/" + id, Map.class).get("experiment")).get("status"),
                        s -> s.equals("SUCCEEDED") || s.equals("FAILED"));
    }

    static byte[] zipBundle(Map<String, byte[]> replace, Map<String, byte[]> extra) throws java.io.IOException {
        Path dir = Path.of(System.getProperty("ganscope.repo", "..")).toAbsolutePath().normalize().resolve("models/bundles/outdoor-base-s100");
        var bytes = new java.io.ByteArrayOutputStream();
        try (var z = new java.util.zip.ZipOutputStream(bytes); var files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = "outdoor-base-s100/" + dir.relativize(f).toString().replace('\\', '/');
                byte[] content = replace.containsKey(name) ? replace.get(name) : Files.readAllBytes(f);
                if (content != null) {
                    z.putNextEntry(new java.util.zip.ZipEntry(name));
                    z.write(content);
                    z.closeEntry();
                }
            }
            for (var e : extra.entrySet()) {
                z.putNextEntry(new java.util.zip.ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private ResponseEntity<Map> upload(TestRestTemplate as, byte[] zip) {
        var body = new org.springframework.util.LinkedMultiValueMap<String, Object>();
        body.add("file", new org.springframework.core.io.ByteArrayResource(zip) {
            @Override
            public String getFilename() {
                return "bundle.zip";
            }
        });
        var headers = new org.springframework.http.HttpHeaders();
        headers.setContentType(org.springframework.http.MediaType.MULTIPART_FORM_DATA);
        return as.postForEntity("/api/bundles", new org.springframework.http.HttpEntity<>(body, headers), Map.class);
    }

    @Test
    @SuppressWarnings("unchecked")
    void bundleUploadsAreVerifiedAndBadOnesRefusedWithTheReason() throws Exception {
        TestRestTemplate admin = anonymous.withBasicAuth("admin", "api-test-password");
        Path manifestFile = Path.of(System.getProperty("ganscope.repo", "..")).toAbsolutePath().normalize()
                .resolve("models/bundles/outdoor-base-s100/manifest.json");
        String manifest = Files.readString(manifestFile);
        byte[] renamed = manifest.replace("\"name\": \"outdoor-base-s100\"", "\"name\": \"uploaded-base\"").getBytes();
        byte[] otherContents = manifest.replace("base variant", "base variant, edited").getBytes();
        byte[] onnx = Files.readAllBytes(manifestFile.resolveSibling("layer1.h.onnx"));
        onnx[onnx.length / 2] ^= 1;
        Map<String, byte[]> none = Map.of();
        Map<String, String> refusals = new java.util.LinkedHashMap<>();
        refusals.put("points outside", new String(upload(admin, zipBundle(none, Map.of("../evil.txt", "x".getBytes()))).getBody().get("error").toString()));
        refusals.put("hash mismatch", upload(admin, zipBundle(Map.of("outdoor-base-s100/layer1.h.onnx", onnx), none)).getBody().get("error").toString());
        refusals.put("missing file", upload(admin, zipBundle(java.util.Collections.singletonMap("outdoor-base-s100/layer2.f.onnx", null), none))
                .getBody().get("error").toString());
        refusals.put("exists with other contents", upload(admin, zipBundle(Map.of("outdoor-base-s100/manifest.json", otherContents), none))
                .getBody().get("error").toString());
        refusals.put("not a zip", upload(admin, "this is not an archive".getBytes()).getBody().get("error").toString());
        for (var r : refusals.entrySet()) {
            assertTrue(r.getValue().contains(r.getKey()), r.getKey() + ": " + r.getValue());
        }
        // a viewer may not upload; a good bundle is registered and listed; refused ones left nothing behind
        users.create("uploader", "viewer", "uploader-password");
        assertEquals(HttpStatus.FORBIDDEN, upload(anonymous.withBasicAuth("uploader", "uploader-password"),
                zipBundle(Map.of("outdoor-base-s100/manifest.json", renamed), none)).getStatusCode());
        ResponseEntity<Map> ok = upload(admin, zipBundle(Map.of("outdoor-base-s100/manifest.json", renamed), none));
        assertEquals(HttpStatus.CREATED, ok.getStatusCode(), String.valueOf(ok.getBody()));
        List<Map<String, Object>> bundles = admin.getForObject("/api/bundles", List.class);
        assertTrue(bundles.stream().anyMatch(b -> b.get("name").equals("uploaded-base")));
        try (var left = Files.list(data.resolve("bundles"))) {
            assertEquals(List.of("uploaded-base"), left.map(p -> p.getFileName().toString()).filter(n -> !n.equals(BYOG) && !n.equals(BYOG_TOY)).toList(),
                    "no leftovers of refused uploads");
        }
    }

    private static final String BYOG = "stylegan2-tiny-random";
    private static final String BYOG_TOY = "toy-random";

    /** A zip of a bundle directory under its own name. */
    static byte[] zipDir(Path dir) throws java.io.IOException {
        var bytes = new java.io.ByteArrayOutputStream();
        try (var z = new java.util.zip.ZipOutputStream(bytes); var files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                z.putNextEntry(new java.util.zip.ZipEntry(dir.getFileName() + "/" + dir.relativize(f).toString().replace('\\', '/')));
                z.write(Files.readAllBytes(f));
                z.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /**
     * Bundles made by the bring-your-own-GAN exporter upload and dissect through the platform: a StyleGAN2
     * (tails f take (r, z)) and a toy generator that is no StyleGAN (tails take r only); both experiments run at once.
     */
    @Test
    @SuppressWarnings("unchecked")
    void aByogStyleGan2AndAToyGeneratorBundleUploadAndDissect() throws Exception {
        TestRestTemplate admin = anonymous.withBasicAuth("admin", "api-test-password");
        Path tests = Path.of(System.getProperty("ganscope.repo", "..")).toAbsolutePath().normalize().resolve("models/bundles-test");
        Map<String, String> layerOf = Map.of(BYOG, "synthesis.b16.conv1", BYOG_TOY, "blocks.2");
        Map<String, Integer> ids = new java.util.LinkedHashMap<>();
        for (String name : List.of(BYOG, BYOG_TOY)) {
            ResponseEntity<Map> ok = upload(admin, zipDir(tests.resolve(name)));
            assertEquals(HttpStatus.CREATED, ok.getStatusCode(), name + ": " + ok.getBody());
            ResponseEntity<Map> launched = admin.postForEntity("/api/experiments", Map.of("name", "byog " + name, "bundle", name,
                    "layers", List.of(layerOf.get(name)), "samples", 32, "thresholdSamples", 16, "shards", 2), Map.class);
            assertEquals(HttpStatus.CREATED, launched.getStatusCode(), name + ": " + launched.getBody());
            ids.put(name, (Integer) launched.getBody().get("id"));
        }
        for (var e : ids.entrySet()) {
            assertEquals("SUCCEEDED", finished(admin, e.getValue(), Duration.ofMinutes(4)), e.getKey());
            List<Map<String, Object>> units = admin.getForObject("/api/experiments/" + e.getValue() + "/units?layer=" + layerOf.get(e.getKey()),
                    List.class);
            assertEquals(16, units.size(), e.getKey());
        }
    }
}
