package org.ganscope.analysis.dissect;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.ganscope.analysis.model.LayerModel;

/**
 * First pass of a dissection: over the separate threshold seed set, fix one threshold
 * per unit. Quantile mode: the Hazen quantile at 1 - q of the unit's raw activations
 * (SPEC section 2). IQR mode: levels = quantiles of the upsampled activations at 100
 * fractions, counts per label and level, and the IQR-maximising level (SPEC section 4).
 *
 * <p>Holds the threshold set's raw activations (and label maps in IQR mode) in memory:
 * its size is the threshold-set size, independent of the number of evaluation samples.
 * Units are processed in parallel.
 */
public final class ThresholdPass {
    private ThresholdPass() {
    }

    public static Thresholds run(LayerModel model, DissectParams p) {
        var layer = model.layer();
        int units = layer.units();
        int hw = layer.pixels();
        int n = p.thresholdSamples();
        int segPixels = model.segPixels();
        boolean iqr = p.method() == DissectParams.Method.IQR;
        float[] acts = new float[Math.multiplyExact(Math.multiplyExact(n, units), hw)];
        int[] labels = iqr ? new int[Math.multiplyExact(n, segPixels)] : null;
        for (int start = 0; start < n; start += p.batch()) {
            int b = Math.min(p.batch(), n - start);
            if (iqr) {
                model.generate(p.thresholdSeed(), start, b);
                System.arraycopy(model.labels(), 0, labels, start * segPixels, b * segPixels);
            } else {
                model.represent(p.thresholdSeed(), start, b);
            }
            float[] r = model.activations();
            EvalShard.checkFinite(r, b * units * hw, p.thresholdSeed(), start);
            System.arraycopy(r, 0, acts, start * units * hw, b * units * hw);
        }
        if (!iqr) {
            return new Thresholds(Quantiles.thresholds(acts, n, units, hw, p.quantile()), null);
        }
        int res = (int) Math.round(Math.sqrt(segPixels));
        double[][] levels = new double[units][];
        ThreadLocal<double[]> scratch = ThreadLocal.withInitial(() -> new double[n * segPixels]);
        ThreadLocal<double[]> nonZero = ThreadLocal.withInitial(() -> new double[n * segPixels]);
        ThreadLocal<Upsampler> ups = ThreadLocal.withInitial(() -> new Upsampler(layer.height(), layer.width(), res, res));
        IntStream.range(0, units).parallel().forEach(u -> {
            double[] up = scratch.get();
            upsampleUnit(ups.get(), acts, u, units, hw, n, segPixels, up);
            levels[u] = levels(up, nonZero.get());
        });
        LevelTally tally = new LevelTally(levels, model.numClasses());
        IntStream.range(0, units).parallel().forEach(u -> {
            double[] up = scratch.get();
            upsampleUnit(ups.get(), acts, u, units, hw, n, segPixels, up);
            for (int i = 0; i < n; i++) {
                tally.addPlane(u, up, i * segPixels, labels, i * segPixels, segPixels);
            }
        });
        IqrSelection sel = IqrSelection.select(tally);
        return new Thresholds(sel.thresholds(), sel);
    }

    /**
     * The 100 IQR levels of {@code values}, exactly as from a full sort, but sorting only
     * the non-zero values: exact zeros (frequent after ReLU) sit between the negatives and
     * the positives of the sorted sequence.
     */
    static double[] levels(double[] values, double[] buf) {
        int nz = 0;
        for (double v : values) {
            if (v != 0.0) {
                buf[nz++] = v;
            }
        }
        Arrays.sort(buf, 0, nz);
        int zeros = values.length - nz;
        int neg = 0;
        while (neg < nz && buf[neg] < 0) {
            neg++;
        }
        final int negatives = neg;
        return IqrLevels.levels(k -> k < negatives ? buf[k] : k < negatives + zeros ? 0.0 : buf[k - zeros], values.length);
    }

    private static void upsampleUnit(Upsampler up, float[] acts, int u, int units, int hw, int n, int segPixels, double[] out) {
        for (int i = 0; i < n; i++) {
            up.apply(acts, (i * units + u) * hw, out, i * segPixels);
        }
    }
}
