package org.ganscope.activities.dissect;

import java.util.Locale;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.dissect.DissectParams;
import org.ganscope.analysis.dissect.LayerDissector;

/**
 * Everything a dissect activity needs, by value and small (workflow payloads carry IDs,
 * keys and parameters only, never tensors).
 */
public record DissectTask(long experimentId, String bundleHash, String bundlePath, String layer, int samples, long seed,
        int thresholdSamples, long thresholdSeed, String method, double quantile, int topK, int batch, int shards) {

    public DissectParams params() {
        DissectParams.Method m = switch (method.toLowerCase(Locale.ROOT)) {
            case "iqr" -> DissectParams.Method.IQR;
            case "quantile" -> DissectParams.Method.QUANTILE;
            default -> throw new AnalysisException("unknown dissection method '" + method + "' (iqr or quantile)");
        };
        return new DissectParams(layer, samples, seed, thresholdSamples, thresholdSeed, m, quantile, topK, batch);
    }

    /** The parameters that determine the thresholds, canonically (result keys hash this). */
    public String thresholdParams() {
        return String.format(Locale.ROOT, "layer=%s;n=%d;seed=%d;method=%s;q=%s", layer, thresholdSamples, thresholdSeed,
                method.toLowerCase(Locale.ROOT), Double.toString(quantile));
    }

    /** The parameters of evaluation shard {@code k}, canonically. */
    public String shardParams(int k) {
        return String.format(Locale.ROOT, "layer=%s;from=%d;to=%d;seed=%d;topk=%d", layer, shardStart(k), shardStart(k + 1), seed, topK);
    }

    public long shardStart(int k) {
        return LayerDissector.shardStart(samples, shards, k);
    }
}
