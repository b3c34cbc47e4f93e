package org.ganscope.analysis.dissect;

/**
 * IoU, mutual information, joint entropy and IQR from data-set counts, SPEC section 3.
 * {@code a} = pixels where the unit is on, {@code t} = pixels of the label,
 * {@code i} = both, {@code n} = all pixels.
 */
public final class Scores {
    private Scores() {
    }

    /** {@code I / (A + T - I)}, 0 if the union is 0. */
    public static double iou(long a, long t, long i) {
        long union = a + t - i;
        return union == 0 ? 0.0 : (double) i / union;
    }

    /** IQR = MI / JE of the 2x2 table, 0 when {@code JE == 0}. */
    public static double iqr(long a, long t, long i, long n) {
        double[] p = table(a, t, i, n);
        double je = jointEntropy(p);
        return je == 0 ? 0.0 : mutualInformation(p) / je;
    }

    /**
     * The 2x2 table {@code {p11, p10, p01, p00}} (unit on/off by label yes/no), each cell
     * clipped to [0,1] (a no-op for consistent counts).
     */
    public static double[] table(long a, long t, long i, long n) {
        double dn = n;
        return new double[] {
            clip(i / dn), clip((a - i) / dn), clip((t - i) / dn), clip((n - a - t + i) / dn)
        };
    }

    /** {@code max(0, sum p_jk ln(p_jk / (row_j col_k)))} over a table from {@link #table}. */
    public static double mutualInformation(double[] p) {
        double on = p[0] + p[1];
        double off = p[2] + p[3];
        double yes = p[0] + p[2];
        double no = p[1] + p[3];
        double mi = term(p[0], on * yes) + term(p[1], on * no) + term(p[2], off * yes) + term(p[3], off * no);
        return Math.max(mi, 0.0);
    }

    /** {@code max(0, -sum p_jk ln p_jk)} over a table from {@link #table}. */
    public static double jointEntropy(double[] p) {
        double s = 0;
        for (double x : p) {
            if (x > 0) {
                s += x * Math.log(x);
            }
        }
        return Math.max(-s, 0.0);
    }

    private static double term(double joint, double ind) {
        return joint > 0 ? joint * Math.log(joint / ind) : 0.0;
    }

    private static double clip(double x) {
        return x < 0 ? 0 : (x > 1 ? 1 : x);
    }
}
