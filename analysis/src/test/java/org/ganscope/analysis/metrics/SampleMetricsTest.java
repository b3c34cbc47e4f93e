package org.ganscope.analysis.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ganscope.analysis.TestBundles;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.junit.jupiter.api.Test;

class SampleMetricsTest {
    @Test
    void deterministicAndSensitiveToAblation() {
        Bundle b = BundleLoader.load(TestBundles.demo("outdoor-base-s100"));
        SampleMetrics a = SampleMetrics.compute(b, "layer2", new int[0], 64, 1, 16);
        SampleMetrics again = SampleMetrics.compute(b, "layer2", new int[0], 64, 1, 32);
        assertEquals(a.domainFd(), again.domainFd(), 0.0, "batch size must not change the result");
        int[] all = java.util.stream.IntStream.range(0, b.layer("layer2").units()).toArray();
        SampleMetrics dead = SampleMetrics.compute(b, "layer2", all, 64, 1, 16);
        assertTrue(Math.abs(dead.domainFd() - a.domainFd()) > 1e-6, "ablating every unit must change the samples");
        assertTrue(a.prdc().precision() >= 0 && a.prdc().precision() <= 1);
    }

    @Test
    void realSampleIsCloseToRealStatistics() {
        Bundle b = BundleLoader.load(TestBundles.demo("outdoor-base-s100"));
        RealFeatures real = RealFeatures.of(b);
        Frechet.Stats s = Frechet.Stats.of(real.sample(), real.sampleCount(), real.dim());
        double fdReal = Frechet.distance(real.mean(), real.cov(), s.mean(), s.cov());
        SampleMetrics gen = SampleMetrics.compute(b, "layer1", new int[0], 200, 2, 50);
        assertTrue(fdReal < gen.domainFd(), "real sample FD " + fdReal + " should beat the generator's " + gen.domainFd());
    }
}
