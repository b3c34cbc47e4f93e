package org.ganscope.analysis.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import org.ganscope.analysis.TestBundles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The messages of {@link ManifestParser}, one damaged field at a time, on the demo
 * bundle's manifest. Values are JSON; the value {@code REMOVE} deletes the field.
 */
class ManifestParserTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String demoManifest() throws Exception {
        return Files.readString(TestBundles.demo("outdoor-base-s100").resolve("manifest.json"));
    }

    @Test
    void parsesTheDemoManifest() throws Exception {
        Manifest m = ManifestParser.parse(demoManifest());
        assertEquals("outdoor-base-s100", m.name());
        assertEquals("outdoor", m.dataset());
        assertEquals(64, m.zdim());
        assertEquals(4, m.layers().size());
        Manifest.Layer l1 = m.layers().get(0);
        assertEquals(new Manifest.Layer("layer1", 128, 4, 4, "layer1.h.onnx", "layer1.f.onnx", null, false), l1);
        assertEquals("layer2.f_seg.pt", m.layer("layer2").orElseThrow().torchscript());
        assertEquals(new Manifest.ConceptClass(1, "sky", "object", "#78b4ff"), m.classes().get(1));
        assertEquals(new Manifest.Segmenter("segmenter.onnx", 64, 0.99613, 0.98146), m.segmenter());
        assertEquals(new Manifest.Features("features.onnx", 128, "real/features_mean.npy", "real/features_cov.npy",
                "real/features_sample.npy"), m.features());
        assertEquals(new Manifest.RealSample("real/images.png", "real/labels.png", 64, 10), m.real());
        assertEquals(new Manifest.FileEntry("cb0c4600a24a3468da9c678a7f7f1140d10b174a1ddf232e90f3fafe856d0973", 677018),
                m.files().get("features.onnx"));
        assertEquals("outdoor scenes (renderer v2), upsample+conv generator, base variant, EMA weights", m.raw().get("description").asText());
        assertNull(m.layers().get(0).torchscript());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "/schema_version | `\"1\"` | manifest.json: missing integer field 'schema_version'",
        "/schema_version | 3 | manifest.json: unknown schema_version 3 (this ganscope reads versions 1 to 2)",
        "/name | 5 | manifest.json: missing text field 'name'",
        "/name | `\"\"` | manifest.json: missing text field 'name'",
        "/name | `\"a b\"` | manifest.json: 'name' must be 1-100 letters, digits, '.', '_' or '-', got 'a b'",
        "/dataset | REMOVE | manifest.json: missing text field 'dataset'",
        "/variant | true | manifest.json: missing text field 'variant'",
        "/zdim | `\"64\"` | manifest.json: missing integer field 'zdim'",
        "/zdim | 64.5 | manifest.json: missing integer field 'zdim'",
        "/zdim | 64.0 | manifest.json: missing integer field 'zdim'",
        "/zdim | 0 | manifest.json: 'zdim' must be positive, got 0",
        "/zdim | 1000000 | manifest.json: 'zdim' must be in [0, 65536], got 1000000",
        "/image_size | null | manifest.json: missing integer field 'image_size'",
        "/layers | {} | manifest.json: missing array field 'layers'",
        "/layers | [] | manifest.json: 'layers' is empty",
        "/layers/0 | 5 | manifest.json: missing text field 'layers[0].name'",
        "/layers/0 | null | manifest.json: missing text field 'layers[0].name'",
        "/layers/3 | `[\"x\"]` | manifest.json: missing text field 'layers[3].name'",
        "/layers/1/units | REMOVE | manifest.json: missing integer field 'layers[1].units'",
        "/layers/1/units | `\"128\"` | manifest.json: missing integer field 'layers[1].units'",
        "/layers/1/units | -1 | manifest.json: 'layers[1].units' must be in [0, 65536], got -1",
        "/layers/2/h | [] | manifest.json: missing text field 'layers[2].h'",
        "/layers/1/name | `\"layer1\"` | manifest.json: duplicate layer name 'layer1'",
        "/layers/0/f_inputs | `[\"z\"]` | manifest.json: 'layers[0].f_inputs' must be [\"r\"] or [\"r\", \"z\"], got [\"z\"]",
        "/layers/0/f_inputs | `\"r\"` | manifest.json: 'layers[0].f_inputs' must be [\"r\"] or [\"r\", \"z\"], got \"r\"",
        "/layers/0/torchscript | 5 | manifest.json: file '5' is used but not listed under 'files' with its hash",
        "/classes | 3 | manifest.json: missing array field 'classes'",
        "/classes/0 | null | manifest.json: missing integer field 'classes[0].index'",
        "/classes/1 | `\"sky\"` | manifest.json: missing integer field 'classes[1].index'",
        "/classes/1/index | 5 | manifest.json: classes[1].index is 5, expected 1",
        "/classes/1/index | `\"1\"` | manifest.json: missing integer field 'classes[1].index'",
        "/classes/1/name | null | manifest.json: missing text field 'classes[1].name'",
        "/classes/2/name | `\"sky\"` | manifest.json: duplicate class name 'sky'",
        "/classes/2/category | `\"animal\"` | manifest.json: classes[2].category 'animal' is not one of ",
        "/segmenter | [] | manifest.json: missing object field 'segmenter'",
        "/segmenter/resolution | 0 | manifest.json: 'segmenter.resolution' must be positive, got 0",
        "/segmenter/pixel_accuracy | `\"0.9\"` | manifest.json: missing number field 'segmenter.pixel_accuracy'",
        "/segmenter/mean_iou | REMOVE | manifest.json: missing number field 'segmenter.mean_iou'",
        "/features/dim | 2.0 | manifest.json: missing integer field 'features.dim'",
        "/features/real_cov | 1 | manifest.json: missing text field 'features.real_cov'",
        "/real | REMOVE | manifest.json: missing object field 'real'",
        "/real/count | null | manifest.json: missing integer field 'real.count'",
        "/files | [] | manifest.json: missing object field 'files'",
        "/files/features.onnx | REMOVE | manifest.json: file 'features.onnx' is used but not listed under 'files' with its hash",
        "/files/features.onnx | 5 | manifest.json: missing text field 'files['features.onnx'].sha256'",
        "/files/features.onnx | null | manifest.json: missing text field 'files['features.onnx'].sha256'",
        "/files/features.onnx/sha256 | `\"ABC\"` | manifest.json: files['features.onnx'].sha256 is not 64 lower-case hex digits",
        "/files/features.onnx/sha256 | 7 | manifest.json: missing text field 'files['features.onnx'].sha256'",
        "/files/features.onnx/bytes | -1 | manifest.json: files['features.onnx'].bytes must be a non-negative integer",
        "/files/features.onnx/bytes | `\"5\"` | manifest.json: files['features.onnx'].bytes must be a non-negative integer",
        "/files/features.onnx/bytes | REMOVE | manifest.json: files['features.onnx'].bytes must be a non-negative integer",
    })
    void namesTheDamagedField(String pointer, String value, String message) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(demoManifest());
        int cut = pointer.lastIndexOf('/');
        JsonNode parent = root.at(pointer.substring(0, cut));
        String key = pointer.substring(cut + 1);
        if (parent instanceof ArrayNode a) {
            a.set(Integer.parseInt(key), JSON.readTree(value));
        } else if (value.equals("REMOVE")) {
            ((ObjectNode) parent).remove(key);
        } else {
            ((ObjectNode) parent).set(key, JSON.readTree(value));
        }
        String text = JSON.writeValueAsString(root);
        String got = assertThrows(BundleException.class, () -> ManifestParser.parse(text)).getMessage();
        assertTrue(got.startsWith(message), "expected " + message + "\n     got " + got);
    }

    @Test
    void rejectsWhatIsNotAManifestObject() {
        assertEquals("manifest.json must hold a JSON object",
                assertThrows(BundleException.class, () -> ManifestParser.parse("[1, 2]")).getMessage());
        String m = assertThrows(BundleException.class, () -> ManifestParser.parse("{\"schema_version\": 1,\n \"name\": ")).getMessage();
        assertTrue(m.startsWith("manifest.json is not valid JSON: ") && m.endsWith(" at line 2"), m);
        // the schema version is checked before anything else a newer schema might change
        assertEquals("manifest.json: unknown schema_version 3 (this ganscope reads versions 1 to 2)",
                assertThrows(BundleException.class, () -> ManifestParser.parse("{\"schema_version\": 3, \"layers\": 7}")).getMessage());
    }
}
