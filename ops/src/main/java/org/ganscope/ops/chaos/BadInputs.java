package org.ganscope.ops.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.io.Npy;
import org.ganscope.analysis.io.NpyArray;
import org.ganscope.ops.cluster.LocalCluster;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import org.ganscope.analysis.cli.Main;

/**
 * The bad-input catalogue: each case must be refused with the right HTTP status or exit
 * code and a message that names the problem, and afterwards nothing may be lost (the
 * experiments and results that existed are unchanged) and the platform must still serve.
 */
final class BadInputs {
    /** The upload cap the chaos platform runs with, so an oversized upload can be tried cheaply. */
    static final long UPLOAD_CAP = 16L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final LocalCluster cluster;
    private final Path repo;
    private final Path scratch;
    private final List<String> lines = new ArrayList<>();
    private int tried;
    private int clean;
    private int emptyHints;

    /** @param emptyHints probes whose hint was empty (they count as not rejected cleanly) */
    record Result(int tried, int rejectedCleanly, int lost, int emptyHints) {
    }

    /** What came back: a status (HTTP) or exit code, and the message. */
    record Outcome(int code, String message) {
    }

    interface Probe {
        Outcome run() throws Exception;
    }

    BadInputs(LocalCluster cluster, Path repo) throws IOException {
        this.cluster = cluster;
        this.repo = repo;
        this.scratch = Files.createDirectories(cluster.dir().resolve("bad-inputs"));
    }

    Result run() throws Exception {
        JsonNode before = cluster.get("/api/experiments?limit=1000");
        Map<Long, JsonNode> unitsBefore = new LinkedHashMap<>();
        for (JsonNode e : before.get("items")) {
            long id = e.get("id").asLong();
            unitsBefore.put(id, cluster.get("/api/experiments/" + id + "/units?layer=layer3"));
        }
        String ok = "{\"bundle\": \"outdoor-base-s100\", \"layers\": [\"layer3\"], \"samples\": 40";
        // launch parameters (REST): 400 with the reason
        launch("unknown bundle", "{\"bundle\": \"no-such-model\"}", 400, "unknown bundle");
        launch("unknown layer", "{\"bundle\": \"outdoor-base-s100\", \"layers\": [\"layer9\"]}", 400, "layer9");
        launch("negative sample count", ok.replace("40", "-5") + "}", 400, "samples");
        launch("huge sample count", ok.replace("40", "2000000000") + "}", 400, "samples");
        launch("seed overflow", ok + ", \"seed\": 99999999999999999999}", 400, "seed");
        launch("empty step list", ok + ", \"steps\": []}", 400, "step");
        launch("unknown step", ok + ", \"steps\": [\"paint\"]}", 400, "unknown step");
        launch("unknown class", ok + ", \"steps\": [\"dissect\", \"intervene\"], \"classes\": [\"unicorn\"]}", 400, "unknown class");
        launch("intervene without classes", ok + ", \"steps\": [\"dissect\", \"intervene\"]}", 400, "class of interest");
        launch("alpha on a layer without TorchScript", "{\"bundle\": \"outdoor-base-s100\", \"layers\": [\"layer1\"], \"samples\": 40,"
                + " \"steps\": [\"dissect\", \"optimize\"], \"classes\": [\"tree\"]}", 400, "TorchScript");
        launch("quantile out of bounds", ok + ", \"method\": \"quantile\", \"quantile\": 1.5}", 400, "quantile");
        launch("invalid JSON", "{\"bundle\": ", 400, "not a valid launch request");
        launch("wrong type", ok.replace("40", "\"many\"") + "}", 400, "samples");
        launch("more shards than samples", ok + ", \"shards\": 999}", 400, "shards");
        launch("too many tags", ok + ", \"tags\": [" + "\"t\",".repeat(30) + "\"t\"]}", 400, "tags");
        launch("misspelt field", ok + ", \"samplez\": 10}", 400, "samplez");
        launch("fractional sample count", ok.replace("40", "1.5") + "}", 400, "samples");
        launch("one sample for the metrics step", ok.replace("40", "1") + ", \"steps\": [\"dissect\", \"metrics\"]}", 400, "at least 2");
        launch("no layers", "{\"bundle\": \"outdoor-base-s100\", \"samples\": 40}", 400, "layers is required");
        launch("empty layer list", "{\"bundle\": \"outdoor-base-s100\", \"layers\": [], \"samples\": 40}", 400, "layers is required");
        launch("a layer twice", "{\"bundle\": \"outdoor-base-s100\", \"layers\": [\"layer3\", \"layer3\"], \"samples\": 40}", 400,
                "'layer3' more than once");
        launch("negative seed", ok + ", \"seed\": -1}", 400, "seed must be 0 or more");
        probe("Idempotency-Key reused with another request", () -> {
            String key = "chaos-key-" + System.nanoTime();
            String first = ok + ", \"steps\": [\"dissect\"], \"thresholdSamples\": 20}";
            var made = cluster.request("POST", "/api/experiments", "admin", cluster.adminPassword(), "application/json",
                    first.getBytes(StandardCharsets.UTF_8), key);
            if (made.statusCode() != 201) {
                return new Outcome(made.statusCode(), "the first launch was refused: " + made.body());
            }
            cluster.await(JSON.readTree(made.body()).get("id").asLong(), Duration.ofMinutes(5));
            return http(cluster.request("POST", "/api/experiments", "admin", cluster.adminPassword(), "application/json",
                    first.replace("40", "41").getBytes(StandardCharsets.UTF_8), key));
        }, 422, "with a different request");
        probe("experiment id that is not a number", () -> http(cluster.request("GET", "/api/experiments/abc", null, null)), 400, "whole number");
        probe("units of a layer the experiment does not have", () -> http(cluster.request("GET", "/api/experiments/1/units?layer=zzz", null, null)),
                404, "no layer");
        probe("script tag and SQL in a name are stored as text", () -> {
            String name = "<script>alert(1)</script>'; DROP TABLE experiments; --";
            var r = cluster.request("POST", "/api/experiments", "application/json",
                    JSON.writeValueAsBytes(JSON.createObjectNode().put("bundle", "outdoor-base-s100").put("samples", 40).put("name", name)
                            .<ObjectNode>set("layers", JSON.createArrayNode().add("layer3")).set("steps", JSON.createArrayNode().add("dissect"))));
            long id = JSON.readTree(r.body()).get("id").asLong();
            String stored = cluster.get("/api/experiments/" + id).get("experiment").get("name").asText();
            cluster.await(id, Duration.ofMinutes(5));
            return new Outcome(stored.equals(name) ? 201 : 500, stored.equals(name) ? "stored verbatim, shown as text" : "changed: " + stored);
        }, 201, "verbatim");
        // access control
        probe("no credentials", () -> http(cluster.request("GET", "/api/experiments", null, null, null, null)), 401, "unauthorized");
        probe("wrong password", () -> http(cluster.request("GET", "/api/experiments", "admin", "wrong", null, null)), 401, "unauthorized");
        // bundles (upload): 400 or 413 with the reason, nothing kept
        upload("archive with path traversal", zip(Map.of(), Map.of("../../evil.sh", "echo pwned".getBytes())), 400, "outside");
        upload("hash mismatch", zip(Map.of("layer1.h.onnx", flip(read("layer1.h.onnx"))), Map.of()), 400, "hash mismatch");
        upload("truncated file", zip(Map.of("layer2.f.onnx", Arrays.copyOf(read("layer2.f.onnx"), 1000)), Map.of()), 400, "truncated");
        upload("missing graph", zip(Collections.singletonMap("segmenter.onnx", null), Map.of()), 400, "missing file");
        upload("corrupt ONNX with a matching hash", corruptGraph(), 400, "not a loadable ONNX graph");
        upload("shape mismatch between h and f", shapeMismatch(), 400, "layer");
        upload("duplicate name with other contents", zip(Map.of("manifest.json", read("manifest.json").length > 0
                ? new String(read("manifest.json"), StandardCharsets.UTF_8).replace("base variant", "base variant (edited)").getBytes() : null), Map.of()),
                400, "exists with other contents");
        upload("not a zip archive", "plain text".getBytes(), 400, "zip");
        upload("oversized upload", new byte[(int) UPLOAD_CAP + 4096], 413, "at most " + UPLOAD_CAP);
        // arrays given to the command line: exit code 1 or 2 with the reason
        Path acts = npy("acts.npy", NpyArray.ofFloats(new float[2 * 3 * 4 * 4], 2, 3, 4, 4));
        cli("activations of the wrong rank", new String[] {"dissect-arrays", "--activations", npy("rank.npy", NpyArray.ofFloats(new float[24], 2, 3, 4)).toString(),
                "--segmentation", npy("seg.npy", NpyArray.ofInts(new int[2 * 8 * 8], 2, 8, 8)).toString(), "--classes", "3", "--method", "quantile",
                "--out", scratch.resolve("o1.json").toString()}, "rank");
        cli("mismatched N", new String[] {"dissect-arrays", "--activations", acts.toString(), "--segmentation",
                npy("seg3.npy", NpyArray.ofInts(new int[3 * 8 * 8], 3, 8, 8)).toString(), "--classes", "3", "--method", "quantile",
                "--out", scratch.resolve("o2.json").toString()}, "but the activations have N=2");
        int[] labels = new int[2 * 8 * 8];
        labels[5] = 9;
        cli("label values out of range", new String[] {"dissect-arrays", "--activations", acts.toString(), "--segmentation",
                npy("seg9.npy", NpyArray.ofInts(labels, 2, 8, 8)).toString(), "--classes", "3", "--method", "quantile",
                "--out", scratch.resolve("o3.json").toString()}, "label 9 at [0, 0, 5] is outside [0, 3)");
        float[] nan = new float[20 * 4];
        nan[7] = Float.NaN;
        cli("NaN in feature arrays", new String[] {"metrics", "--real", npy("real.npy", NpyArray.ofFloats(new float[20 * 4], 20, 4)).toString(),
                "--fake", npy("fake.npy", NpyArray.ofFloats(nan, 20, 4)).toString(), "--out", scratch.resolve("m.json").toString()}, "NaN");
        cli("feature dimensions differ", new String[] {"metrics", "--real", npy("r5.npy", NpyArray.ofFloats(new float[20 * 5], 20, 5)).toString(),
                "--fake", npy("f4.npy", NpyArray.ofFloats(new float[20 * 4], 20, 4)).toString(), "--out", scratch.resolve("m2.json").toString()}, "feature dimensions differ");
        cli("fewer samples than k + 1", new String[] {"metrics", "--real", npy("r3.npy", NpyArray.ofFloats(new float[3 * 4], 3, 4)).toString(),
                "--fake", npy("f3.npy", NpyArray.ofFloats(new float[3 * 4], 3, 4)).toString(), "--out", scratch.resolve("m3.json").toString()}, "need at least k+1=6");

        // nothing lost, nothing else affected
        int lost = 0;
        for (var e : unitsBefore.entrySet()) {
            if (!cluster.get("/api/experiments/" + e.getKey() + "/units?layer=layer3").equals(e.getValue())) {
                lost++;
                lines.add("  LOST: the results of experiment " + e.getKey() + " changed");
            }
        }
        try (var left = Files.list(cluster.dir().resolve("platform").resolve("bundles"))) {
            List<String> kept = left.map(p -> p.getFileName().toString()).toList();
            if (!kept.isEmpty()) {
                lost++;
                lines.add("  refused uploads left files behind: " + kept);
            }
        } catch (NoSuchFileException e) {
            // no upload was ever kept
        }
        lines.forEach(System.out::println);
        System.out.printf(Locale.ROOT, "bad inputs: %d tried, %d rejected cleanly, the platform serves, %d losses%n", tried, clean, lost);
        return new Result(tried, clean, lost, emptyHints);
    }

    private void launch(String what, String body, int status, String hint) {
        probe(what, () -> http(cluster.request("POST", "/api/experiments", "application/json", body.getBytes(StandardCharsets.UTF_8))), status, hint);
    }

    private void upload(String what, byte[] zip, int status, String hint) {
        probe(what, () -> {
            String boundary = "chaos" + System.nanoTime();
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bundle.zip\"\r\n"
                    + "Content-Type: application/zip\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            b.write(zip);
            b.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            return http(cluster.request("POST", "/api/bundles", "multipart/form-data; boundary=" + boundary, b.toByteArray()));
        }, status, hint);
    }

    private void cli(String what, String[] args, String hint) {
        probe(what, () -> {
            PrintStream err = System.err;
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            int code;
            try {
                code = Main.run(args);
            } finally {
                System.setErr(err);
            }
            return new Outcome(code == 0 ? 0 : -1, captured.toString(StandardCharsets.UTF_8).trim());
        }, -1, hint);
    }

    /**
     * Runs a case: refused cleanly = expected code, a message that names the problem (the
     * hint, which may not be empty: an empty one matches any message), and the platform still answers.
     */
    private void probe(String what, Probe p, int expected, String hint) {
        tried++;
        String verdict;
        if (hint == null || hint.isBlank()) {
            emptyHints++;
            lines.add("  FAIL " + what + ": the probe has an empty hint, so any message would pass");
            return;
        }
        try {
            Outcome o = p.run();
            boolean serving = cluster.request("GET", "/api/bundles", null, null).statusCode() == 200;
            boolean messageOk = (o.message() != null && !o.message().isBlank()
                    && o.message().toLowerCase(Locale.ROOT).contains(hint.toLowerCase(Locale.ROOT)));
            boolean ok = o.code() == expected && messageOk && serving;
            if (ok) {
                clean++;
            }
            verdict = String.format(Locale.ROOT, "  %-4s %-44s %s %s", ok ? "ok" : "FAIL", what,
                    o.code() == -1 ? "exit!=0" : "HTTP " + o.code(), shorten(o.message()));
        } catch (Exception e) {
            verdict = "  FAIL " + what + ": " + e;
        }
        lines.add(verdict);
    }

    private static Outcome http(HttpResponse<String> r) {
        String msg = r.body();
        if (r.statusCode() == 401) { // the challenge is the message
            msg = r.headers().firstValue("www-authenticate").map(h -> "WWW-Authenticate: " + h).orElse("") + " " + msg;
        }
        try {
            JsonNode n = JSON.readTree(r.body());
            if (n != null && n.has("error")) {
                msg = n.get("error").asText();
                if (n.has("message") && !n.get("message").asText().isBlank()) {
                    msg += ": " + n.get("message").asText();
                }
            }
        } catch (Exception e) {
            // not JSON: keep the body
        }
        return new Outcome(r.statusCode(), msg == null ? "" : msg);
    }

    private static String shorten(String s) {
        String one = s == null ? "" : s.replace('\n', ' ');
        return one.length() > 110 ? one.substring(0, 110) + "..." : one;
    }

    private Path npy(String name, NpyArray a) {
        Path p = scratch.resolve(name);
        Npy.write(p, a);
        return p;
    }

    private byte[] read(String rel) throws IOException {
        return Files.readAllBytes(repo.resolve("models/bundles/outdoor-base-s100").resolve(rel));
    }

    private static byte[] flip(byte[] b) {
        byte[] c = b.clone();
        c[c.length / 2] ^= 1;
        return c;
    }

    /** The demo bundle zipped, with files replaced (null drops one) and extra entries. */
    private byte[] zip(Map<String, byte[]> replace, Map<String, byte[]> extra) throws IOException {
        Path dir = repo.resolve("models/bundles/outdoor-base-s100");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes); var files = Files.walk(dir)) {
            z.setLevel(1);
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                String rel = dir.relativize(f).toString().replace('\\', '/');
                byte[] content = replace.containsKey(rel) ? replace.get(rel) : Files.readAllBytes(f);
                if (content != null) {
                    z.putNextEntry(new ZipEntry("outdoor-base-s100/" + rel));
                    z.write(content);
                    z.closeEntry();
                }
            }
            for (var e : extra.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** A graph replaced by garbage whose hash the manifest agrees with: only loading it can tell. */
    private byte[] corruptGraph() throws IOException {
        byte[] garbage = "this is not an ONNX protobuf".repeat(100).getBytes();
        ObjectNode m = (ObjectNode) JSON.readTree(read("manifest.json"));
        ((ObjectNode) m.get("files").get("layer1.h.onnx")).put("sha256", BundleLoader.sha256(garbage)).put("bytes", garbage.length);
        m.put("name", "corrupt-graph");
        return zip(Map.of("layer1.h.onnx", garbage, "manifest.json", JSON.writeValueAsBytes(m)), Map.of());
    }

    /** layer1's f replaced by layer2's f (hashes fixed): h's output does not fit f's input. */
    private byte[] shapeMismatch() throws IOException {
        byte[] f2 = read("layer2.f.onnx");
        ObjectNode m = (ObjectNode) JSON.readTree(read("manifest.json"));
        ((ObjectNode) m.get("files").get("layer1.f.onnx")).put("sha256", BundleLoader.sha256(f2)).put("bytes", f2.length);
        m.put("name", "shape-mismatch");
        return zip(Map.of("layer1.f.onnx", f2, "manifest.json", JSON.writeValueAsBytes(m)), Map.of());
    }
}
