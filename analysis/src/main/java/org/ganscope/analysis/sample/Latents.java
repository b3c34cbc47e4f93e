package org.ganscope.analysis.sample;

import java.nio.FloatBuffer;

/**
 * Deterministic latent vectors: z(seed, index) depends on nothing else, so any sample
 * of an experiment can be recomputed from its index alone, on any worker, in any order.
 *
 * <p>Definition (documented so other languages can reproduce it): let
 * {@code mix(x)} be SplitMix64's finaliser and {@code G = 0x9E3779B97F4A7C15}.
 * {@code key = mix(seed ^ mix(index * G + 1))}. For pair {@code k = 0, 1, ...}:
 * {@code u1 = ((mix(key + (2k+1) G) >>> 11) + 1) * 2^-53} (in (0, 1]),
 * {@code u2 = (mix(key + (2k+2) G) >>> 11) * 2^-53} (in [0, 1)),
 * {@code r = sqrt(-2 ln u1)}, {@code z[2k] = r cos(2 pi u2)}, {@code z[2k+1] = r sin(2 pi u2)}
 * (Box-Muller, computed with {@link StrictMath} in double precision, then rounded to
 * float32; an odd last component uses the cosine only).
 */
public final class Latents {
    private static final long G = 0x9E3779B97F4A7C15L;
    private static final double TWO_POW_M53 = 0x1.0p-53;

    private Latents() {
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Writes z(seed, index) into {@code out} at its current position (advancing it by zdim). */
    public static void fill(long seed, long index, int zdim, FloatBuffer out) {
        long key = mix(seed ^ mix(index * G + 1));
        for (int k = 0; 2 * k < zdim; k++) {
            double u1 = ((mix(key + (2L * k + 1) * G) >>> 11) + 1) * TWO_POW_M53;
            double u2 = (mix(key + (2L * k + 2) * G) >>> 11) * TWO_POW_M53;
            double r = StrictMath.sqrt(-2.0 * StrictMath.log(u1));
            double a = 2.0 * StrictMath.PI * u2;
            out.put((float) (r * StrictMath.cos(a)));
            if (2 * k + 1 < zdim) {
                out.put((float) (r * StrictMath.sin(a)));
            }
        }
    }

    /** z for indices [start, start + count) into {@code out} from position 0. */
    public static void fillBatch(long seed, long start, int count, int zdim, FloatBuffer out) {
        out.position(0);
        for (int i = 0; i < count; i++) {
            fill(seed, start + i, zdim, out);
        }
        out.position(0);
    }

    public static float[] of(long seed, long index, int zdim) {
        FloatBuffer b = FloatBuffer.allocate(zdim);
        fill(seed, index, zdim, b);
        return b.array();
    }
}
