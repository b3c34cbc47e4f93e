package org.ganscope.analysis.reproduce;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.ganscope.analysis.dissect.Quantiles;

/**
 * Percentile interval of a ratio of sums over clusters (images), resampling whole clusters:
 * the statistic is {@code sum_i num_i / sum_i den_i} (e.g. the summed insertion effect of an
 * image's tiles in one context over their number), and a replicate draws N images with
 * replacement (uniform indices from a generator seeded by {@code seed}), so the tiles of one
 * image stay together and their correlation widens the interval as it should. Replicates whose
 * denominator is 0 are left out. Interval: the Hazen quantiles (SPEC section 2) of the replicates.
 */
public final class ClusterBootstrap {
    /** {@code point}: the statistic on all images; {@code low}, {@code high}: the interval; {@code replicates}: those used. */
    public record Interval(double point, double low, double high, int replicates) {
    }

    private ClusterBootstrap() {
    }

    /** The replicate statistics (NaN where a replicate's denominator is 0), in draw order. */
    public static double[] replicates(double[] num, double[] den, int replicates, long seed) {
        int n = num.length;
        if (den.length != n) {
            throw new IllegalArgumentException("num and den have different lengths");
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] out = new double[replicates];
        for (int b = 0; b < replicates; b++) {
            double s = 0;
            double d = 0;
            for (int k = 0; k < n; k++) {
                int i = rnd.nextInt(n);
                s += num[i];
                d += den[i];
            }
            out[b] = d == 0 ? Double.NaN : s / d;
        }
        return out;
    }

    /** The {@code level} (e.g. 0.95) two-sided percentile interval; NaNs when no image has a denominator. */
    public static Interval interval(double[] num, double[] den, int replicates, long seed, double level) {
        double sn = 0;
        double sd = 0;
        for (int i = 0; i < num.length; i++) {
            sn += num[i];
            sd += den[i];
        }
        if (sd == 0) {
            return new Interval(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double[] r = Arrays.stream(replicates(num, den, replicates, seed)).filter(v -> !Double.isNaN(v)).sorted().toArray();
        double a = (1 - level) / 2;
        return new Interval(sn / sd, Quantiles.hazen(r, a), Quantiles.hazen(r, 1 - a), r.length);
    }
}
