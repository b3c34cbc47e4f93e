package org.ganscope.analysis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.ganscope.analysis.TestBundles;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.metrics.Prdc;
import org.ganscope.analysis.metrics.ReferenceFd;
import org.ganscope.analysis.metrics.SampleMetrics;
import org.ganscope.analysis.metrics.SlicedWasserstein;
import org.ganscope.analysis.zoo.ZooCheck;
import org.junit.jupiter.api.Test;

/** What `metrics --bundle` and `zoo check` print: both FDs, each named by its features, measured or n/a with the reason. */
class MetricsOutputTest {
    private static final ReferenceFd MEASURED = new ReferenceFd(218.2118, 4.7527, 2000, 2000, 2000, null);
    private static final ReferenceFd NA = ReferenceFd.notAvailable("bundle x has no reference_features");

    private static SampleMetrics.Measured measured(ReferenceFd ref) {
        return new SampleMetrics.Measured(new SampleMetrics(1.8972, new Prdc(0.086, 0.002, 0.0176, 0.014),
                new SlicedWasserstein.Result(new double[] {62.671, 91.09, 89.67}, 81.15), 2000), null, ref);
    }

    @Test
    void metricsLineNamesBothFeatureSpaces() {
        assertEquals("outdoor-mbstd-s100: 2000 samples (seed 0): FD (EfficientNet-Lite0) 218.2118 (real floor 4.7527, 2000 held-out real images), "
                        + "domain FD (segmenter features) 1.8972, SWD 81.15 (x1e3, per level [62.67, 91.09, 89.67]), precision 0.0860, "
                        + "recall 0.0020, density 0.0176, coverage 0.0140 (PRDC on segmenter features) (1.5 s)",
                MetricsCommand.line("outdoor-mbstd-s100", 2000, 0, "", measured(MEASURED), "domain FD (segmenter features)", "segmenter features", 1.5));
        assertEquals("b: 64 samples (seed 1): FD (EfficientNet-Lite0) n/a (bundle x has no reference_features), domain FD (segmenter features) "
                        + "1.8972, SWD 81.15 (x1e3, per level [62.67, 91.09, 89.67]), precision 0.0860, recall 0.0020, density 0.0176, "
                        + "coverage 0.0140 (PRDC on segmenter features) (0.2 s)",
                MetricsCommand.line("b", 64, 1, "", measured(NA), "domain FD (segmenter features)", "segmenter features", 0.2));
    }

    @Test
    void zooCheckHeadlineNamesBothFeatureSpaces() {
        Bundle b = BundleLoader.load(TestBundles.demo("outdoor-base-s100"));
        List<ZooCheck.ClassShare> shares = List.of(new ZooCheck.ClassShare("main", "sky", "object", 0.3, 0.3));
        assertEquals("outdoor-base-s100 (schema 2): 2000 samples of seed 0, FD (EfficientNet-Lite0) 218.2118 (real floor 4.7527, 2000 held-out "
                        + "real images), domain FD (segmenter features) 1.8972, main classes in [0.5, 2.0]: 1 of 1, min ratio 1.000",
                ZooCommand.CheckZoo.headline(b, new ZooCheck.Result("outdoor-base-s100", 2000, 0, shares, 1.8972, MEASURED)));
        assertEquals("outdoor-base-s100 (schema 2): 2000 samples of seed 0, FD (EfficientNet-Lite0) n/a (bundle x has no reference_features), "
                        + "domain FD (segmenter features) 1.8972, main classes in [0.5, 2.0]: 1 of 1, min ratio 1.000",
                ZooCommand.CheckZoo.headline(b, new ZooCheck.Result("outdoor-base-s100", 2000, 0, shares, 1.8972, NA)));
    }
}
