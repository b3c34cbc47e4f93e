package org.ganscope.analysis.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ganscope.analysis.TestBundles;
import org.ganscope.analysis.bundle.BundleLoader;
import org.junit.jupiter.api.Test;

class MetricIntervalsTest {
    @Test
    void percentilesInterpolateBetweenOrderStatistics() {
        double[] v = new double[41];
        for (int i = 0; i < v.length; i++) {
            v[(i * 17) % 41] = i; // 0..40 in a shuffled order
        }
        assertArrayEquals(new double[] {1.0, 39.0}, MetricIntervals.percentiles(v), 1e-12);
    }

    @Test
    void theRealSampleAsGeneratedSamplesScoresTheRealFloorInsideItsInterval() {
        RealFeatures real = RealFeatures.of(BundleLoader.load(TestBundles.demo("outdoor-base-s100")));
        int n = real.sampleCount();
        MetricIntervals a = MetricIntervals.bootstrap(real, real.sample(), n, 20, 7);
        MetricIntervals b = MetricIntervals.bootstrap(real, real.sample(), n, 20, 7);
        // seeded: the same replicates
        for (String k : a.intervals().keySet()) {
            assertArrayEquals(a.intervals().get(k), b.intervals().get(k), 0.0, k);
            assertTrue(a.intervals().get(k)[0] <= a.intervals().get(k)[1], k);
        }
        // brute force of the floor: the real sample's own moments against the real statistics
        MomentAccumulator m = new MomentAccumulator(real.dim());
        m.addAll(real.sample(), n);
        assertEquals(Frechet.distance(real.mean(), real.cov(), m.mean(), m.cov()), a.realFloorFd(), 0.0);
        assertEquals(n, a.realFloorSamples());
        assertTrue(a.realFloorFd() >= 0);
        // resampling with replacement duplicates rows, which only moves FD away from the floor's value here
        assertTrue(a.intervals().get("domain_fd")[1] >= a.realFloorFd() - 1e-9);
        // the real sample lies on its own manifold: precision and recall near 1
        assertTrue(a.intervals().get("precision")[1] > 0.9 && a.intervals().get("recall")[1] > 0.9, a.intervals().toString());
    }
}
