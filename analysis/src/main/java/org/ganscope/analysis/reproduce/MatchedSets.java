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
        int[] out = new int[chosen.length];
        int n = 0;
        for (int u : order) {
            int[] near = nearest(activation, u, taken, width);
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
        return IntStream.range(0, activation.length).filter(v -> !taken[v]).boxed()
                .sorted(Comparator.comparingDouble((Integer v) -> Math.abs(activation[v] - activation[u])).thenComparingInt(v -> v))
                .limit(width).mapToInt(Integer::intValue).toArray();
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
