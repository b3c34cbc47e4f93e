package org.ganscope.analysis.explain;

import java.util.List;
import org.ganscope.analysis.dissect.Bootstrap;

/**
 * Explanations judged on images the search did not see. The samples are split by index
 * parity ({@link #RULE}): the beam search picks each unit's formula and its best single
 * concept on the even samples (the search half); both are then scored on the odd samples
 * (the held-out half), where the gain of the formula over the single concept,
 * {@code IoU(formula) - IoU(single)}, is no longer >= 0 by construction: a formula that fits
 * the search half's accidents loses on the held-out half. Samples are i.i.d. draws (one
 * latent each, from the seed and the index), so parity is as good as a random split and
 * needs no seed of its own.
 *
 * <p>The share of units whose held-out gain is at least {@link #MIN_GAIN} gets a 95% interval
 * by the Poisson bootstrap over held-out images ({@link Bootstrap}: {@link Bootstrap#REPLICATES}
 * replicates, image weights seeded by (seed, sample index)), each replicate recomputing every
 * unit's held-out IoUs from weighted per-image counts and counting the units again. Images
 * rather than units are resampled because all units are measured on the same images, so their
 * gains are not independent trials (a Wilson interval over units would treat them as such and
 * be too narrow); the held-out images are the sampling noise of the gain. The interval is
 * conditional on the search half: the formulas and single concepts are not searched again per
 * replicate.
 */
public final class HeldOut {
    /** The split, in words, as the outputs record it. */
    public static final String RULE = "sample index parity: even indices search, odd indices held out";
    /** Held-out gain (IoU) that counts as a formula explaining a unit better than one concept. */
    public static final double MIN_GAIN = 0.02;

    private HeldOut() {
    }

    /** Whether sample {@code index} is held out (odd) rather than searched (even). */
    public static boolean isHeldOut(long index) {
        return (index & 1) == 1;
    }

    /** The sample indices (from 0) of the search half of {@code samples} samples, ascending. */
    public static long[] search(int samples) {
        return half(samples, 0);
    }

    /** The sample indices (from 0) of the held-out half of {@code samples} samples, ascending. */
    public static long[] heldOut(int samples) {
        return half(samples, 1);
    }

    private static long[] half(int samples, int parity) {
        long[] out = new long[(samples + 1 - parity) / 2];
        for (int k = 0; k < out.length; k++) {
            out[k] = 2L * k + parity;
        }
        return out;
    }

    /**
     * A unit's formula and best single concept (both chosen on the search half) scored on the
     * held-out images: the IoUs over all of them, and per held-out image the intersection and
     * union pixel counts of each (what the bootstrap reweights).
     */
    public record Score(double iou, double singleIou, long[] formulaInter, long[] formulaUnion, long[] singleInter, long[] singleUnion) {
        /** Held-out IoU of the formula minus that of the best single concept; negative when the formula overfits. */
        public double gain() {
            return iou - singleIou;
        }

        public int images() {
            return formulaInter.length;
        }
    }

    /**
     * Scores {@code formula} and {@code single} against {@code unit} over {@code images} held-out
     * images of {@code segPixels} pixels each, laid out image after image in the masks (no
     * images: NaN IoUs).
     */
    public static Score score(BitMask unit, List<BitMask> concepts, Formula formula, Formula single, int images, int segPixels) {
        BitMask f = Formula.mask(formula, concepts);
        BitMask s = Formula.mask(single, concepts);
        long[] fi = new long[images];
        long[] fu = new long[images];
        long[] si = new long[images];
        long[] su = new long[images];
        long sfi = 0;
        long sfu = 0;
        long ssi = 0;
        long ssu = 0;
        for (int i = 0; i < images; i++) {
            int from = i * segPixels;
            int to = from + segPixels;
            long a = unit.count(from, to);
            fi[i] = unit.countAnd(f, from, to);
            fu[i] = a + f.count(from, to) - fi[i];
            si[i] = unit.countAnd(s, from, to);
            su[i] = a + s.count(from, to) - si[i];
            sfi += fi[i];
            sfu += fu[i];
            ssi += si[i];
            ssu += su[i];
        }
        return images == 0 ? new Score(Double.NaN, Double.NaN, fi, fu, si, su) : new Score(ratio(sfi, sfu), ratio(ssi, ssu), fi, fu, si, su);
    }

    static double ratio(long inter, long union) {
        return union == 0 ? 0 : (double) inter / union;
    }

    static double ratio(double inter, double union) {
        return union == 0 ? 0 : inter / union;
    }

    /**
     * How many units clear {@link #MIN_GAIN} on the held-out images, with the 2.5% and 97.5%
     * Hazen quantiles of that count over the bootstrap replicates.
     */
    public record Summary(int units, int gained, double low, double high, int images, int replicates, double meanGain) {
        public double share() {
            return units == 0 ? 0 : (double) gained / units;
        }

        public double shareLow() {
            return units == 0 ? 0 : low / units;
        }

        public double shareHigh() {
            return units == 0 ? 0 : high / units;
        }
    }

    /**
     * @param seed the images' seed (the bootstrap weights of an image depend on it and its index only)
     * @param heldOut the sample indices of the held-out images, in the order of the scores' per-image counts
     */
    public static Summary summarize(Score[] scores, long seed, long[] heldOut) {
        return summarize(scores, seed, heldOut, Bootstrap.REPLICATES);
    }

    static Summary summarize(Score[] scores, long seed, long[] heldOut, int replicates) {
        int units = scores.length;
        int gained = 0;
        double sum = 0;
        for (Score s : scores) {
            if (s.gain() >= MIN_GAIN) {
                gained++;
            }
            sum += s.gain();
        }
        // per replicate and unit the weighted sums of formula intersection, union, single intersection, union
        long[][][] acc = new long[replicates][units][4];
        int[] w = new int[replicates];
        for (int i = 0; i < heldOut.length; i++) {
            Bootstrap.weights(seed, heldOut[i], w);
            for (int u = 0; u < units; u++) {
                Score s = scores[u];
                for (int b = 0; b < replicates; b++) {
                    if (w[b] == 0) {
                        continue;
                    }
                    long[] a = acc[b][u];
                    a[0] += w[b] * s.formulaInter()[i];
                    a[1] += w[b] * s.formulaUnion()[i];
                    a[2] += w[b] * s.singleInter()[i];
                    a[3] += w[b] * s.singleUnion()[i];
                }
            }
        }
        double[] counts = new double[replicates];
        for (int b = 0; b < replicates; b++) {
            int n = 0;
            for (int u = 0; u < units; u++) {
                long[] a = acc[b][u];
                if (ratio(a[0], a[1]) - ratio(a[2], a[3]) >= MIN_GAIN) {
                    n++;
                }
            }
            counts[b] = n;
        }
        double[] ci = replicates == 0 ? new double[] {Double.NaN, Double.NaN} : Bootstrap.interval(counts);
        return new Summary(units, gained, ci[0], ci[1], heldOut.length, replicates, units == 0 ? 0 : sum / units);
    }
}
