package org.ganscope.analysis.dissect;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.Progress;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.model.LayerModel;
import org.ganscope.analysis.model.RenderAhead;

/**
 * Dissects one layer of a bundle in-process: the threshold pass, then the evaluation
 * samples in {@code shards} consecutive shards, merged. (The experiment workflow runs the
 * same {@link ThresholdPass} and {@link EvalShard}s on any workers and merges them the
 * same way; the merge is exact, so the split never changes the result.)
 */
public final class LayerDissector {
    private LayerDissector() {
    }

    public static LayerDissection dissect(Bundle bundle, DissectParams p, int shards, LongConsumer progress) {
        return dissect(bundle, p, shards, progress, Progress.NONE);
    }

    /** As above, also reporting each phase's images and units to {@code phases}. */
    public static LayerDissection dissect(Bundle bundle, DissectParams p, int shards, LongConsumer progress, Progress phases) {
        bundle.layer(p.layer());
        try (LayerModel model = new LayerModel(bundle, p.layer(), p.batch())) {
            return dissect(model, p, shards, progress, phases);
        }
    }

    /** As above on an open model (sessions reused; its batch size must be at least {@code p.batch()}). */
    public static LayerDissection dissect(LayerModel model, DissectParams p, int shards, LongConsumer progress) {
        return dissect(model, p, shards, progress, Progress.NONE);
    }

    /** As above on an open model, reporting phases to {@code phases}. */
    public static LayerDissection dissect(LayerModel model, DissectParams p, int shards, LongConsumer progress, Progress phases) {
        if (shards < 1 || shards > p.samples()) {
            throw new AnalysisException("shards must be between 1 and the number of samples (" + p.samples() + "), got " + shards);
        }
        if (model.maxBatch() < p.batch() || !model.layer().name().equals(p.layer())) {
            throw new IllegalArgumentException("model is for " + model.layer().name() + " with batch " + model.maxBatch());
        }
        // one render-ahead over the threshold set and then every shard, each in its own batches
        // (exactly those of running them one by one): the evaluation samples render while the
        // threshold statistics are computed, and each batch is counted while the next renders
        List<RenderAhead.Range> plan = new ArrayList<>();
        plan.add(ThresholdPass.range(p));
        for (int k = 0; k < shards; k++) {
            plan.add(new RenderAhead.Range(p.seed(), shardStart(p.samples(), shards, k), shardStart(p.samples(), shards, k + 1)));
        }
        try (RenderAhead ahead = RenderAhead.start(model, plan, p.batch())) {
            Thresholds t = ThresholdPass.run(ahead, p, phases);
            phases.begin("evaluation", p.samples(), "img");
            EvalShard total = null;
            for (int k = 0; k < shards; k++) {
                RenderAhead.Range r = plan.get(k + 1);
                EvalShard s = EvalShard.run(ahead, t, p.seed(), r.start(), r.end(), p.topK(), phases);
                if (total == null) {
                    total = s;
                } else {
                    total.merge(s);
                }
                progress.accept(r.end());
            }
            phases.end();
            return LayerDissection.of(model.bundle(), p, t, total);
        }
    }

    /** First sample of shard {@code k} of {@code shards} over {@code n} samples (near-equal shards). */
    public static long shardStart(long n, int shards, int k) {
        return n * k / shards;
    }
}
