package org.ganscope.workflows.experiment;

import java.util.List;
import org.ganscope.activities.artifacts.ArtifactsTask;
import org.ganscope.activities.dissect.DissectTask;
import org.ganscope.activities.explain.ExplainTask;
import org.ganscope.activities.intervene.InterveneTask;
import org.ganscope.activities.metrics.MetricsTask;
import org.ganscope.activities.optimize.OptimizeTask;

/**
 * What an experiment runs (the workflow input): IDs, the bundle's hash and path, and
 * parameters only. Steps offered: dissect (per layer, sharded), metrics, explain (per layer),
 * intervene and optimize (per layer, for the classes of interest; need dissect), artifacts
 * (per layer); {@code steps} null
 * (specs stored before steps were selectable) means dissect only; {@code classes} null
 * (stored before classes of interest existed) means none.
 */
public record ExperimentSpec(long experimentId, String bundleHash, String bundlePath, List<String> layers, int samples,
        long seed, int thresholdSamples, long thresholdSeed, String method, double quantile, int topK, int batch, int shards,
        List<String> steps, List<String> classes) {

    public static final List<String> STEPS = List.of("dissect", "metrics", "explain", "intervene", "optimize", "artifacts");

    /** Without classes of interest. */
    public ExperimentSpec(long experimentId, String bundleHash, String bundlePath, List<String> layers, int samples, long seed,
            int thresholdSamples, long thresholdSeed, String method, double quantile, int topK, int batch, int shards, List<String> steps) {
        this(experimentId, bundleHash, bundlePath, layers, samples, seed, thresholdSamples, thresholdSeed, method, quantile, topK, batch,
                shards, steps, null);
    }

    public ExperimentSpec withId(long id) {
        return new ExperimentSpec(id, bundleHash, bundlePath, layers, samples, seed, thresholdSamples, thresholdSeed, method, quantile, topK,
                batch, shards, steps, classes);
    }

    public List<String> classesOfInterest() {
        return classes == null ? List.of() : classes;
    }

    /** Ablation curves and insertion on min(samples, 200) images of another seed than the dissection's. */
    public InterveneTask interveneTask(String layer, String dissectKey) {
        return new InterveneTask(experimentId, bundleHash, bundlePath, layer, dissectKey,
                classesOfInterest(), Math.min(samples, 200), seed + 2000);
    }

    public boolean runs(String step) {
        return steps == null ? step.equals("dissect") : steps.contains(step);
    }

    /** Alpha optimisation on min(samples, 64) training and held-out images of another seed. */
    public OptimizeTask optimizeTask(String layer, String dissectKey) {
        return new OptimizeTask(experimentId, bundleHash, bundlePath, layer, dissectKey, classesOfInterest(),
                samples, seed + 3000);
    }

    public ArtifactsTask artifactsTask(String layer) {
        return new ArtifactsTask(experimentId, bundleHash, bundlePath, layer, samples, seed + 4000);
    }

    public ExplainTask explainTask(String layer) {
        return new ExplainTask(experimentId, bundleHash, bundlePath, layer, Math.min(samples, 2000), seed,
                0.005, 5, 3);
    }

    /**
     * The explain task at the dissection's own unit thresholds ({@code dissectKey}: the layer's
     * dissect result), on the first min(samples, 2000) of the dissection's evaluation images.
     */
    public ExplainTask explainTask(String layer, String dissectKey) {
        return new ExplainTask(experimentId, bundleHash, bundlePath, layer, Math.min(samples, 2000), seed,
                0.005, 5, 3, dissectKey);
    }

    public MetricsTask metricsTask() {
        return new MetricsTask(experimentId, bundleHash, bundlePath, layers.get(0),
                Math.min(samples, 2000), seed + 1000);
    }

    public DissectTask dissectTask(String layer) {
        return new DissectTask(experimentId, bundleHash, bundlePath, layer, samples, seed, thresholdSamples, thresholdSeed,
                method, quantile, topK, batch, shards);
    }
}
