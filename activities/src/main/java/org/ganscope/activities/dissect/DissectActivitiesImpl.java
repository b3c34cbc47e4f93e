package org.ganscope.activities.dissect;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.ganscope.activities.ModelWork;
import org.ganscope.activities.StepRunner;
import org.ganscope.activities.store.ArtifactStore;
import org.ganscope.activities.store.ResultKeys;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.dissect.DissectJson;
import org.ganscope.analysis.dissect.DissectParams;
import org.ganscope.analysis.dissect.EvalShard;
import org.ganscope.analysis.dissect.LayerDissection;
import org.ganscope.analysis.dissect.ThresholdPass;
import org.ganscope.analysis.dissect.Thresholds;
import org.ganscope.analysis.model.LayerModel;
import org.ganscope.db.ShardRunRepository;
import org.ganscope.db.StepRepository;

/** Thin implementation: analysis does the work, the artifact store keeps results, db records them. */
public final class DissectActivitiesImpl implements DissectActivities {
    static final String STEP = "dissect";
    /** How often a running shard writes its progress to PostgreSQL (the heartbeat goes to Temporal every chunk). */
    static final long REPORT_NANOS = 1_000_000_000L;
    /**
     * How often a running shard checkpoints its partial tally to the artifact store. The
     * tallies are exactly mergeable, so a retried attempt (its worker was killed) continues
     * from the last checkpoint its heartbeats reported instead of from image 0.
     */
    static final long CHECKPOINT_NANOS = Math.round(Double.parseDouble(System.getProperty("ganscope.checkpoint-seconds", "5")) * 1e9);
    private final StepRunner runner;
    private final ArtifactStore store;
    private final StepRepository steps;
    private final ShardRunRepository shardRuns;
    private final String worker;

    public DissectActivitiesImpl(ModelWork work) {
        this.runner = new StepRunner(work);
        this.store = work.store();
        this.steps = work.steps();
        this.shardRuns = work.shardRuns();
        this.worker = work.worker();
    }

    @Override
    public String thresholds(DissectTask task) {
        return runner.run(() -> {
            DissectParams p = DissectTasks.params(task);
            String key = ResultKeys.of(task.bundleHash(), "dissect.thresholds/controls", DissectTasks.thresholdParams(task));
            // the step's progress counts the threshold pass as 2 x its images (generating them, then the per-unit
            // selection) before the evaluation images the shards add, so the bar moves in every phase
            long thresholdWork = 2L * p.thresholdSamples();
            long total = thresholdWork + task.samples();
            return StepRunner.Step.<Thresholds>of(STEP, task.experimentId(), task.layer()).bundle(task.bundleHash(), task.bundlePath())
                    .key(key).files(".thr").phase("thresholds")
                    .compute(ctx -> {
                        ctx.progress(0, total);
                        Bundle b = ctx.bundle();
                        AtomicLong lastReport = new AtomicLong(System.nanoTime());
                        ThresholdPass.Report report = (done, of) -> {
                            long now = System.nanoTime();
                            long last = lastReport.get();
                            if (now - last >= REPORT_NANOS && lastReport.compareAndSet(last, now)) {
                                ctx.progress(done, total);
                            }
                        };
                        try (LayerModel m = new LayerModel(b, task.layer(), p.batch())) {
                            return ThresholdPass.run(m, p, report);
                        }
                    })
                    .encode(t -> {
                        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                        t.write(new DataOutputStream(bytes));
                        return Map.of(".thr", bytes.toByteArray());
                    })
                    .decode(files -> null) // the shards and the merge read them by key
                    .persist((t, reused) -> StepRunner.cosmetic("progress of " + STEP + " " + task.layer(),
                            () -> steps.progress(task.experimentId(), STEP, task.layer(), thresholdWork, total)));
        });
    }

    /**
     * One evaluation shard: a part of the dissect step's work, so it is recorded as a shard
     * attempt (not the step's start), and heartbeats itself with the images its last
     * checkpoint covers, from which a retried attempt continues.
     */
    @Override
    public String shard(DissectTask task, String thresholdsKey, int shard) {
        return runner.run(() -> {
            if (shard < 0 || shard >= task.shards()) {
                throw new AnalysisException("shard " + shard + " outside 0.." + (task.shards() - 1));
            }
            String key = ResultKeys.of(task.bundleHash(), "dissect.shard/controls2", DissectTasks.shardParams(task, shard), thresholdsKey);
            int attempt = StepRunner.attempt();
            long start = DissectTasks.shardStart(task, shard);
            long end = DissectTasks.shardStart(task, shard + 1);
            return StepRunner.Step.<EvalShard>of(STEP, task.experimentId(), task.layer()).bundle(task.bundleHash(), task.bundlePath())
                    .key(key).files(".shard").heartbeatsItself()
                    .startedBy(() -> shardRuns.start(task.experimentId(), task.layer(), shard, attempt, worker))
                    .compute(ctx -> evaluate(task, thresholdsKey, shard, attempt, start, end, ctx.bundle()))
                    .encode(total -> {
                        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                        total.write(new DataOutputStream(bytes));
                        return Map.of(".shard", bytes.toByteArray());
                    })
                    .decode(files -> null) // the merge reads it by key
                    .persist((total, reused) -> shardRuns.finish(task.experimentId(), task.layer(), shard, attempt, worker,
                            reused ? 0 : end - start, reused));
        });
    }

    private EvalShard evaluate(DissectTask task, String thresholdsKey, int shard, int attempt, long start, long end, Bundle b) throws Exception {
        DissectParams p = DissectTasks.params(task);
        Thresholds t = readThresholds(thresholdsKey);
        ActivityExecutionContext ctx = Activity.getExecutionContext();
        EvalShard total = new EvalShard(t, b.manifest().numClasses(), p.topK(), p.seed());
        long from = start;
        // a retry: the heartbeats of the attempt before name the images its last checkpoint covers
        long checkpointed = ctx.getHeartbeatDetails(Long.class).orElse(0L);
        if (checkpointed > 0 && checkpointed < end - start) {
            var partial = store.get(partialKey(task, thresholdsKey, shard, checkpointed), ".part");
            if (partial.isPresent()) {
                total = EvalShard.read(new DataInputStream(new ByteArrayInputStream(partial.get())));
                from = start + checkpointed;
                shardRuns.resumed(task.experimentId(), task.layer(), shard, attempt, worker, checkpointed);
            } else {
                checkpointed = 0;
            }
        } else {
            checkpointed = 0;
        }
        long chunk = 4L * p.batch();
        long unreported = 0;
        long lastReport = System.nanoTime();
        long lastCheckpoint = System.nanoTime();
        try (LayerModel m = new LayerModel(b, task.layer(), p.batch())) {
            for (long s = from; s < end; s += chunk) {
                long e = Math.min(end, s + chunk);
                total.merge(EvalShard.run(m, t, p.seed(), s, e, p.topK(), p.batch()));
                if (e < end && System.nanoTime() - lastCheckpoint >= CHECKPOINT_NANOS) {
                    ByteArrayOutputStream part = new ByteArrayOutputStream();
                    total.write(new DataOutputStream(part));
                    store.put(partialKey(task, thresholdsKey, shard, e - start), ".part", part.toByteArray());
                    checkpointed = e - start;
                    lastCheckpoint = System.nanoTime();
                }
                ctx.heartbeat(checkpointed);
                unreported += e - s;
                // progress rows at most once per REPORT_NANOS per shard: at 100 fast workers, per-chunk writes would hammer one row
                if (e == end || System.nanoTime() - lastReport >= REPORT_NANOS) {
                    long advance = unreported;
                    long images = e - start;
                    StepRunner.cosmetic("progress of shard " + shard + " of " + task.layer(), () -> {
                        steps.advance(task.experimentId(), STEP, task.layer(), advance);
                        shardRuns.progress(task.experimentId(), task.layer(), shard, attempt, worker, images);
                    });
                    unreported = 0;
                    lastReport = System.nanoTime();
                }
            }
        }
        return total;
    }

    /** The merge of the shards: always computed (the dissection's rows need the merged tallies), started by the threshold pass. */
    @Override
    public String merge(DissectTask task, String thresholdsKey, List<String> shardKeys) {
        return runner.run(() -> {
            List<String> upstream = new ArrayList<>();
            upstream.add(thresholdsKey);
            upstream.addAll(shardKeys);
            String key = ResultKeys.of(task.bundleHash(), "dissect.merge/controls2", DissectTasks.thresholdParams(task) + ";"
                    + DissectTasks.shardParams(task, 0) + ";shards=" + task.shards(), upstream.toArray(String[]::new));
            return StepRunner.Step.<LayerDissection>of(STEP, task.experimentId(), task.layer()).bundle(task.bundleHash(), task.bundlePath())
                    .key(key).files(".json").phase("merge").alwaysCompute().startedBy(() -> { })
                    .compute(ctx -> {
                        Thresholds t = readThresholds(thresholdsKey);
                        EvalShard merged = null;
                        for (String k : shardKeys) {
                            EvalShard s = EvalShard.read(new DataInputStream(new ByteArrayInputStream(store.get(k, ".shard")
                                    .orElseThrow(() -> new IOException("shard result " + k + " is missing from the artifact store")))));
                            if (merged == null) {
                                merged = s;
                            } else {
                                merged.merge(s);
                            }
                        }
                        if (merged == null) {
                            throw new AnalysisException("no shards to merge");
                        }
                        return LayerDissection.of(ctx.bundle(), DissectTasks.params(task), t, merged);
                    })
                    .encode(d -> Map.of(".json", DissectJson.toJson(d).toPrettyString().getBytes(StandardCharsets.UTF_8)))
                    .persist((d, reused) -> runner.work().results().replaceDissection(task.experimentId(), task.layer(), DissectionRows.units(d),
                            DissectionRows.classCounts(d), DissectionRows.interpretableCounts(d), key));
        });
    }

    /** The content key of a shard's partial tally over its first {@code images} images. */
    private static String partialKey(DissectTask task, String thresholdsKey, int shard, long images) {
        return ResultKeys.of(task.bundleHash(), "dissect.partial/2", DissectTasks.shardParams(task, shard) + ";images=" + images, thresholdsKey);
    }

    private Thresholds readThresholds(String key) throws IOException {
        byte[] bytes = store.get(key, ".thr").orElseThrow(() -> new IOException("thresholds " + key + " are missing from the artifact store"));
        return Thresholds.read(new DataInputStream(new ByteArrayInputStream(bytes)));
    }
}
