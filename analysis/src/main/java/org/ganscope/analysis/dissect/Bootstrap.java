package org.ganscope.analysis.dissect;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The Poisson bootstrap over evaluation images (Hanley and MacGibbon 2006; Chamandy et al.
 * 2012): replicate {@code b} gives image {@code i} the weight {@code w[b][i] ~ Poisson(1)},
 * drawn from a generator seeded by (evaluation seed, image index) only. Each replicate
 * accumulates weighted per-image counts (longs), so the replicates are exact, deterministic
 * and merge across shards by addition whatever the split. Statistics of a replicate are
 * computed from its weighted counts exactly as the point estimate is from the plain counts;
 * intervals are the 2.5% and 97.5% Hazen quantiles (SPEC section 2) of the replicate values.
 */
public final class Bootstrap {
    /** Replicates kept per dissection. */
    public static final int REPLICATES = 200;
    /** Two-sided 95% percentile interval. */
    public static final double LOW = 0.025;
    public static final double HIGH = 0.975;
    private static final long SALT = 0x6f5c2a1d9b3e7f41L;
    private static final double[] CDF = poissonCdf();

    private Bootstrap() {
    }

    /** Fills {@code w[0..replicates)} with the weights of image {@code index} of evaluation seed {@code seed}. */
    public static void weights(long seed, long index, int[] w) {
        SplittableRandom r = new SplittableRandom(mix(mix(seed ^ SALT) + index));
        for (int b = 0; b < w.length; b++) {
            w[b] = poisson1(r.nextDouble());
        }
    }

    /** Poisson(1) by inversion of its CDF at {@code u in [0,1)}. */
    static int poisson1(double u) {
        int k = 0;
        while (k < CDF.length - 1 && u >= CDF[k]) {
            k++;
        }
        return k;
    }

    private static double[] poissonCdf() {
        double[] cdf = new double[20];
        double p = Math.exp(-1);
        double s = 0;
        for (int k = 0; k < cdf.length; k++) {
            s += p;
            cdf[k] = s;
            p /= k + 1;
        }
        cdf[cdf.length - 1] = 1.0;
        return cdf;
    }

    private static long mix(long z) { // SplitMix64 finaliser
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** The {@code [LOW, HIGH]} percentile interval of replicate values (not modified). */
    public static double[] interval(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return new double[] {Quantiles.hazen(s, LOW), Quantiles.hazen(s, HIGH)};
    }

    /** The lower {@code LOW} Hazen quantile of replicate values. */
    public static double lower(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return Quantiles.hazen(s, LOW);
    }
}
