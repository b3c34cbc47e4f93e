package org.ganscope.services.experiment;

import java.util.List;

/** A launch as the REST API and the dashboard submit it. Null fields take the defaults; classes: classes of interest (intervene step). */
public record LaunchRequest(String name, String bundle, List<String> layers, Integer samples, Long seed,
        Integer thresholdSamples, String method, Double quantile, Integer topK, Integer shards, List<String> tags, List<String> steps, List<String> classes) {

    /** Without classes of interest. */
    public LaunchRequest(String name, String bundle, List<String> layers, Integer samples, Long seed, Integer thresholdSamples, String method,
            Double quantile, Integer topK, Integer shards, List<String> tags, List<String> steps) {
        this(name, bundle, layers, samples, seed, thresholdSamples, method, quantile, topK, shards, tags, steps, null);
    }

    /** A request for {@code bundle} (name or hash) with every other field at its default; set the ones you need by name. */
    public static Builder of(String bundle) {
        return new Builder(bundle);
    }

    /** Named construction of a {@link LaunchRequest}: unset fields stay null (the defaults). */
    public static final class Builder {
        private final String bundle;
        private String name;
        private List<String> layers;
        private Integer samples;
        private Long seed;
        private Integer thresholdSamples;
        private String method;
        private Double quantile;
        private Integer topK;
        private Integer shards;
        private List<String> tags;
        private List<String> steps;
        private List<String> classes;

        private Builder(String bundle) {
            this.bundle = bundle;
        }

        public Builder name(String v) {
            name = v;
            return this;
        }

        public Builder layers(List<String> v) {
            layers = v;
            return this;
        }

        public Builder samples(Integer v) {
            samples = v;
            return this;
        }

        public Builder seed(Long v) {
            seed = v;
            return this;
        }

        public Builder thresholdSamples(Integer v) {
            thresholdSamples = v;
            return this;
        }

        public Builder method(String v) {
            method = v;
            return this;
        }

        public Builder quantile(Double v) {
            quantile = v;
            return this;
        }

        public Builder topK(Integer v) {
            topK = v;
            return this;
        }

        public Builder shards(Integer v) {
            shards = v;
            return this;
        }

        public Builder tags(List<String> v) {
            tags = v;
            return this;
        }

        public Builder steps(List<String> v) {
            steps = v;
            return this;
        }

        public Builder classes(List<String> v) {
            classes = v;
            return this;
        }

        public LaunchRequest build() {
            return new LaunchRequest(name, bundle, layers, samples, seed, thresholdSamples, method, quantile, topK, shards, tags, steps, classes);
        }
    }
}
