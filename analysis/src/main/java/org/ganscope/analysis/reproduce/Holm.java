package org.ganscope.analysis.reproduce;

import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Holm's step-down correction (Holm 1979) of the p-values of one claim: sort ascending (ties by
 * index), {@code q_(j) = max_{l <= j} min(1, (m - l + 1) p_(l))}; hypothesis i is rejected at
 * family-wise level alpha iff {@code q_i <= alpha}. Equals closed testing with Bonferroni
 * local tests, which {@code HolmTest} checks by enumerating every intersection.
 */
public final class Holm {
    private Holm() {
    }

    /** The Holm-adjusted p-values, in the order of {@code p}. */
    public static double[] adjust(double[] p) {
        int m = p.length;
        int[] order = IntStream.range(0, m).boxed().sorted(Comparator.comparingDouble((Integer i) -> p[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
        double[] out = new double[m];
        double running = 0;
        for (int j = 0; j < m; j++) {
            double v = Math.min(1, (m - j) * p[order[j]]);
            running = Math.max(running, v);
            out[order[j]] = running;
        }
        return out;
    }
}
