package org.ganscope.activities.dissect;

/**
 * Everything a dissect activity needs, by value and small (workflow payloads carry IDs,
 * keys and parameters only, never tensors). The engine's view of it (its parameters, the
 * canonical strings its result keys hash, the shard bounds) is {@code DissectTasks} in the
 * activities implementation.
 */
public record DissectTask(long experimentId, String bundleHash, String bundlePath, String layer, int samples, long seed,
        int thresholdSamples, long thresholdSeed, String method, double quantile, int topK, int batch, int shards) {
}
