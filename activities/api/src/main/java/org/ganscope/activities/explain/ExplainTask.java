package org.ganscope.activities.explain;

import java.util.Locale;

/**
 * The explain step of one layer: compositional explanations of its units. With a
 * {@code dissectKey} (the layer's dissect result) units are thresholded at the
 * dissection's own per-unit thresholds and {@code quantile} is not used; without one (older
 * workflow histories) at their own upper {@code quantile}.
 */
public record ExplainTask(long experimentId, String bundleHash, String bundlePath, String layer, int samples, long seed, double quantile,
        int beam, int maxLength, String dissectKey) {
    public ExplainTask(long experimentId, String bundleHash, String bundlePath, String layer, int samples, long seed, double quantile, int beam,
            int maxLength) {
        this(experimentId, bundleHash, bundlePath, layer, samples, seed, quantile, beam, maxLength, null);
    }

    /**
     * The step's parameters in its result key. {@code split=parity} names the held-out split
     * (search on even samples, judge on odd ones), so results stored before it, searched on all
     * images and without held-out scores, are not reused.
     */
    public String params() {
        String base = String.format(Locale.ROOT, "layer=%s;n=%d;seed=%d;q=%s;beam=%d;len=%d;split=parity", layer, samples, seed, Double.toString(quantile), beam,
                maxLength);
        return dissectKey == null ? base : base + ";thresholds=dissect";
    }
}
