package org.ganscope.activities.explain;

import java.util.Locale;

/** The explain step of one layer: compositional explanations of its units. */
public record ExplainTask(long experimentId, String bundleHash, String bundlePath, String layer, int samples, long seed, double quantile,
        int beam, int maxLength) {
    public String params() {
        return String.format(Locale.ROOT, "layer=%s;n=%d;seed=%d;q=%s;beam=%d;len=%d", layer, samples, seed, Double.toString(quantile), beam,
                maxLength);
    }
}
