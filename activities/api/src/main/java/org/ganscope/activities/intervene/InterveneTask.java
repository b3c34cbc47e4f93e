package org.ganscope.activities.intervene;

import java.util.List;

/**
 * The intervene step of one layer: ablation curves and insertion for each class of
 * interest, using the units' IoU from the layer's dissection (its result key).
 */
public record InterveneTask(long experimentId, String bundleHash, String bundlePath, String layer, String dissectKey, List<String> classes,
        int samples, long seed) {
}
