package org.ganscope.analysis.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ganscope.analysis.Progress;
import org.ganscope.analysis.TestBundles;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.io.Npy;
import org.ganscope.analysis.io.NpyArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FD (EfficientNet-Lite0) of a bundle's samples: n/a with the reason, refused for too few samples, and measured. */
class ReferenceFdTest {
    private static final int N = 1281; // the fewest samples FD in 1280 dimensions accepts

    @Test
    void aBundleWithoutReferenceFeaturesSaysSoAndTheOtherMetricsAreUnchanged() {
        Bundle b = BundleLoader.load(TestBundles.repo().resolve("models/bundles-test/zoo2-tiny-outdoor"));
        SampleMetrics.Measured m = SampleMetrics.measure(b, "layer1", new int[0], 64, 1, 32, null, Progress.NONE, 0, 0, "--samples");
        assertFalse(m.reference().available());
        assertTrue(m.reference().unavailable().contains("has no reference_features"), m.reference().unavailable());
        assertTrue(m.reference().describe().startsWith("n/a ("), m.reference().describe());
        assertEquals(SampleMetrics.compute(b, "layer1", new int[0], 64, 1, 32).domainFd(), m.metrics().domainFd(), 0.0);
    }

    /**
     * A copy of a demo bundle whose reference statistics are those of its own generated samples
     * (seed 7), and whose held-out sample is those features shifted by 0.1 on every dimension: the FD
     * of the same samples is 0 and the real floor is |shift|^2 = 1280 * 0.01 = 12.8 (same covariance).
     */
    @Test
    void measuredAgainstItsOwnSamplesIsZeroAndTheFloorIsTheShift(@TempDir Path tmp) throws Exception {
        ReferenceNetwork net = ReferenceNetwork.locate();
        Path dir = TestBundles.copy("outdoor-base-s100", tmp);
        Bundle plain = BundleLoader.load(dir);
        float[] feats = new float[N * net.dim()];
        GeneratedFeatures.compute(plain, "layer1", new int[0], N, 7, 64, null, null, Progress.NONE, net, feats);
        Frechet.Stats st = Frechet.Stats.of(feats, N, net.dim());
        double[] cov = new double[net.dim() * net.dim()];
        for (int i = 0; i < net.dim(); i++) {
            System.arraycopy(st.cov()[i], 0, cov, i * net.dim(), net.dim());
        }
        float[] held = feats.clone();
        for (int i = 0; i < held.length; i++) {
            held[i] += 0.1f;
        }
        Npy.write(dir.resolve("real/effnet_features_mean.npy"), NpyArray.ofDoubles(st.mean(), net.dim()));
        Npy.write(dir.resolve("real/effnet_features_cov.npy"), NpyArray.ofDoubles(cov, net.dim(), net.dim()));
        Npy.write(dir.resolve("real/effnet_features_heldout.npy"), NpyArray.ofFloats(held, N, net.dim()));
        ObjectMapper json = new ObjectMapper();
        ObjectNode m = (ObjectNode) json.readTree(dir.resolve("manifest.json").toFile());
        m.putObject("reference_features").put("network", net.name()).put("onnx_sha256", net.sha256()).put("dim", net.dim())
                .put("real_mean", "real/effnet_features_mean.npy").put("real_cov", "real/effnet_features_cov.npy").put("real_count", N)
                .put("held_out_sample", "real/effnet_features_heldout.npy").put("held_out_count", N);
        for (String f : new String[] {"mean", "cov", "heldout"}) {
            Path p = dir.resolve("real/effnet_features_" + f + ".npy");
            ((ObjectNode) m.get("files")).putObject("real/effnet_features_" + f + ".npy").put("sha256", BundleLoader.sha256(p))
                    .put("bytes", Files.size(p));
        }
        json.writeValue(dir.resolve("manifest.json").toFile(), m);
        Bundle b = BundleLoader.load(dir);

        // too few samples: refused, naming the field; the other metrics are measured
        SampleMetrics.Measured few = SampleMetrics.measure(b, "layer1", new int[0], 64, 7, 32, null, Progress.NONE, 0, 0, "--samples");
        assertEquals("--samples is 64, but FD on 1280-dimensional features needs more than 1280 samples for a full-rank covariance",
                few.reference().unavailable());
        assertTrue(Double.isFinite(few.metrics().domainFd()));

        SampleMetrics.Measured r = SampleMetrics.measure(b, "layer1", new int[0], N, 7, 64, null, Progress.NONE, 0, 0, "--samples");
        assertTrue(r.reference().available(), r.reference().unavailable());
        double trace = 0;
        for (int i = 0; i < net.dim(); i++) {
            trace += st.cov()[i][i];
        }
        assertEquals(0, r.reference().fd(), 1e-6 * trace, "the same samples as the statistics");
        assertEquals(12.8, r.reference().realFloor(), 1e-3, "the held-out sample is shifted by 0.1 on 1280 dimensions");
        assertEquals(N, r.reference().samples());
        assertEquals(N, r.reference().heldOutCount());
        assertEquals("0.0000 (real floor 12.8000, 1281 held-out real images)", r.reference().describe().replace("-0.0000", "0.0000"));
    }
}
