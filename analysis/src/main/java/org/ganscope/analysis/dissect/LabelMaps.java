package org.ganscope.analysis.dissect;

/**
 * The threshold set's label maps, {@code images} maps of {@code pixels} labels, in the
 * narrowest integer type that holds the classes: one byte per pixel up to 256 classes
 * (a quarter of an int array: 16 MB instead of 66 MB for 1,000 maps of 128 x 128), two up
 * to 65,536, else four.
 */
final class LabelMaps {
    private final int pixels;
    private final byte[] bytes;
    private final short[] shorts;
    private final int[] ints;

    LabelMaps(int images, int pixels, int classes) {
        this.pixels = pixels;
        int size = Math.multiplyExact(images, pixels);
        bytes = classes <= 256 ? new byte[size] : null;
        shorts = classes > 256 && classes <= 65536 ? new short[size] : null;
        ints = classes > 65536 ? new int[size] : null;
    }

    /** Wraps existing int label maps (no copy). */
    LabelMaps(int[] labels, int pixels) {
        this.pixels = pixels;
        this.bytes = null;
        this.shorts = null;
        this.ints = labels;
    }

    /** Stores {@code count} maps from {@code src[srcOff ..]} as maps {@code first ..}. */
    void put(int first, int[] src, int srcOff, int count) {
        int n = count * pixels;
        int o = first * pixels;
        if (ints != null) {
            System.arraycopy(src, srcOff, ints, o, n);
        } else if (bytes != null) {
            for (int k = 0; k < n; k++) {
                bytes[o + k] = (byte) src[srcOff + k];
            }
        } else {
            for (int k = 0; k < n; k++) {
                shorts[o + k] = (short) src[srcOff + k];
            }
        }
    }

    /** Map {@code i} into {@code dst[0 .. pixels)}. */
    void image(int i, int[] dst) {
        int o = i * pixels;
        if (ints != null) {
            System.arraycopy(ints, o, dst, 0, pixels);
        } else if (bytes != null) {
            for (int p = 0; p < pixels; p++) {
                dst[p] = bytes[o + p] & 0xFF;
            }
        } else {
            for (int p = 0; p < pixels; p++) {
                dst[p] = shorts[o + p] & 0xFFFF;
            }
        }
    }

    /** Label of pixel {@code p} in map {@code i}. */
    int get(int i, int p) {
        int k = i * pixels + p;
        return ints != null ? ints[k] : bytes != null ? bytes[k] & 0xFF : shorts[k] & 0xFFFF;
    }

    int pixels() {
        return pixels;
    }
}
