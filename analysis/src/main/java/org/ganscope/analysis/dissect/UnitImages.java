package org.ganscope.analysis.dissect;

import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import org.ganscope.analysis.model.LayerModel;

/**
 * Renders a unit's top images on demand from sample indices: each tile is the
 * generated image with the unit's thresholded activation (bilinearly upsampled to image
 * size) as a heat-map overlay: outside the mask the image is darkened, the mask's edge is
 * outlined in yellow.
 */
public final class UnitImages {
    private UnitImages() {
    }

    /** The colour of pixel (x, y) of a tile, from the generated image, its labels and the unit's thresholded mask (image size). */
    public interface Tile {
        int rgb(FloatBuffer image, int[] labels, boolean[] unitMask, int x, int y);
    }

    /**
     * @param scale integer magnification of each tile (nearest neighbour)
     */
    public static BufferedImage strip(LayerModel model, long seed, long[] indices, int unit, double threshold, int scale) {
        int s = model.bundle().manifest().imageSize();
        return strip(model, seed, indices, unit, threshold, scale, (x, labels, mask, xx, y) -> overlay(x, s, y * s + xx, mask, xx, y));
    }

    /** The tiles of samples {@code indices}, each coloured by {@code tile} (e.g. a formula's region, see FormulaImages). */
    public static BufferedImage strip(LayerModel model, long seed, long[] indices, int unit, double threshold, int scale, Tile tile) {
        var layer = model.layer();
        int s = model.bundle().manifest().imageSize();
        int t = s * scale;
        BufferedImage out = new BufferedImage(Math.max(1, indices.length) * t, t, BufferedImage.TYPE_INT_RGB);
        Upsampler up = new Upsampler(layer.height(), layer.width(), s, s);
        double[] heat = new double[s * s];
        boolean[] mask = new boolean[s * s];
        for (int k = 0; k < indices.length; k++) {
            model.generate(seed, indices[k], 1);
            up.apply(model.activations(), unit * layer.pixels(), heat, 0);
            for (int p = 0; p < s * s; p++) {
                mask[p] = heat[p] > threshold;
            }
            FloatBuffer x = model.images();
            int[] labels = model.labels();
            for (int y = 0; y < s; y++) {
                for (int xx = 0; xx < s; xx++) {
                    int rgb = tile.rgb(x, labels, mask, xx, y);
                    for (int dy = 0; dy < scale; dy++) {
                        for (int dx = 0; dx < scale; dx++) {
                            out.setRGB(k * t + xx * scale + dx, y * scale + dy, rgb);
                        }
                    }
                }
            }
        }
        return out;
    }

    /** The generated image alone (no overlay), RGB. */
    public static BufferedImage image(LayerModel model, long seed, long index) {
        int s = model.bundle().manifest().imageSize();
        model.generate(seed, index, 1);
        BufferedImage out = new BufferedImage(s, s, BufferedImage.TYPE_INT_RGB);
        FloatBuffer x = model.images();
        for (int p = 0; p < s * s; p++) {
            out.setRGB(p % s, p / s, rgb(x, s, p, 1.0));
        }
        return out;
    }

    static int rgb(FloatBuffer x, int s, int p, double f) {
        return rgb(x, 0, s, p, f);
    }

    /** Packed RGB of pixel {@code p} of image {@code i} in a batch [n][3][S][S] in [-1, 1], scaled by {@code f}. */
    public static int rgb(FloatBuffer x, int i, int s, int p, double f) {
        int plane = s * s;
        int base = i * 3 * plane;
        int r = channel(x.get(base + p), f);
        int g = channel(x.get(base + plane + p), f);
        int b = channel(x.get(base + 2 * plane + p), f);
        return (r << 16) | (g << 8) | b;
    }

    private static int channel(float v, double f) {
        double c = (v + 1.0) * 127.5 * f;
        return (int) Math.max(0, Math.min(255, Math.round(c)));
    }

    private static int overlay(FloatBuffer x, int s, int p, boolean[] mask, int xx, int y) {
        if (!mask[p]) {
            return rgb(x, s, p, 0.3);
        }
        return isEdge(mask, s, xx, y) ? 0xFFE000 : rgb(x, s, p, 1.0);
    }

    /** Whether (x, y) is in an s x s mask with a 4-neighbour outside it. */
    public static boolean isEdge(boolean[] mask, int s, int x, int y) {
        int p = y * s + x;
        return mask[p] && ((x > 0 && !mask[p - 1]) || (x < s - 1 && !mask[p + 1]) || (y > 0 && !mask[p - s]) || (y < s - 1 && !mask[p + s]));
    }
}
