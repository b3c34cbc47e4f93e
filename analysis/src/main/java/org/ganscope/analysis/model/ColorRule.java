package org.ganscope.analysis.model;

/**
 * The exact colour rule {@code broden11-hsv-1}: Broden's 11 colour terms of a uint8 RGB
 * pixel, as the zoo-v2 renderer defines them ({@code scenes2.color_names} in models/,
 * documented in models/README.md). float64 with + - * / only, so it is bit-for-bit the
 * rule NumPy computes; checked against the renderer's own labels in ColorRuleTest.
 * Indices are those of the colour group's class table (0 = none is never returned).
 */
public final class ColorRule {
    public static final int BLACK = 1;
    public static final int BLUE = 2;
    public static final int BROWN = 3;
    public static final int GREY = 4;
    public static final int GREEN = 5;
    public static final int ORANGE = 6;
    public static final int PINK = 7;
    public static final int PURPLE = 8;
    public static final int RED = 9;
    public static final int WHITE = 10;
    public static final int YELLOW = 11;
    /** The class names in index order, index 0 being "none": the group table the rule's indices refer to. */
    public static final String[] NAMES = {"none", "black", "blue", "brown", "grey", "green", "orange", "pink", "purple",
        "red", "white", "yellow"};

    private ColorRule() {
    }

    /** The colour term of one pixel, r, g, b in 0..255. */
    public static int of(int red, int green, int blue) {
        double r = red;
        double g = green;
        double b = blue;
        double mx = Math.max(Math.max(r, g), b);
        double mn = Math.min(Math.min(r, g), b);
        double v = mx / 255.0;
        double c = (mx - mn) / 255.0;
        double s = mx > 0 ? (mx - mn) / mx : 0.0;
        double d = mx > mn ? mx - mn : 1.0;
        double h;
        if (mx == r) {
            h = (g - b) / d * 60.0;
        } else if (mx == g) {
            h = (2.0 + (b - r) / d) * 60.0;
        } else {
            h = (4.0 + (r - g) / d) * 60.0;
        }
        if (h < 0) {
            h = h + 360.0;
        }
        if (v < 0.20) {
            return BLACK;
        }
        if (s < 0.25 || c < 0.08) {
            return v < 0.30 ? BLACK : v >= 0.85 ? WHITE : GREY;
        }
        if ((h >= 10 && h < 50 && v < 0.62) || ((h >= 350 || h < 10) && v < 0.40)) {
            return BROWN;
        }
        if ((((h >= 330 || h < 15) && s < 0.55) || (h >= 290 && h < 330)) && v >= 0.62) {
            return PINK;
        }
        if (h >= 345 || h < 15) {
            return RED;
        }
        if (h < 42) {
            return ORANGE;
        }
        if (h < 70) {
            return YELLOW;
        }
        if (h < 165) {
            return GREEN;
        }
        if (h < 255) {
            return BLUE;
        }
        if (h < 290) {
            return PURPLE;
        }
        return v < 0.62 ? PURPLE : PINK;
    }

    /**
     * Colour labels of a batch of images [count][3][S][S] in [-1, 1] (the generator's
     * output), each channel quantised to uint8 as everywhere else in ganscope
     * ({@link #toByte}), into {@code out} [count][S][S].
     */
    public static void label(float[] images, int count, int pixels, int[] out) {
        for (int b = 0; b < count; b++) {
            int base = b * 3 * pixels;
            for (int p = 0; p < pixels; p++) {
                out[b * pixels + p] = of(toByte(images[base + p]), toByte(images[base + pixels + p]),
                        toByte(images[base + 2 * pixels + p]));
            }
        }
    }

    /**
     * An image value in [-1, 1] as uint8 the way the exporters write sample grids:
     * (v + 1) * 127.5 in float32, clamped to [0, 255], rounded half to even (NumPy's round).
     */
    public static int toByte(float v) {
        float q = (v + 1f) * 127.5f;
        q = Math.max(0f, Math.min(255f, q));
        return (int) Math.rint(q);
    }
}
