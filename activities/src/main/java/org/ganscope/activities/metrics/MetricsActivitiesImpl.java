package org.ganscope.activities.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ganscope.activities.ModelWork;
import org.ganscope.activities.StepRunner;
import org.ganscope.activities.store.ResultKeys;
import org.ganscope.analysis.Progress;
import org.ganscope.analysis.metrics.MetricIntervals;
import org.ganscope.analysis.metrics.ReferenceFd;
import org.ganscope.analysis.metrics.ReferenceNetwork;
import org.ganscope.analysis.metrics.SampleMetrics;
import org.ganscope.analysis.zoo.PixelShares;

public final class MetricsActivitiesImpl implements MetricsActivities {
    static final String STEP = "metrics";
    /** The metric name of "FD (EfficientNet-Lite0)" in stored results; "domain_fd" stays the segmenter-feature FD. */
    static final String REFERENCE_FD = "fd_efficientnet_lite0";
    /** How the sample count is named when FD (EfficientNet-Lite0) is refused for too few samples. */
    static final String SAMPLES_FIELD = "the metrics step's samples (the experiment's samples, at most 2000)";
    /** The prefix of the stored pixel shares: {@code pixel_share:GROUP:CLASS|generated}, {@code |generated_ci_lo}, {@code |real}, ... */
    public static final String PIXEL_SHARES = "pixel_share";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final StepRunner runner;

    public MetricsActivitiesImpl(ModelWork work) {
        this.runner = new StepRunner(work);
    }

    @Override
    public String metrics(MetricsTask task) {
        // the same bundle, samples and seed measured before: the stored values are reused
        return runner.run(() -> {
            // the result now also holds the bootstrap intervals and the real floor: its own key, so older stored results are not reused
            // and FD (EfficientNet-Lite0): again its own key (the bundle hash pins the network's hash its statistics were made with)
            String key = ResultKeys.of(task.bundleHash(), STEP, task.params() + ";intervals=" + MetricIntervals.DEFAULT_REPLICATES
                    + ";reference=" + ReferenceNetwork.NAME + ";pixel_shares=" + PIXEL_SHARES);
            return StepRunner.Step.<Map<String, Double>>of(STEP, task.experimentId(), "").bundle(task.bundleHash(), task.bundlePath())
                    .key(key).files(".json")
                    .compute(ctx -> {
                        SampleMetrics.Measured measured = SampleMetrics.measure(ctx.bundle(), task.layer(), new int[0], task.samples(),
                                task.seed(), 32, null, Progress.NONE, MetricIntervals.DEFAULT_REPLICATES, task.seed(), SAMPLES_FIELD);
                        SampleMetrics m = measured.metrics();
                        Map<String, Double> values = new LinkedHashMap<>();
                        // FD on the independent features (EfficientNet-Lite0) with its real floor; NaN (stored as null: n/a) where it
                        // cannot be measured (a bundle without reference_features, 1280 or fewer samples; `ganscope metrics` says why)
                        ReferenceFd ref = measured.reference();
                        values.put(REFERENCE_FD, ref.fd());
                        if (ref.available()) {
                            values.put(REFERENCE_FD + "|real_floor", ref.realFloor());
                            values.put(REFERENCE_FD + "|real_floor_samples", (double) ref.heldOutCount());
                        }
                        values.put("domain_fd", m.domainFd());
                        values.put("swd", m.swd().mean());
                        values.put("precision", m.prdc().precision());
                        values.put("recall", m.prdc().recall());
                        values.put("density", m.prdc().density());
                        values.put("coverage", m.prdc().coverage());
                        // name|variant rows: the 95% bootstrap interval of each metric that has one, and the real floor of domain FD
                        measured.intervals().intervals().forEach((name, ci) -> {
                            values.put(name + "|ci_lo", ci[0]);
                            values.put(name + "|ci_hi", ci[1]);
                        });
                        values.put("domain_fd|real_floor", measured.intervals().realFloorFd());
                        values.put("domain_fd|real_floor_samples", (double) measured.intervals().realFloorSamples());
                        values.put("bootstrap|replicates", (double) measured.intervals().replicates());
                        // what the generator cannot draw: per class of every concept group, generated vs real pixel share with
                        // their 95% bootstrap intervals over images (the real one NaN, stored null, where the manifest gives the share)
                        PixelShares.Counts counts = PixelShares.count(ctx.bundle(), task.samples(), task.seed(), 32, Progress.NONE);
                        for (PixelShares.Share sh : PixelShares.shares(ctx.bundle(), counts)) {
                            String n = PIXEL_SHARES + ":" + sh.group() + ":" + sh.name() + "|";
                            values.put(n + "generated", sh.generated());
                            values.put(n + "generated_ci_lo", sh.generatedLow());
                            values.put(n + "generated_ci_hi", sh.generatedHigh());
                            values.put(n + "real", sh.real());
                            if (!Double.isNaN(sh.realLow())) {
                                values.put(n + "real_ci_lo", sh.realLow());
                                values.put(n + "real_ci_hi", sh.realHigh());
                            }
                        }
                        return values;
                    })
                    .encode(values -> Map.of(".json", toJson(values)))
                    .decode(files -> fromJson(files.get(".json")))
                    .persist((values, reused) -> runner.work().results().replaceMetrics(task.experimentId(), STEP, "", values, key));
        });
    }

    /**
     * The stored result: one JSON object, a field per metric in the order measured, each finite
     * value as Jackson writes a double (the digits of {@link Double#toString(double)}). JSON has
     * no NaN or Infinity, so a non-finite value (e.g. a metric of degenerate samples) is written
     * as {@code null}.
     */
    static byte[] toJson(Map<String, Double> values) throws IOException {
        ObjectNode json = JSON.createObjectNode();
        values.forEach((k, v) -> {
            if (Double.isFinite(v)) {
                json.put(k, v);
            } else {
                json.putNull(k);
            }
        });
        return JSON.writeValueAsBytes(json);
    }

    /** The metrics of a stored result, in its order; a {@code null} (a non-finite value) reads as NaN. */
    static Map<String, Double> fromJson(byte[] json) throws IOException {
        Map<String, Double> values = new LinkedHashMap<>();
        JSON.readTree(json).fields().forEachRemaining(f -> values.put(f.getKey(), f.getValue().isNull() ? Double.NaN : f.getValue().asDouble()));
        return values;
    }
}
