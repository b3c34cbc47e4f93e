package org.ganscope.workflows.experiment;

import java.util.List;
import org.ganscope.activities.dissect.DissectTask;

/**
 * What an experiment runs (the workflow input): IDs, the bundle's hash and path, and
 * parameters only. Steps offered so far: dissect (per layer, sharded).
 */
public record ExperimentSpec(long experimentId, String bundleHash, String bundlePath, List<String> layers, int samples,
        long seed, int thresholdSamples, long thresholdSeed, String method, double quantile, int topK, int batch, int shards) {

    public DissectTask dissectTask(String layer) {
        return new DissectTask(experimentId, bundleHash, bundlePath, layer, samples, seed, thresholdSamples, thresholdSeed,
                method, quantile, topK, batch, shards);
    }
}
