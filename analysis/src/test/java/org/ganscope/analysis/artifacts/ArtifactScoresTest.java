package org.ganscope.analysis.artifacts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ganscope.analysis.TestBundles;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.junit.jupiter.api.Test;

class ArtifactScoresTest {
    @Test
    void scoresAreFiniteDeterministicAndRankedWorstFirst() {
        Bundle b = BundleLoader.load(TestBundles.demo("outdoor-base-s100"));
        ArtifactScores.Result a = ArtifactScores.compute(b, "layer2", 60, 4, 10, 16);
        ArtifactScores.Result again = ArtifactScores.compute(b, "layer2", 60, 4, 10, 32);
        assertArrayEquals(a.scores(), again.scores(), 0.0);
        assertEquals(128, a.worstFirst().length);
        for (int i = 1; i < a.worstFirst().length; i++) {
            assertTrue(a.scores()[a.worstFirst()[i - 1]] >= a.scores()[a.worstFirst()[i]]);
        }
        for (double s : a.scores()) {
            assertTrue(Double.isFinite(s) && s >= -1e-9, "score " + s);
        }
        int[] w = ArtifactScores.worst(a, 5);
        assertEquals(5, w.length);
    }
}
