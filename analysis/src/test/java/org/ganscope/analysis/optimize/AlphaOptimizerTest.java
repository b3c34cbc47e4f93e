package org.ganscope.analysis.optimize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.TestBundles;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.junit.jupiter.api.Test;

/** Gradients through the bundle's TorchScript (DJL PyTorch engine, offline) in the same JVM as ONNX Runtime. */
class AlphaOptimizerTest {
    static AlphaOptimizer.Params params(int units, int iterations) {
        double[] iou = new double[units];
        float[] k = new float[units];
        for (int u = 0; u < units; u++) {
            iou[u] = (u * 7 % 13) / 13.0;
            k[u] = 1.5f;
        }
        return new AlphaOptimizer.Params(7, iou, k, 8, 4, 3, iterations, 4, 0.05, 0.01, 4);
    }

    @Test
    void deterministicBoundedAndImprovesTheObjective() {
        Bundle b = BundleLoader.load(TestBundles.demo("outdoor-base-s100"));
        var p = params(b.layer("layer3").units(), 6);
        AlphaOptimizer.Result r1 = AlphaOptimizer.run(b, "layer3", p);
        AlphaOptimizer.Result r2 = AlphaOptimizer.run(b, "layer3", p);
        assertArrayEquals(r1.alpha(), r2.alpha(), "same seed and data, same alpha");
        assertArrayEquals(r1.deltaCurve(), r2.deltaCurve(), 0.0);
        assertEquals(6, r1.deltaCurve().length);
        for (float a : r1.alpha()) {
            assertTrue(a >= 0 && a <= 1, "alpha is clamped to [0,1]: " + a);
        }
        assertTrue(r1.lossCurve()[5] < r1.lossCurve()[0], "Adam on the exact gradient lowers the loss: " + java.util.Arrays.toString(r1.lossCurve()));
    }

    @Test
    void layersWithoutAGradientGraphAreRefused() {
        Bundle b = BundleLoader.load(TestBundles.demo("outdoor-base-s100"));
        String msg = assertThrows(AnalysisException.class, () -> AlphaOptimizer.run(b, "layer1", params(128, 1))).getMessage();
        assertTrue(msg.contains("no gradient graph") && msg.contains("layer2"), msg);
    }

    @Test
    void gradientMatchesCentralFiniteDifferences() {
        Bundle b = BundleLoader.load(TestBundles.demo("outdoor-base-s100"));
        var p = params(b.layer("layer3").units(), 1);
        float[] alpha = new float[b.layer("layer3").units()];
        for (int u = 0; u < alpha.length; u++) {
            alpha[u] = 0.2f + 0.6f * ((u * 37) % 17) / 17f;
        }
        try (AlphaOptimizer.Probe probe = new AlphaOptimizer.Probe(b, "layer3", p)) {
            double[] lg = probe.lossAndGradient(alpha);
            // the units with the largest gradients, where the check is most telling
            Integer[] order = java.util.stream.IntStream.range(0, alpha.length).boxed()
                    .sorted((x, y) -> Double.compare(Math.abs(lg[y + 1]), Math.abs(lg[x + 1]))).toArray(Integer[]::new);
            float eps = 0.02f;
            for (int i = 0; i < 3; i++) {
                int u = order[i];
                float[] up = alpha.clone();
                float[] down = alpha.clone();
                up[u] += eps;
                down[u] -= eps;
                double fd = (probe.lossAndGradient(up)[0] - probe.lossAndGradient(down)[0]) / (2 * eps);
                double g = lg[u + 1];
                assertEquals(g, fd, 0.05 * Math.abs(g) + 1e-4, "unit " + u + ": autograd " + g + " vs finite difference " + fd);
            }
        }
    }
}
