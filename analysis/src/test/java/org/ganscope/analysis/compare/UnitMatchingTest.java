package org.ganscope.analysis.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UnitMatchingTest {
    /** The best summed cosine over every injective assignment of the smaller side into the larger one, by enumeration. */
    static double bruteForce(double[][] a, double[][] b) {
        if (a.length > b.length) {
            return bruteForce(b, a);
        }
        return best(a, b, 0, new boolean[b.length]);
    }

    private static double best(double[][] a, double[][] b, int i, boolean[] used) {
        if (i == a.length) {
            return 0;
        }
        double best = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < b.length; j++) {
            if (!used[j]) {
                used[j] = true;
                best = Math.max(best, UnitMatching.cosine(a[i], b[j]) + best(a, b, i + 1, used));
                used[j] = false;
            }
        }
        return best;
    }

    static double[][] random(SplittableRandom r, int units, int concepts) {
        double[][] p = new double[units][concepts];
        for (double[] row : p) {
            for (int c = 0; c < concepts; c++) {
                row[c] = r.nextDouble() < 0.4 ? r.nextDouble() * 0.3 : 0; // sparse IoU profiles, some all zero
            }
        }
        return p;
    }

    @Test
    void theMatchingIsOptimalAgainstEnumerationForEqualAndUnequalSides() {
        SplittableRandom r = new SplittableRandom(3);
        for (int trial = 0; trial < 30; trial++) {
            int na = 1 + r.nextInt(7);
            int nb = 1 + r.nextInt(7);
            double[][] a = random(r, na, 6);
            double[][] b = random(r, nb, 6);
            UnitMatching.Result m = UnitMatching.match(a, b);
            assertEquals(bruteForce(a, b), m.total(), 1e-9, "trial " + trial + " " + na + "x" + nb);
            assertEquals(Math.min(na, nb), m.pairs().size());
            assertEquals(na - m.pairs().size(), m.unmatchedA().size());
            assertEquals(nb - m.pairs().size(), m.unmatchedB().size());
            m.pairs().forEach(p -> assertEquals(UnitMatching.cosine(a[p.a()], b[p.b()]), p.similarity(), 0));
        }
    }

    @Test
    void identicalModelsWithUnitsShuffledArePairedBackExactly() {
        SplittableRandom r = new SplittableRandom(9);
        double[][] a = random(r, 12, 8);
        for (double[] row : a) {
            row[r.nextInt(8)] += 0.5; // every profile nonzero and distinct
        }
        int[] perm = {5, 2, 9, 0, 11, 7, 1, 3, 10, 4, 8, 6};
        double[][] b = new double[12][];
        for (int i = 0; i < 12; i++) {
            b[perm[i]] = a[i];
        }
        UnitMatching.Result m = UnitMatching.match(a, b);
        for (UnitMatching.Pair p : m.pairs()) {
            assertEquals(perm[p.a()], p.b());
            assertEquals(1.0, p.similarity(), 1e-12);
        }
        assertEquals(List.of(), m.unmatchedA());
    }
}
