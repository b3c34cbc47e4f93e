package org.ganscope.analysis.dissect;

import org.ganscope.analysis.AnalysisException;

/**
 * Parameters of one layer's dissection.
 *
 * @param layer layer name in the bundle
 * @param samples evaluation samples (indices 0..samples-1 of {@code seed})
 * @param seed evaluation seed
 * @param thresholdSamples samples of the separate threshold set
 * @param thresholdSeed seed of the threshold set (must differ from {@code seed})
 * @param method IQR-maximising thresholds (paper) or a fixed upper quantile (NetDissect)
 * @param quantile upper tail fraction in quantile mode (0.01 = top 1%)
 * @param topK sample indices kept per unit by maximum activation
 * @param batch inference batch size
 */
public record DissectParams(String layer, int samples, long seed, int thresholdSamples, long thresholdSeed,
        Method method, double quantile, int topK, int batch) {

    public enum Method { IQR, QUANTILE }

    public static final int MAX_SAMPLES = 10_000_000;
    public static final int MAX_THRESHOLD_SAMPLES = 5_000;

    public DissectParams {
        if (layer == null || layer.isBlank()) {
            throw new AnalysisException("a layer name is required");
        }
        if (samples < 1 || samples > MAX_SAMPLES) {
            throw new AnalysisException("samples must be between 1 and " + MAX_SAMPLES + ", got " + samples);
        }
        if (thresholdSamples < 1 || thresholdSamples > MAX_THRESHOLD_SAMPLES) {
            throw new AnalysisException("threshold samples must be between 1 and " + MAX_THRESHOLD_SAMPLES + ", got " + thresholdSamples);
        }
        if (thresholdSeed == seed) {
            throw new AnalysisException("the threshold seed must differ from the evaluation seed (" + seed + ")");
        }
        if (!(quantile > 0 && quantile < 1)) {
            throw new AnalysisException("quantile must be in (0, 1), got " + quantile);
        }
        if (topK < 1 || topK > 100) {
            throw new AnalysisException("top-k must be between 1 and 100, got " + topK);
        }
        if (batch < 1 || batch > 512) {
            throw new AnalysisException("batch must be between 1 and 512, got " + batch);
        }
    }

    /** Defaults: IQR thresholds from 500 samples of seed+1, top 1% in quantile mode, 8 top images, batch 16. */
    public static DissectParams defaults(String layer, int samples, long seed) {
        return new DissectParams(layer, samples, seed, Math.min(samples, 500), seed + 1, Method.IQR, 0.01, 8, 16);
    }

    public DissectParams withMethod(Method m, double q) {
        return new DissectParams(layer, samples, seed, thresholdSamples, thresholdSeed, m, q, topK, batch);
    }

    public DissectParams withThresholdSet(int n, long s) {
        return new DissectParams(layer, samples, seed, n, s, method, quantile, topK, batch);
    }

    public DissectParams withBatch(int b) {
        return new DissectParams(layer, samples, seed, thresholdSamples, thresholdSeed, method, quantile, topK, b);
    }

    public DissectParams withTopK(int k) {
        return new DissectParams(layer, samples, seed, thresholdSamples, thresholdSeed, method, quantile, k, batch);
    }
}
