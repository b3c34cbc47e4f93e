package org.ganscope.analysis.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MomentAccumulatorTest {
    @Test
    void shardsMergeToTheTwoPassStatistics() {
        Random r = new Random(3);
        int n = 1000;
        int d = 6;
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (1000 + r.nextGaussian() * (1 + i % d)); // a large offset: naive sums would lose digits
        }
        Frechet.Stats ref = Frechet.Stats.of(x, n, d);
        MomentAccumulator all = new MomentAccumulator(d);
        int[] cuts = {0, 1, 137, 400, 401, 999, 1000};
        for (int k = 0; k + 1 < cuts.length; k++) {
            MomentAccumulator shard = new MomentAccumulator(d);
            for (int row = cuts[k]; row < cuts[k + 1]; row++) {
                shard.add(x, row * d);
            }
            all.merge(shard);
        }
        assertEquals(n, all.count());
        for (int i = 0; i < d; i++) {
            assertEquals(ref.mean()[i], all.mean()[i], 1e-9 * Math.abs(ref.mean()[i]));
            for (int j = 0; j < d; j++) {
                assertEquals(ref.cov()[i][j], all.cov()[i][j], 1e-9 * (1 + Math.abs(ref.cov()[i][j])));
            }
        }
    }
}
