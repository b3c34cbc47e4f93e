package org.ganscope.app.experiment;

import java.util.List;

/** A launch as the REST API and the dashboard submit it. Null fields take the defaults. */
public record LaunchRequest(String name, String bundle, List<String> layers, Integer samples, Long seed,
        Integer thresholdSamples, String method, Double quantile, Integer topK, Integer shards, List<String> tags, List<String> steps) {
}
