package org.ganscope.analysis.reproduce;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Random unit sets matched to a chosen set's activation size: for each unit of the chosen set
 * (taken in a random order), one unit drawn uniformly from the {@code width} units nearest to it
 * in mean activation (ties by index) among the units that are neither in the chosen set nor
 * drawn already. The matched set so has about the chosen set's mean activation (a unit with
 * large activations perturbs the image more when removed, whatever it encodes), but not its
 * units. Uniform random sets ({@code UnitRanking.random}) remain the other control.
 */
public final class MatchedSets {
    private MatchedSets() {
    }

    /** A matched set (sorted); fewer than {@code chosen.length} units only when the pool runs out. */
    public static int[] draw(double[] activation, int[] chosen, int width, SplittableRandom rnd) {
        if (width < 1) {
            throw new IllegalArgumentException("width must be >= 1, got " + width);
        }
        int units = activation.length;
        boolean[] taken = new boolean[units];
        for (int u : chosen) {
            taken[u] = true;
        }
        int[] order = chosen.clone();
        for (int i = order.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] sorted = IntStream.range(0, units).boxed()
                .sorted(Comparator.comparingDouble((Integer v) -> activation[v]).thenComparingInt(v -> v)).mapToInt(Integer::intValue).toArray();
        int[] out = new int[chosen.length];
        int n = 0;
        for (int u : order) {
            int[] near = nearest(activation, sorted, u, taken, width);
            if (near.length == 0) {
                break;
            }
            int v = near[rnd.nextInt(near.length)];
            taken[v] = true;
            out[n++] = v;
        }
        int[] set = Arrays.copyOf(out, n);
        Arrays.sort(set);
        return set;
    }

    /** The {@code width} free units nearest to {@code u} in activation (ties by index). */
    static int[] nearest(double[] activation, int u, boolean[] taken, int width) {
        int[] order = IntStream.range(0, activation.length).boxed()
                .sorted(Comparator.comparingDouble((Integer v) -> activation[v]).thenComparingInt(v -> v)).mapToInt(Integer::intValue).toArray();
        return nearest(activation, order, u, taken, width);
    }

    /** As above with the units in {@code order} sorted by activation (ties by index): a merge outward from u's place. */
    static int[] nearest(double[] activation, int[] order, int u, boolean[] taken, int width) {
        int at = 0;
        while (order[at] != u) {
            at++;
        }
        int lo = at - 1;
        int hi = at + 1;
        int[] out = new int[width];
        int n = 0;
        if (!taken[u]) {
            out[n++] = u;
        }
        while (n < width) {
            while (lo >= 0 && taken[order[lo]]) {
                lo--;
            }
            while (hi < order.length && taken[order[hi]]) {
                hi++;
            }
            if (lo < 0 && hi >= order.length) {
                break;
            }
            boolean takeLo;
            if (lo < 0) {
                takeLo = false;
            } else if (hi >= order.length) {
                takeLo = true;
            } else {
                double dl = Math.abs(activation[order[lo]] - activation[u]);
                double dh = Math.abs(activation[order[hi]] - activation[u]);
                takeLo = dl < dh || (dl == dh && order[lo] < order[hi]);
            }
            out[n++] = takeLo ? order[lo--] : order[hi++];
        }
        int[] r = java.util.Arrays.copyOf(out, n);
        java.util.Arrays.sort(r, 0, n);
        return sortByDistance(activation, u, r);
    }

    private static int[] sortByDistance(double[] activation, int u, int[] r) {
        return java.util.Arrays.stream(r).boxed()
                .sorted(Comparator.comparingDouble((Integer v) -> Math.abs(activation[v] - activation[u])).thenComparingInt(v -> v))
                .mapToInt(Integer::intValue).toArray();
    }

    /** The mean of {@code activation} over {@code set}. */
    public static double mean(double[] activation, int[] set) {
        double s = 0;
        for (int u : set) {
            s += activation[u];
        }
        return set.length == 0 ? Double.NaN : s / set.length;
    }
}
