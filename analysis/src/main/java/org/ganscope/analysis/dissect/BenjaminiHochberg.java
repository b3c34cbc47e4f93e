package org.ganscope.analysis.dissect;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Benjamini-Hochberg step-up over the p-values of one layer (docs/CONTROLS.md section 4):
 * sorted ascending (ties by index), {@code q_(j) = min over l >= j of min(1, m p_(l) / l)};
 * a hypothesis is rejected iff its {@code q <= Q}.
 */
public final class BenjaminiHochberg {
    /** The false discovery rate controlled across the units of a layer. */
    public static final double Q = 0.05;

    private BenjaminiHochberg() {
    }

    /** The BH-adjusted p-values (q-values), in the input order. */
    public static double[] qValues(double[] p) {
        int m = p.length;
        Integer[] order = IntStream.range(0, m).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> p[i]).thenComparingInt(i -> i));
        double[] q = new double[m];
        double run = 1.0;
        for (int j = m - 1; j >= 0; j--) {
            int i = order[j];
            run = Math.min(run, Math.min(1.0, m * p[i] / (j + 1)));
            q[i] = run;
        }
        return q;
    }

    /** Rejections at {@link #Q}. */
    public static boolean[] reject(double[] p) {
        double[] q = qValues(p);
        boolean[] r = new boolean[q.length];
        for (int i = 0; i < q.length; i++) {
            r[i] = q[i] <= Q;
        }
        return r;
    }
}
