package org.ganscope.activities.optimize;

import java.util.List;

/** The optimize step of one layer: gradient-based alpha per class of interest, from the layer's dissection. */
public record OptimizeTask(long experimentId, String bundleHash, String bundlePath, String layer, String dissectKey, List<String> classes,
        int samples, long seed) {
}
