package org.ganscope.analysis.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.ganscope.analysis.TestBundles;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Rendering ahead on a second thread hands over exactly the batches rendering in place gives, in order. */
class RenderAheadTest {
    static Bundle bundle;

    @BeforeAll
    static void load() {
        bundle = BundleLoader.load(TestBundles.demo("outdoor-base-s100"));
    }

    @Test
    void batchesAreThoseOfRenderingInPlaceInPlanOrder() {
        List<RenderAhead.Range> plan = List.of(new RenderAhead.Range(7, 0, 11), new RenderAhead.Range(3, 5, 5),
                new RenderAhead.Range(3, 5, 14));
        try (LayerModel direct = new LayerModel(bundle, "layer3", 4); LayerModel ahead = new LayerModel(bundle, "layer3", 4)) {
            int plane = direct.layer().units() * direct.layer().pixels();
            int seg = direct.segPixels();
            // the smallest budget: two slots, so the producer waits for every release
            try (RenderAhead r = RenderAhead.start(ahead, plan, 4, 0)) {
                assertEquals(2, r.slots());
                int batches = 0;
                for (RenderAhead.Range range : plan) {
                    for (long s = range.start(); s < range.end(); s += 4) {
                        int b = (int) Math.min(4, range.end() - s);
                        direct.generate(range.seed(), s, b);
                        RenderAhead.Batch got = r.next();
                        assertEquals(range.seed(), got.seed());
                        assertEquals(s, got.start());
                        assertEquals(b, got.count());
                        assertArrayEquals(Arrays.copyOf(direct.activations(), b * plane), Arrays.copyOf(got.activations(), b * plane));
                        assertArrayEquals(Arrays.copyOf(direct.labels(), b * seg), Arrays.copyOf(got.labels(), b * seg));
                        r.release(got);
                        batches++;
                    }
                }
                assertEquals(3 + 3, batches);
                assertThrows(IllegalStateException.class, r::next, "past the end of the plan");
            }
        }
    }

    @Test
    void closingEarlyStopsTheProducerAndFreesTheModel() {
        try (LayerModel m = new LayerModel(bundle, "layer3", 2)) {
            try (RenderAhead r = RenderAhead.start(m, List.of(new RenderAhead.Range(1, 0, 1_000_000)), 2, 0)) {
                r.next(); // the producer is now blocked on the second free slot, or rendering it
            }
            m.generate(1, 0, 2); // the model is the caller's again
            assertEquals(2, m.count());
        }
    }

    @Test
    void aBatchLargerThanTheModelIsRefused() {
        try (LayerModel m = new LayerModel(bundle, "layer3", 2)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RenderAhead.start(m, List.of(), 3, 0));
            assertTrue(e.getMessage().contains("outside 1..2"), e.getMessage());
        }
    }

    @Test
    void aRenderingFailureReachesTheConsumer() {
        LayerModel m = new LayerModel(bundle, "layer3", 2);
        m.close(); // every graph run now fails, on the producer's thread
        try (RenderAhead r = RenderAhead.start(m, List.of(new RenderAhead.Range(1, 0, 10)), 2, 0)) {
            assertThrows(RuntimeException.class, r::next);
        }
    }
}
