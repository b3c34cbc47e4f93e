package org.ganscope.analysis.dissect;

import java.math.BigInteger;

/**
 * The one-sided location test of docs/CONTROLS.md section 3: is a unit's IoU with its label
 * above the IoU of its location mask? Per image {@code i}: {@code I} (unit on and label),
 * {@code U = a + t - I} (the unit's union with the label), {@code L} (location mask and
 * label), {@code V = k + t - L} (the mask's union). {@code lift = S_I/S_U - S_L/S_V}; its
 * delta-method standard error from the ten second moments of {@code (I, U, L, V)} is
 * assembled in exact integer arithmetic, so only the final ratio is rounded.
 */
public final class LocationTest {
    /** Second moments kept per (unit, class), in this order: sums over images of the products. */
    public static final int II = 0, IU = 1, UU = 2, LL = 3, LV = 4, VV = 5, IL = 6, IV = 7, UL = 8, UV = 9;
    public static final int MOMENTS = 10;

    private LocationTest() {
    }

    /** Writes the ten products of one image's {@code (I, U, L, V)} into {@code out[off .. off+10)}. */
    static void products(long i, long u, long l, long v, long[] out, int off) {
        out[off + II] = i * i;
        out[off + IU] = i * u;
        out[off + UU] = u * u;
        out[off + LL] = l * l;
        out[off + LV] = l * v;
        out[off + VV] = v * v;
        out[off + IL] = i * l;
        out[off + IV] = i * v;
        out[off + UL] = u * l;
        out[off + UV] = u * v;
    }

    /**
     * The squared standard error of the lift, {@code sum psi_i^2 / (N (N - 1))}, from the
     * image count (or weighted count) {@code n}, the sums and the moments at {@code m[off..]};
     * {@code NaN} when undefined ({@code n < 2} or a union sum is 0).
     */
    public static double variance(long n, long sI, long sU, long sL, long sV, long[] m, int off) {
        if (n < 2 || sU <= 0 || sV <= 0) {
            return Double.NaN;
        }
        BigInteger bI = BigInteger.valueOf(sI);
        BigInteger bU = BigInteger.valueOf(sU);
        BigInteger bL = BigInteger.valueOf(sL);
        BigInteger bV = BigInteger.valueOf(sV);
        // X_i = S_U I_i - S_I U_i, Y_i = S_V L_i - S_L V_i
        BigInteger xx = bU.multiply(bU).multiply(big(m[off + II])).subtract(TWO.multiply(bU).multiply(bI).multiply(big(m[off + IU])))
                .add(bI.multiply(bI).multiply(big(m[off + UU])));
        BigInteger yy = bV.multiply(bV).multiply(big(m[off + LL])).subtract(TWO.multiply(bV).multiply(bL).multiply(big(m[off + LV])))
                .add(bL.multiply(bL).multiply(big(m[off + VV])));
        BigInteger xy = bU.multiply(bV).multiply(big(m[off + IL])).subtract(bU.multiply(bL).multiply(big(m[off + IV])))
                .subtract(bI.multiply(bV).multiply(big(m[off + UL]))).add(bI.multiply(bL).multiply(big(m[off + UV])));
        BigInteger u2 = bU.multiply(bU);
        BigInteger v2 = bV.multiply(bV);
        // sum (S_V^2 X_i - S_U^2 Y_i)^2
        BigInteger num = v2.multiply(v2).multiply(xx).subtract(TWO.multiply(u2).multiply(v2).multiply(xy)).add(u2.multiply(u2).multiply(yy));
        if (num.signum() <= 0) {
            return 0.0; // a sum of squares: 0 exactly (negative is impossible for consistent moments)
        }
        BigInteger uv = bU.multiply(bV);
        BigInteger den = uv.multiply(uv).multiply(uv).multiply(uv);
        return ratio(num, den) * n / (n - 1.0);
    }

    /** {@code a / b} for positive big integers, as a double (exponent-safe). */
    static double ratio(BigInteger a, BigInteger b) {
        // both to at most 64 significant bits before converting, so neither overflows a double
        int sa = Math.max(0, a.bitLength() - 64);
        int sb = Math.max(0, b.bitLength() - 64);
        double da = a.shiftRight(sa).doubleValue();
        double db = b.shiftRight(sb).doubleValue();
        return Math.scalb(da / db, sa - sb);
    }

    /** The one-sided p-value of {@code lift} with squared standard error {@code var} (docs/CONTROLS.md section 3). */
    public static double pValue(double lift, double var) {
        if (Double.isNaN(var)) {
            return 1.0;
        }
        if (var == 0) {
            return lift > 0 ? 0.0 : 1.0;
        }
        return upperTail(lift / Math.sqrt(var));
    }

    /** {@code 1 - Phi(z)} = erfc(z / sqrt 2) / 2. */
    public static double upperTail(double z) {
        return 0.5 * erfc(z / Math.sqrt(2.0));
    }

    /** Complementary error function, fractional error below 1.2e-7 everywhere (Numerical Recipes {@code erfcc}). */
    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double ans = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? ans : 2.0 - ans;
    }

    private static BigInteger big(long v) {
        return BigInteger.valueOf(v);
    }

    private static final BigInteger TWO = BigInteger.TWO;
}
