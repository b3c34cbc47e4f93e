package org.ganscope.analysis.dissect;

/**
 * The outcome of the threshold pass: one threshold per unit and, in IQR mode, the
 * selection (labels chosen on the threshold set, SPEC section 5).
 */
public record Thresholds(double[] values, IqrSelection selection) {
    public boolean iqr() {
        return selection != null;
    }
}
