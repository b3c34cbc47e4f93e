package org.ganscope.activities.dissect;

import java.util.Locale;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.dissect.DissectParams;
import org.ganscope.analysis.dissect.LayerDissector;

/** What a {@link DissectTask} means to the engine: its parameters, the canonical strings its result keys hash, its shard bounds. */
public final class DissectTasks {
    private DissectTasks() {
    }

    public static DissectParams params(DissectTask task) {
        DissectParams.Method m = switch (task.method().toLowerCase(Locale.ROOT)) {
            case "iqr" -> DissectParams.Method.IQR;
            case "quantile" -> DissectParams.Method.QUANTILE;
            default -> throw new AnalysisException("unknown dissection method '" + task.method() + "' (iqr or quantile)");
        };
        return new DissectParams(task.layer(), task.samples(), task.seed(), task.thresholdSamples(), task.thresholdSeed(), m, task.quantile(),
                task.topK(), task.batch());
    }

    /**
     * The parameters that determine the thresholds, canonically (result keys hash this). The
     * batch is among them: the generator runs batched, and a batch size may change a float's last bits.
     */
    public static String thresholdParams(DissectTask task) {
        return String.format(Locale.ROOT, "layer=%s;n=%d;seed=%d;method=%s;q=%s;batch=%d", task.layer(), task.thresholdSamples(),
                task.thresholdSeed(), task.method().toLowerCase(Locale.ROOT), Double.toString(task.quantile()), task.batch());
    }

    /** The parameters of evaluation shard {@code k}, canonically (with the batch, as the thresholds'). */
    public static String shardParams(DissectTask task, int k) {
        return String.format(Locale.ROOT, "layer=%s;from=%d;to=%d;seed=%d;topk=%d;batch=%d", task.layer(), shardStart(task, k),
                shardStart(task, k + 1), task.seed(), task.topK(), task.batch());
    }

    public static long shardStart(DissectTask task, int k) {
        return LayerDissector.shardStart(task.samples(), task.shards(), k);
    }
}
