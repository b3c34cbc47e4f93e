package org.ganscope.analysis.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.TestBundles;
import org.ganscope.analysis.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a bundle can be broken gets its own clear message; made on real copies of a demo bundle. */
class BundleRejectionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Path bundle() throws IOException {
        return TestBundles.copy("outdoor-base-s100", tmp);
    }

    private static void editManifest(Path b, Consumer<ObjectNode> edit) throws IOException {
        Path mf = b.resolve("manifest.json");
        ObjectNode root = (ObjectNode) JSON.readTree(mf.toFile());
        edit.accept(root);
        JSON.writeValue(mf.toFile(), root);
    }

    private static String loadError(Path b) {
        return assertThrows(BundleException.class, () -> BundleLoader.load(b)).getMessage();
    }

    private static void rehash(Path b, String rel) throws IOException {
        String sha = BundleLoader.sha256(b.resolve(rel));
        long size = Files.size(b.resolve(rel));
        editManifest(b, m -> ((ObjectNode) m.get("files").get(rel)).put("sha256", sha).put("bytes", size));
    }

    @Test
    void demoBundleLoadsAndVerifies() {
        Bundle b = BundleLoader.load(TestBundles.demo("outdoor-base-s100"));
        assertEquals(64, b.hash().length());
        List<String> lines = BundleVerifier.verify(b);
        // a line per layer, then segmenter, concept groups, features, reference features and real sample (schema 2)
        assertEquals(b.manifest().layers().size() + 5, lines.size(), String.join("\n", lines));
        assertTrue(b.manifest().segmenter().pixelAccuracy() > 0);
    }

    @Test
    void missingDirectory() {
        assertTrue(loadError(tmp.resolve("nope")).contains("does not exist"));
    }

    @Test
    void missingManifest() throws IOException {
        Path b = bundle();
        Files.delete(b.resolve("manifest.json"));
        assertTrue(loadError(b).contains("missing file manifest.json"));
    }

    @Test
    void badJson() throws IOException {
        Path b = bundle();
        Files.writeString(b.resolve("manifest.json"), "{\"schema_version\": 1, \"name\": ");
        assertTrue(loadError(b).contains("not valid JSON"), loadError(b));
    }

    @Test
    void unknownSchemaVersion() throws IOException {
        Path b = bundle();
        editManifest(b, m -> m.put("schema_version", 7));
        assertTrue(loadError(b).contains("unknown schema_version 7"));
    }

    @Test
    void missingField() throws IOException {
        Path b = bundle();
        editManifest(b, m -> ((ObjectNode) m.get("layers").get(1)).remove("units"));
        assertTrue(loadError(b).contains("layers[1].units"), loadError(b));
    }

    @Test
    void missingFile() throws IOException {
        Path b = bundle();
        Files.delete(b.resolve("layer2.f.onnx"));
        assertTrue(loadError(b).contains("missing file layer2.f.onnx"));
    }

    @Test
    void hashMismatch() throws IOException {
        Path b = bundle();
        Path f = b.resolve("segmenter.onnx");
        byte[] bytes = Files.readAllBytes(f);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(f, bytes);
        String msg = loadError(b);
        assertTrue(msg.contains("hash mismatch for segmenter.onnx"), msg);
    }

    @Test
    void truncatedFile() throws IOException {
        Path b = bundle();
        Path f = b.resolve("layer3.h.onnx");
        byte[] bytes = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(bytes, bytes.length / 3));
        assertTrue(loadError(b).contains("truncated"), loadError(b));
    }

    @Test
    void pathTraversal() throws IOException {
        Path b = bundle();
        editManifest(b, m -> ((ObjectNode) m.get("layers").get(0)).put("h", "../evil.onnx"));
        editManifest(b, m -> ((ObjectNode) m.get("files")).putObject("../evil.onnx")
                .put("sha256", "0".repeat(64)).put("bytes", 1));
        assertTrue(loadError(b).contains("leaves the bundle directory"), loadError(b));
    }

    @Test
    void symlink() throws IOException {
        Path b = bundle();
        Path f = b.resolve("layer1.h.onnx");
        Path elsewhere = tmp.resolve("elsewhere.onnx");
        Files.move(f, elsewhere);
        Files.createSymbolicLink(f, elsewhere);
        assertTrue(loadError(b).contains("symbolic link"), loadError(b));
    }

    @Test
    void unlistedFile() throws IOException {
        Path b = bundle();
        editManifest(b, m -> ((ObjectNode) m.get("files")).remove("features.onnx"));
        assertTrue(loadError(b).contains("'features.onnx' is used but not listed"), loadError(b));
    }

    @Test
    void duplicateLayer() throws IOException {
        Path b = bundle();
        editManifest(b, m -> ((ObjectNode) m.get("layers").get(1)).put("name", "layer1"));
        assertTrue(loadError(b).contains("duplicate layer name 'layer1'"));
    }

    @Test
    void badCategory() throws IOException {
        Path b = bundle();
        editManifest(b, m -> ((ObjectNode) m.get("classes").get(2)).put("category", "animal"));
        assertTrue(loadError(b).contains("classes[2].category 'animal'"), loadError(b));
    }

    @Test
    void corruptOnnxWithMatchingHash() throws IOException {
        Path b = bundle();
        Path f = b.resolve("layer2.h.onnx");
        byte[] junk = new byte[4096];
        new java.util.Random(1).nextBytes(junk);
        Files.write(f, junk);
        rehash(b, "layer2.h.onnx");
        Bundle loaded = BundleLoader.load(b);
        String msg = assertThrows(AnalysisException.class, () -> BundleVerifier.verify(loaded)).getMessage();
        assertTrue(msg.contains("layer2.h.onnx is not a loadable ONNX graph"), msg);
    }

    @Test
    void shapeMismatchBetweenManifestAndGraph() throws IOException {
        Path b = bundle();
        editManifest(b, m -> ((ObjectNode) m.get("layers").get(1)).put("units", 96));
        Bundle loaded = BundleLoader.load(b);
        String msg = assertThrows(BundleException.class, () -> BundleVerifier.verify(loaded)).getMessage();
        assertTrue(msg.contains("layer2.h.onnx output shape [128, 8, 8] does not match the manifest: expected [96, 8, 8]"), msg);
    }

    @Test
    void graphsOfDifferentLayersSwapped() throws IOException {
        Path b = bundle();
        editManifest(b, m -> ((ObjectNode) m.get("layers").get(1)).put("f", "layer3.f.onnx"));
        Bundle loaded = BundleLoader.load(b);
        String msg = assertThrows(BundleException.class, () -> BundleVerifier.verify(loaded)).getMessage();
        assertTrue(msg.contains("layer3.f.onnx input shape"), msg);
    }

    @Test
    void wrongClassCount() throws IOException {
        Path b = bundle();
        // a schema 2 bundle's main concept group repeats the class list (the loader checks the two agree): one class fewer in both
        editManifest(b, m -> {
            ((ArrayNode) m.get("classes")).remove(m.get("classes").size() - 1);
            ArrayNode main = (ArrayNode) m.get("concept_groups").get(0).get("classes");
            main.remove(main.size() - 1);
            ((ObjectNode) m.get("concept_groups").get(0).get("real_pixel_share")).remove("window");
        });
        Bundle loaded = BundleLoader.load(b);
        String msg = assertThrows(BundleException.class, () -> BundleVerifier.verify(loaded)).getMessage();
        assertTrue(msg.contains("segmenter.onnx output") && msg.contains("does not match the manifest"), msg);
    }

    @Test
    void unknownLayer() {
        Bundle b = BundleLoader.load(TestBundles.demo("outdoor-base-s100"));
        String msg = assertThrows(BundleException.class, () -> b.layer("layer9")).getMessage();
        assertTrue(msg.contains("has no layer 'layer9'") && msg.contains("layer1"), msg);
    }

    @Test
    void verifyCommandExitCodes() throws IOException {
        assertEquals(0, Main.run(new String[] {"bundle", "verify", TestBundles.demo("outdoor-base-s100").toString()}));
        Path b = bundle();
        Files.delete(b.resolve("features.onnx"));
        assertEquals(1, Main.run(new String[] {"bundle", "verify", b.toString()}));
        assertEquals(2, Main.run(new String[] {"bundle", "frobnicate"}));
    }
}
