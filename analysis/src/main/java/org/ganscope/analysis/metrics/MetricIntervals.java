package org.ganscope.analysis.metrics;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Uncertainty and reference values for the sample metrics. Intervals: a seeded bootstrap
 * over the generated samples (each replicate draws as many generated feature rows with
 * replacement; the real statistics and real sample stay fixed), the 2.5% and 97.5%
 * percentiles of the replicates' domain FD and precision/recall/density/coverage.
 * Reference: the real floor, the domain FD of the bundle's own shipped real sample against
 * the real statistics, i.e. what a generator indistinguishable from the real data scores with
 * that many samples (FD is biased upwards at finite n, so 0 is not the null value).
 */
public record MetricIntervals(Map<String, double[]> intervals, double realFloorFd, int realFloorSamples, int replicates) {
    public static final int DEFAULT_REPLICATES = 40;

    /**
     * @param fake generated features [samples][dim]; PRDC replicates use the first
     *     min(samples, real sample count) rows, as {@link SampleMetrics} does
     */
    public static MetricIntervals bootstrap(RealFeatures real, float[] fake, int samples, int replicates, long seed) {
        int dim = real.dim();
        int nPrdc = Math.min(samples, real.sampleCount());
        double[][] values = new double[5][replicates];
        SplittableRandom rng = new SplittableRandom(seed);
        float[] rows = new float[samples * dim];
        float[] prdcRows = new float[nPrdc * dim];
        for (int r = 0; r < replicates; r++) {
            for (int i = 0; i < samples; i++) {
                System.arraycopy(fake, rng.nextInt(samples) * dim, rows, i * dim, dim);
            }
            MomentAccumulator m = new MomentAccumulator(dim);
            m.addAll(rows, samples);
            values[0][r] = Frechet.distance(real.mean(), real.cov(), m.mean(), m.cov());
            for (int i = 0; i < nPrdc; i++) {
                System.arraycopy(fake, rng.nextInt(nPrdc) * dim, prdcRows, i * dim, dim);
            }
            Prdc p = Prdc.compute(real.sample(), real.sampleCount(), prdcRows, nPrdc, dim, Prdc.DEFAULT_K);
            values[1][r] = p.precision();
            values[2][r] = p.recall();
            values[3][r] = p.density();
            values[4][r] = p.coverage();
        }
        String[] names = {"domain_fd", "precision", "recall", "density", "coverage"};
        Map<String, double[]> out = new LinkedHashMap<>();
        for (int k = 0; k < names.length; k++) {
            out.put(names[k], percentiles(values[k]));
        }
        MomentAccumulator realMoments = new MomentAccumulator(dim);
        realMoments.addAll(real.sample(), real.sampleCount());
        double floor = Frechet.distance(real.mean(), real.cov(), realMoments.mean(), realMoments.cov());
        return new MetricIntervals(out, floor, real.sampleCount(), replicates);
    }

    /** The 2.5% and 97.5% percentiles (linear interpolation between order statistics). */
    static double[] percentiles(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return new double[] {at(s, 0.025), at(s, 0.975)};
    }

    private static double at(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
