package org.ganscope.analysis.dissect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.ganscope.analysis.TestBundles;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.model.LayerModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sparse counting kernel against the reference tally, on real generator activations. */
class EvalShardTest {
    static Bundle bundle;

    @BeforeAll
    static void load() {
        bundle = BundleLoader.load(TestBundles.demo("outdoor-base-s100"));
    }

    private static void assertSameCounts(ThresholdTally want, ThresholdTally got) {
        for (int u = 0; u < want.units(); u++) {
            for (int l = 0; l < want.numClasses(); l++) {
                assertEquals(want.intersection(u, l), got.intersection(u, l), "unit " + u + " label " + l);
                assertEquals(want.labelCount(u, l), got.labelCount(u, l));
            }
        }
    }

    @Test
    void kernelCountsExactlyWhatTheReferenceCounts() {
        for (String layer : new String[] {"layer2", "layer3", "layer4"}) {
            try (LayerModel m = new LayerModel(bundle, layer, 6)) {
                var l = m.layer();
                m.generate(5, 0, 6);
                float[] r = m.activations().clone();
                int[] labels = m.labels().clone();
                int res = 64;
                ArrayDissection ref = ArrayDissection.of(java.util.Arrays.copyOf(r, 6 * l.units() * l.pixels()), 6, l.units(),
                        l.height(), l.width(), java.util.Arrays.copyOf(labels, 6 * res * res), res, res, m.numClasses());
                // quantile thresholds are raw activation values: exact ties with upsampled values do occur
                for (double q : new double[] {0.2, 0.01}) {
                    double[] thr = ref.quantileThresholds(q);
                    ThresholdTally want = ref.tally(thr);
                    EvalShard shard = new EvalShard(thr, m.numClasses(), 3);
                    shard.add(new EvalShard.Kernel(l.height(), l.width(), res), r, labels, 6, 0);
                    assertSameCounts(want, shard.tally());
                }
            }
        }
    }

    @Test
    void sevenShardsMergeToExactlyOnePass() throws IOException {
        try (LayerModel m = new LayerModel(bundle, "layer3", 8)) {
            double[] thr = new double[m.layer().units()];
            java.util.Arrays.fill(thr, 0.5);
            EvalShard one = EvalShard.run(m, thr, 11, 0, 35, 5, 8);
            EvalShard merged = null;
            for (int k = 0; k < 7; k++) {
                EvalShard s = EvalShard.run(m, thr, 11, LayerDissector.shardStart(35, 7, k), LayerDissector.shardStart(35, 7, k + 1), 5, 8);
                // through the binary checkpoint format, as a workflow would store it
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                s.write(new DataOutputStream(bytes));
                s = EvalShard.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
                if (merged == null) {
                    merged = s;
                } else {
                    merged.merge(s);
                }
            }
            assertEquals(35, merged.images());
            assertSameCounts(one.tally(), merged.tally());
            assertArrayEquals(one.classPixels(), merged.classPixels());
            for (int u = 0; u < m.layer().units(); u++) {
                assertArrayEquals(one.topK().indices(u), merged.topK().indices(u));
                assertArrayEquals(one.topK().values(u), merged.topK().values(u));
            }
            assertTrue(one.tally().activeCount(0) >= 0);
        }
    }

    @Test
    void thresholdPassEqualsTheReferenceOnTheSameSamples() {
        for (DissectParams.Method method : DissectParams.Method.values()) {
            DissectParams p = DissectParams.defaults("layer3", 10, 0).withThresholdSet(20, 9).withMethod(method, 0.01).withBatch(7);
            try (LayerModel m = new LayerModel(bundle, "layer3", 20)) {
                Thresholds t = ThresholdPass.run(m, p);
                m.generate(9, 0, 20);
                var l = m.layer();
                ArrayDissection ref = ArrayDissection.of(java.util.Arrays.copyOf(m.activations(), 20 * l.units() * l.pixels()), 20,
                        l.units(), l.height(), l.width(), java.util.Arrays.copyOf(m.labels(), 20 * 64 * 64), 64, 64, m.numClasses());
                if (method == DissectParams.Method.QUANTILE) {
                    assertArrayEquals(ref.quantileThresholds(0.01), t.values());
                } else {
                    IqrSelection want = ref.iqr().selection();
                    assertArrayEquals(want.thresholds(), t.values());
                    assertArrayEquals(want.bestLabel(), t.selection().bestLabel());
                    for (int u = 0; u < l.units(); u++) {
                        assertArrayEquals(want.levels()[u], t.selection().levels()[u]);
                        assertArrayEquals(want.maxIqr()[u], t.selection().maxIqr()[u]);
                    }
                }
            }
        }
    }
}
