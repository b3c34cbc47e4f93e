package org.ganscope.analysis.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.TestBundles;
import org.ganscope.analysis.bundle.BundleLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stored EfficientNet-Lite0 graph (models/features) as the engine runs it. */
class ReferenceNetworkTest {
    @Test
    void pooledFeaturesOfImagesAreDeterministicPerImageAndDiffer() {
        ReferenceNetwork net = ReferenceNetwork.locate();
        assertEquals(1280, net.dim());
        int s = 64;
        int n = 4;
        float[] x = Arrays.copyOf(RealImages.load(BundleLoader.load(TestBundles.demo("outdoor-base-s100"))), n * 3 * s * s);
        x[3 * 3 * s * s + 5] = -x[3 * 3 * s * s + 5] * 0.5f - 0.25f; // image 3 = real image 3 with one value changed
        float[] f = net.features(x, n, s, n);
        assertEquals(n * 1280, f.length);
        assertArrayEquals(f, net.features(x, n, s, n), "the same images give the same features");
        float[] one = net.features(x, n, s, 1);
        float scale = 0;
        for (float v : f) {
            assertTrue(v >= 0 && v <= 6, "ReLU6 features, pooled: " + v);
            scale = Math.max(scale, v);
        }
        for (int i = 0; i < f.length; i++) {
            assertEquals(f[i], one[i], 1e-5 * scale, "batch of 4 vs one at a time, value " + i);
        }
        for (int a = 0; a < n; a++) {
            for (int b = a + 1; b < n; b++) {
                double d = 0;
                for (int k = 0; k < 1280; k++) {
                    double t = f[a * 1280 + k] - f[b * 1280 + k];
                    d += t * t;
                }
                assertTrue(Math.sqrt(d) > 1e-4 * scale, "images " + a + " and " + b + " differ, their features too: " + Math.sqrt(d));
            }
        }
    }

    @Test
    void aChangedGraphIsRefused(@TempDir Path tmp) throws Exception {
        ReferenceNetwork net = ReferenceNetwork.locate();
        Path onnx = tmp.resolve("efficientnet-lite0.onnx");
        byte[] bytes = Files.readAllBytes(net.onnx());
        bytes[bytes.length - 1] ^= 1;
        Files.write(onnx, bytes);
        Files.copy(net.onnx().resolveSibling("efficientnet-lite0.json"), tmp.resolve("efficientnet-lite0.json"));
        var e = assertThrows(AnalysisException.class, () -> ReferenceNetwork.load(onnx));
        assertTrue(e.getMessage().contains("has SHA-256") && e.getMessage().contains(net.sha256()), e.getMessage());
    }
}
