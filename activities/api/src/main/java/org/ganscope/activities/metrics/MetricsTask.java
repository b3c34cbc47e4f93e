package org.ganscope.activities.metrics;

import java.util.Locale;

/** The metrics step: the generator's samples against the bundle's real data. */
public record MetricsTask(long experimentId, String bundleHash, String bundlePath, String layer, int samples, long seed) {
    public String params() {
        return String.format(Locale.ROOT, "layer=%s;n=%d;seed=%d", layer, samples, seed);
    }
}
