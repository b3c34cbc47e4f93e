package org.ganscope.analysis.artifacts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.TestBundles;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.metrics.Frechet;
import org.ganscope.analysis.metrics.GeneratedFeatures;
import org.ganscope.analysis.metrics.RealFeatures;
import org.ganscope.analysis.metrics.SampleMetrics;
import org.junit.jupiter.api.Test;

class CausalArtifactsTest {
    private static final Bundle B = BundleLoader.load(TestBundles.demo("outdoor-base-s100"));

    @Test
    void domainFdOfEachSetEqualsTheFdOfItsOwnGeneratedFeatures() {
        RealFeatures real = RealFeatures.of(B);
        int[][] sets = {new int[0], {3}, {0, 7, 90}};
        double[] fd = CausalArtifacts.domainFds(B, "layer3", real, sets, 12, 5, 5);
        for (int k = 0; k < sets.length; k++) {
            float[] f = GeneratedFeatures.compute(B, "layer3", sets[k], 12, 5, 4);
            Frechet.Stats st = Frechet.Stats.of(f, 12, real.dim());
            assertEquals(Frechet.distance(real.mean(), real.cov(), st.mean(), st.cov()), fd[k], 1e-6 * Math.abs(fd[k]), "set " + k);
        }
        assertEquals(SampleMetrics.compute(B, "layer3", new int[0], 12, 5, 5).domainFd(), fd[0], 1e-9 * fd[0]);
    }

    @Test
    void pValueCountsRandomDrawsAtOrBelowTheWorstSet() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int t = 0; t < 200; t++) {
            double[] draws = new double[rnd.nextInt(0, 8)];
            for (int i = 0; i < draws.length; i++) {
                draws[i] = rnd.nextInt(0, 5);
            }
            double v = rnd.nextInt(0, 5);
            long le = Arrays.stream(draws).filter(d -> d <= v).count();
            assertEquals((1.0 + le) / (1.0 + draws.length), CausalArtifacts.pValueLower(v, draws), 0.0);
        }
    }

    @Test
    void rankPutsTheMostHelpfulAblationFirstAndBreaksTiesByIndex() {
        assertArrayEquals(new int[] {2, 0, 3, 1}, CausalArtifacts.rank(new double[] {-0.1, 0.5, -0.3, -0.1}));
    }

    @Test
    void studyIsDeterministicItsWorstSetIsTheMostNegativeEffectsAndValidationUsesTheHeldOutSeed() {
        CausalArtifacts.Params p = new CausalArtifacts.Params(8, 21, 10, 31, new int[] {2, 500}, 3, 4);
        CausalArtifacts.Result a = CausalArtifacts.run(B, "layer3", p, s -> { });
        CausalArtifacts.Result again = CausalArtifacts.run(B, "layer3", p, s -> { });
        assertArrayEquals(a.effect(), again.effect(), 0.0);
        int units = B.layer("layer3").units();
        assertEquals(units, a.effect().length);
        assertEquals(1, a.validation().size(), "n beyond the layer's units is dropped");
        CausalArtifacts.Validation v = a.validation().get(0);
        int[] two = {a.worstFirst()[0], a.worstFirst()[1]};
        Arrays.sort(two);
        assertArrayEquals(two, v.units());
        for (int u = 0; u < units; u++) {
            assertTrue(a.effect()[u] >= a.effect()[a.worstFirst()[0]]);
        }
        RealFeatures real = RealFeatures.of(B);
        double[] brute = CausalArtifacts.domainFds(B, "layer3", real, new int[][] {new int[0], {two[0]}, v.units()}, 10, 31, 4);
        assertEquals(brute[0], a.validateBaseFd(), 0.0);
        assertEquals(brute[2], v.worstFd(), 0.0);
        double[] score = CausalArtifacts.domainFds(B, "layer3", real, new int[][] {new int[0], {two[0]}}, 8, 21, 4);
        assertEquals(score[1] - score[0], a.effect()[two[0]], 0.0);
        assertEquals(3, v.randomFd().length);
        assertEquals(CausalArtifacts.pValueLower(v.worstFd(), v.randomFd()), v.pValue(), 0.0);
    }

    @Test
    void refusesAValidationSeedEqualToTheScoringSeed() {
        var e = assertThrows(AnalysisException.class, () -> new CausalArtifacts.Params(8, 21, 10, 21, new int[] {2}, 3, 4));
        assertTrue(e.getMessage().contains("validateSeed"), e.getMessage());
    }
}
