package org.ganscope.analysis.reproduce;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.SplittableRandom;

/**
 * Overlap of two unit sets (e.g. the worst-20 artifact units scored on two seeds): Jaccard
 * index {@code |A n B| / |A u B|}, and two p-values of "at least this much overlap":
 * <ul>
 * <li>{@link #uniformP}: exact, against B a uniform random set of its size among {@code units}
 * (the intersection is hypergeometric and the Jaccard index increases with it);</li>
 * <li>{@link #matchedP}: Monte Carlo, {@code (1 + #{J(A', B') >= J}) / (1 + draws)}, where A'
 * and B' are independent {@link MatchedSets} draws matched to A and to B: is the overlap more
 * than both selections favouring units of large activation explains?</li>
 * </ul>
 */
public final class SetOverlap {
    private SetOverlap() {
    }

    public static int intersection(int[] a, int[] b) {
        int n = 0;
        for (int x : a) {
            for (int y : b) {
                if (x == y) {
                    n++;
                    break;
                }
            }
        }
        return n;
    }

    public static double jaccard(int[] a, int[] b) {
        int i = intersection(a, b);
        int u = a.length + b.length - i;
        return u == 0 ? 0 : (double) i / u;
    }

    /** P(|A n B| >= intersection) for |A| = a fixed and B a uniform random b-subset of {@code units}. */
    public static double uniformP(int units, int a, int b, int intersection) {
        BigInteger num = BigInteger.ZERO;
        for (int i = Math.max(intersection, 0); i <= Math.min(a, b); i++) {
            num = num.add(binomial(a, i).multiply(binomial(units - a, b - i)));
        }
        return new BigDecimal(num).divide(new BigDecimal(binomial(units, b)), MathContext.DECIMAL64).doubleValue();
    }

    /** Monte Carlo p-value against activation-matched sets (see the class comment). */
    public static double matchedP(double[] activation, int[] a, int[] b, int width, int draws, long seed) {
        double j = jaccard(a, b);
        SplittableRandom rnd = new SplittableRandom(seed);
        int atLeast = 0;
        for (int d = 0; d < draws; d++) {
            int[] ma = MatchedSets.draw(activation, a, width, rnd);
            int[] mb = MatchedSets.draw(activation, b, width, rnd);
            if (jaccard(ma, mb) >= j) {
                atLeast++;
            }
        }
        return (1.0 + atLeast) / (1.0 + draws);
    }

    static BigInteger binomial(int n, int k) {
        if (k < 0 || k > n) {
            return BigInteger.ZERO;
        }
        BigInteger r = BigInteger.ONE;
        for (int i = 1; i <= k; i++) {
            r = r.multiply(BigInteger.valueOf(n - k + i)).divide(BigInteger.valueOf(i));
        }
        return r;
    }
}
