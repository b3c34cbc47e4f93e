package org.ganscope.workflows.experiment;

import java.util.List;
import java.util.Objects;
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
 * (stored before classes of interest existed) means none; {@code stepParams} null (stored
 * before the steps' sample counts and seeds were fixed at launch) means the formulas of
 * {@link StepParams#at}, so that those histories replay with the same activity inputs.
 * <p>
 * The record's JSON (the components by name) is the workflow input in Temporal's histories
 * and the experiment's stored parameters: components are only ever added, nullable. Build
 * one with {@link #builder()}.
 */
public record ExperimentSpec(long experimentId, String bundleHash, String bundlePath, List<String> layers, int samples,
        long seed, int thresholdSamples, long thresholdSeed, String method, double quantile, int topK, int batch, int shards,
        List<String> steps, List<String> classes, StepParams stepParams) {

    public static final List<String> STEPS = List.of("dissect", "metrics", "explain", "intervene", "optimize", "artifacts");

    /** The images and seed of a step that draws its own samples. */
    public record Sampling(int samples, long seed) {
    }

    /** The explain step's images, seed and search: the quantile (used without a dissection), beam width and formula length. */
    public record ExplainParams(int samples, long seed, double quantile, int beam, int maxLength) {
    }

    /**
     * The parameters of the steps after dissect that the launch derives from the experiment's
     * samples and seed; stored in the spec so that changing a formula here changes new
     * experiments only, never the replay of a running one.
     */
    public record StepParams(Sampling intervene, Sampling optimize, Sampling artifacts, Sampling metrics, ExplainParams explain) {
        /**
         * The formulas: ablation curves and insertion on min(samples, 200) images of another seed
         * than the dissection's; alpha optimisation and the artifact study on the samples with
         * other seeds; the sample metrics on min(samples, 2000) images; explanations on the first
         * min(samples, 2000) of the dissection's own images, beam 5, formulas of up to 3 concepts
         * (quantile 0.005 when no dissection thresholds are given).
         */
        public static StepParams at(int samples, long seed) {
            return new StepParams(new Sampling(Math.min(samples, 200), seed + 2000), new Sampling(samples, seed + 3000),
                    new Sampling(samples, seed + 4000), new Sampling(Math.min(samples, 2000), seed + 1000),
                    new ExplainParams(Math.min(samples, 2000), seed, 0.005, 5, 3));
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this spec's values. */
    public Builder toBuilder() {
        return new Builder().experimentId(experimentId).bundle(bundleHash, bundlePath).layers(layers).samples(samples).seed(seed)
                .thresholds(thresholdSamples, thresholdSeed).method(method).quantile(quantile).topK(topK).batch(batch).shards(shards)
                .steps(steps).classes(classes).stepParams(stepParams);
    }

    public ExperimentSpec withId(long id) {
        return toBuilder().experimentId(id).build();
    }

    public List<String> classesOfInterest() {
        return classes == null ? List.of() : classes;
    }

    /** The stored step parameters, or (a spec stored before them) the formulas' values for its samples and seed. */
    public StepParams stepParamsOrFormulas() {
        return stepParams != null ? stepParams : StepParams.at(samples, seed);
    }

    public boolean runs(String step) {
        return steps == null ? step.equals("dissect") : steps.contains(step);
    }

    public InterveneTask interveneTask(String layer, String dissectKey) {
        Sampling s = stepParamsOrFormulas().intervene();
        return new InterveneTask(experimentId, bundleHash, bundlePath, layer, dissectKey, classesOfInterest(), s.samples(), s.seed());
    }

    public OptimizeTask optimizeTask(String layer, String dissectKey) {
        Sampling s = stepParamsOrFormulas().optimize();
        return new OptimizeTask(experimentId, bundleHash, bundlePath, layer, dissectKey, classesOfInterest(), s.samples(), s.seed());
    }

    public ArtifactsTask artifactsTask(String layer) {
        Sampling s = stepParamsOrFormulas().artifacts();
        return new ArtifactsTask(experimentId, bundleHash, bundlePath, layer, s.samples(), s.seed());
    }

    /** The explain task at the units' own upper quantile (histories recorded before explain used the dissection's thresholds). */
    public ExplainTask explainTask(String layer) {
        ExplainParams e = stepParamsOrFormulas().explain();
        return new ExplainTask(experimentId, bundleHash, bundlePath, layer, e.samples(), e.seed(), e.quantile(), e.beam(), e.maxLength());
    }

    /**
     * The explain task at the dissection's own unit thresholds ({@code dissectKey}: the layer's
     * dissect result), on the first images of the dissection's evaluation images.
     */
    public ExplainTask explainTask(String layer, String dissectKey) {
        ExplainParams e = stepParamsOrFormulas().explain();
        return new ExplainTask(experimentId, bundleHash, bundlePath, layer, e.samples(), e.seed(), e.quantile(), e.beam(), e.maxLength(),
                dissectKey);
    }

    /** The metrics of the samples, taken at the first layer. */
    public MetricsTask metricsTask() {
        Sampling s = stepParamsOrFormulas().metrics();
        return new MetricsTask(experimentId, bundleHash, bundlePath, layers.get(0), s.samples(), s.seed());
    }

    public DissectTask dissectTask(String layer) {
        return new DissectTask(experimentId, bundleHash, bundlePath, layer, samples, seed, thresholdSamples, thresholdSeed,
                method, quantile, topK, batch, shards);
    }

    /** Named construction of a spec; {@link #build()} names the first required value missing. */
    public static final class Builder {
        private long experimentId;
        private String bundleHash;
        private String bundlePath;
        private List<String> layers;
        private Integer samples;
        private Long seed;
        private Integer thresholdSamples;
        private Long thresholdSeed;
        private String method;
        private Double quantile;
        private Integer topK;
        private Integer batch;
        private Integer shards;
        private List<String> steps;
        private List<String> classes;
        private StepParams stepParams;

        private Builder() {
        }

        /** 0 until the experiment's row exists (see {@link ExperimentSpec#withId}). */
        public Builder experimentId(long v) {
            experimentId = v;
            return this;
        }

        public Builder bundle(String hash, String path) {
            bundleHash = hash;
            bundlePath = path;
            return this;
        }

        public Builder layers(List<String> v) {
            layers = v;
            return this;
        }

        public Builder samples(int v) {
            samples = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** The threshold pass's own images and seed. */
        public Builder thresholds(int samples, long seed) {
            thresholdSamples = samples;
            thresholdSeed = seed;
            return this;
        }

        public Builder method(String v) {
            method = v;
            return this;
        }

        public Builder quantile(double v) {
            quantile = v;
            return this;
        }

        public Builder topK(int v) {
            topK = v;
            return this;
        }

        public Builder batch(int v) {
            batch = v;
            return this;
        }

        public Builder shards(int v) {
            shards = v;
            return this;
        }

        /** The steps to run (null: dissect only). */
        public Builder steps(List<String> v) {
            steps = v;
            return this;
        }

        /** The classes of interest (null: none). */
        public Builder classes(List<String> v) {
            classes = v;
            return this;
        }

        /** The later steps' parameters; a launch passes {@code StepParams.at(samples, seed)} (null: computed from the formulas when run). */
        public Builder stepParams(StepParams v) {
            stepParams = v;
            return this;
        }

        public ExperimentSpec build() {
            return new ExperimentSpec(experimentId, required(bundleHash, "bundleHash"), required(bundlePath, "bundlePath"),
                    required(layers, "layers"), required(samples, "samples"), required(seed, "seed"), required(thresholdSamples, "thresholdSamples"),
                    required(thresholdSeed, "thresholdSeed"), required(method, "method"), required(quantile, "quantile"), required(topK, "topK"),
                    required(batch, "batch"), required(shards, "shards"), steps, classes, stepParams);
        }

        private static <T> T required(T v, String field) {
            return Objects.requireNonNull(v, () -> "ExperimentSpec." + field + " is required");
        }
    }
}
