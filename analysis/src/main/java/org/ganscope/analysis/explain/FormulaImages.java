package org.ganscope.analysis.explain;

import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import org.ganscope.analysis.dissect.UnitImages;
import org.ganscope.analysis.dissect.Upsampler;
import org.ganscope.analysis.model.LayerModel;

/**
 * Example images of a unit's explanation, rendered on demand from sample indices: the
 * formula's mask (from the segmentation of each image) is shown in full colour and the rest
 * darkened; the unit's thresholded activation (bilinearly upsampled) is outlined in yellow.
 * Where the outline hugs the bright region, the formula explains the unit.
 */
public final class FormulaImages {
    private FormulaImages() {
    }

    public static BufferedImage strip(LayerModel model, long seed, long[] indices, int unit, double threshold, Formula formula, int scale) {
        var layer = model.layer();
        int s = model.bundle().manifest().imageSize();
        int res = (int) Math.round(Math.sqrt(model.segPixels()));
        int t = s * scale;
        BufferedImage out = new BufferedImage(Math.max(1, indices.length) * t, t, BufferedImage.TYPE_INT_RGB);
        Upsampler up = new Upsampler(layer.height(), layer.width(), s, s);
        double[] heat = new double[s * s];
        boolean[] unitMask = new boolean[s * s];
        for (int k = 0; k < indices.length; k++) {
            model.generate(seed, indices[k], 1);
            up.apply(model.activations(), unit * layer.pixels(), heat, 0);
            for (int p = 0; p < s * s; p++) {
                unitMask[p] = heat[p] > threshold;
            }
            int[] labels = model.labels();
            FloatBuffer x = model.images();
            for (int y = 0; y < s; y++) {
                for (int xx = 0; xx < s; xx++) {
                    int p = y * s + xx;
                    boolean inFormula = formula.test(labels[(y * res / s) * res + xx * res / s]);
                    int rgb = edge(unitMask, s, xx, y) ? 0xFFE000 : UnitImages.rgb(x, 0, s, p, inFormula ? 1.0 : 0.3);
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

    private static boolean edge(boolean[] mask, int s, int x, int y) {
        int p = y * s + x;
        return mask[p] && ((x > 0 && !mask[p - 1]) || (x < s - 1 && !mask[p + 1]) || (y > 0 && !mask[p - s]) || (y < s - 1 && !mask[p + s]));
    }
}
