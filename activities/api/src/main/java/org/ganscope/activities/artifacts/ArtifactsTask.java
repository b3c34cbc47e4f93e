package org.ganscope.activities.artifacts;

/** The artifacts step of one layer: score every unit, ablate the worst n against random n, recompute the metrics. */
public record ArtifactsTask(long experimentId, String bundleHash, String bundlePath, String layer, int samples, long seed) {
}
