package org.ganscope.app.experiment;

import java.util.List;

/** A launch as the REST API and the dashboard submit it. Null fields take the defaults; classes: classes of interest (intervene step). */
public record LaunchRequest(String name, String bundle, List<String> layers, Integer samples, Long seed,
        Integer thresholdSamples, String method, Double quantile, Integer topK, Integer shards, List<String> tags, List<String> steps, List<String> classes) {

    /** Without classes of interest. */
    public LaunchRequest(String name, String bundle, List<String> layers, Integer samples, Long seed, Integer thresholdSamples, String method,
            Double quantile, Integer topK, Integer shards, List<String> tags, List<String> steps) {
        this(name, bundle, layers, samples, seed, thresholdSamples, method, quantile, topK, shards, tags, steps, null);
    }
}
