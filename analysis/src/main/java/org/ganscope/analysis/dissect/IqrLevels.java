package org.ganscope.analysis.dissect;

import java.util.function.IntToDoubleFunction;

/**
 * The candidate threshold levels of IQR selection, SPEC section 4: fractions
 * {@code fr_j = 10^(-3 + 3j/99)}, {@code j = 0..99} (0.001 .. 1), and per unit the levels
 * {@code L[j]} = Hazen quantile at {@code p = 1 - fr_j} of all upsampled values.
 * Levels are non-increasing in {@code j}; {@code L[99]} is the minimum.
 */
public final class IqrLevels {
    /** Number of candidate levels. */
    public static final int COUNT = 100;

    private static final double[] FRACTIONS = new double[COUNT];

    static {
        for (int j = 0; j < COUNT; j++) {
            FRACTIONS[j] = Math.pow(10.0, -3.0 + 3.0 * j / 99.0);
        }
    }

    private IqrLevels() {
    }

    /** {@code fr_j}, a fresh copy. */
    public static double[] fractions() {
        return FRACTIONS.clone();
    }

    /** {@code fr_j}. */
    public static double fraction(int j) {
        return FRACTIONS[j];
    }

    /** The 100 levels of one unit from its ascending-sorted upsampled values. */
    public static double[] levels(double[] sorted) {
        return levels(sorted, 0, sorted.length);
    }

    /** The 100 levels of the ascending-sorted range {@code sorted[from .. from+m)}. */
    public static double[] levels(double[] sorted, int from, int m) {
        return levels(k -> sorted[from + k], m);
    }

    /** The 100 levels of an ascending sequence of {@code m} values given by its accessor. */
    public static double[] levels(IntToDoubleFunction sorted, int m) {
        double[] out = new double[COUNT];
        for (int j = 0; j < COUNT; j++) {
            out[j] = Quantiles.hazen(sorted, m, 1 - FRACTIONS[j]);
        }
        return out;
    }
}
