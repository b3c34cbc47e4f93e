package org.ganscope.analysis.intervene;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/** Unit selections: the top-n units of a class by IoU, and seeded random baselines. */
public final class UnitRanking {
    private UnitRanking() {
    }

    /** Units ordered by IoU with the class, highest first, ties by unit index. */
    public static int[] byIou(double[] iouWithClass) {
        return IntStream.range(0, iouWithClass.length).boxed()
                .sorted(Comparator.comparingDouble((Integer u) -> -iouWithClass[u]).thenComparingInt(u -> u))
                .mapToInt(Integer::intValue).toArray();
    }

    public static int[] top(double[] iouWithClass, int n) {
        return Arrays.copyOf(byIou(iouWithClass), Math.min(n, iouWithClass.length));
    }

    /** n distinct units drawn uniformly (partial Fisher-Yates) from a seed; sorted. */
    public static int[] random(int units, int n, long seed) {
        int[] all = IntStream.range(0, units).toArray();
        SplittableRandom rnd = new SplittableRandom(seed);
        int m = Math.min(n, units);
        for (int i = 0; i < m; i++) {
            int j = i + rnd.nextInt(units - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        int[] out = Arrays.copyOf(all, m);
        Arrays.sort(out);
        return out;
    }
}
