package org.ganscope.analysis.intervene;

import java.util.Arrays;

/**
 * Interventions on a batch of representations r [batch][U][h][w] (in place): the
 * GANPaint-style edits of METHOD.md section 4, applied between h_L and f_L.
 */
public final class Edits {
    private Edits() {
    }

    /** Sets {@code units} to 0 at every pixel of samples [0, batch). */
    public static void ablate(float[] r, int batch, int units, int hw, int[] which) {
        for (int b = 0; b < batch; b++) {
            for (int u : which) {
                int off = (b * units + u) * hw;
                Arrays.fill(r, off, off + hw, 0f);
            }
        }
    }

    /** Sets {@code units} to 0 at every pixel of row {@code row} only. */
    public static void ablateRow(float[] r, int row, int units, int hw, int[] which) {
        for (int u : which) {
            int off = (row * units + u) * hw;
            Arrays.fill(r, off, off + hw, 0f);
        }
    }

    /**
     * Sets unit {@code which[i]} of sample {@code b} to {@code (1 - alpha) r + alpha k[i]}
     * inside region {@code p}: alpha 1 inserts the constant, k = 0 with alpha 1 ablates
     * inside the region only.
     */
    public static void setInRegion(float[] r, int b, int units, int h, int w, int[] which, float[] k, float alpha, Region p) {
        for (int i = 0; i < which.length; i++) {
            int off = (b * units + which[i]) * h * w;
            for (int y = p.y0(); y < p.y0() + p.height(); y++) {
                for (int x = p.x0(); x < p.x0() + p.width(); x++) {
                    int q = off + y * w + x;
                    r[q] = (1 - alpha) * r[q] + alpha * k[i];
                }
            }
        }
    }

    /**
     * Sets unit {@code which[i]} of sample {@code b} to {@code k[i]} at the layer pixels where
     * {@code mask} is true (a painted region at layer resolution, h*w entries); k of 0 removes.
     */
    public static void setInMask(float[] r, int b, int units, int hw, int[] which, float[] k, boolean[] mask) {
        if (mask.length != hw) {
            throw new IllegalArgumentException("the mask has " + mask.length + " pixels, the layer " + hw);
        }
        for (int i = 0; i < which.length; i++) {
            int off = (b * units + which[i]) * hw;
            for (int q = 0; q < hw; q++) {
                if (mask[q]) {
                    r[off + q] = k[i];
                }
            }
        }
    }
}
