package org.ganscope.analysis.intervene;

import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.ganscope.analysis.dissect.UnitImages;
import org.ganscope.analysis.model.LayerModel;

/**
 * GANPaint-style editing of one generated image: inside a painted region (layer
 * resolution) the chosen units are removed (set to 0) or inserted (set to their constants
 * k), then only f and the segmenter run again. Reports how much of the painted region the
 * segmenter labels as the class before and after, and draws both images side by side with
 * the region outlined.
 */
public final class PaintEdit {
    /** @param before/after fraction of the painted region's segmentation pixels labelled as the class */
    public record Result(BufferedImage image, double before, double after, long regionPixels) {
    }

    private PaintEdit() {
    }

    /**
     * @param k null to remove the units, else the value each unit is set to
     * @param mask painted layer pixels (h*w); all false means the whole image
     */
    public static Result apply(LayerModel m, long seed, long index, int classIndex, int[] units, float[] k, boolean[] mask, int scale) {
        var layer = m.layer();
        int hw = layer.pixels();
        boolean[] region = mask;
        boolean any = false;
        for (boolean b : mask) {
            any |= b;
        }
        if (!any) {
            region = new boolean[hw];
            Arrays.fill(region, true);
        }
        m.generate(seed, index, 1);
        int seg = m.segPixels();
        int res = (int) Math.round(Math.sqrt(seg));
        boolean[] segRegion = new boolean[seg];
        long n = 0;
        for (int p = 0; p < seg; p++) {
            int y = (p / res) * layer.height() / res;
            int x = (p % res) * layer.width() / res;
            segRegion[p] = region[y * layer.width() + x];
            n += segRegion[p] ? 1 : 0;
        }
        double before = fraction(m.labels(), segRegion, classIndex, n);
        int s = m.bundle().manifest().imageSize();
        BufferedImage out = new BufferedImage(2 * s * scale + scale * 4, s * scale, BufferedImage.TYPE_INT_RGB);
        draw(out, 0, m.images(), s, scale, region, layer.height(), layer.width());
        float[] r = Arrays.copyOf(m.activations(), layer.units() * hw);
        float[] values = k != null ? k : new float[units.length];
        Edits.setInMask(r, 0, layer.units(), hw, units, values, region);
        m.renderEdited(r, 1);
        double after = fraction(m.labels(), segRegion, classIndex, n);
        draw(out, s * scale + scale * 4, m.images(), s, scale, region, layer.height(), layer.width());
        return new Result(out, before, after, n);
    }

    private static double fraction(int[] labels, boolean[] region, int classIndex, long n) {
        long c = 0;
        for (int p = 0; p < region.length; p++) {
            if (region[p] && labels[p] == classIndex) {
                c++;
            }
        }
        return n == 0 ? 0 : (double) c / n;
    }

    /** The image at x offset {@code x0}, the painted region's border in yellow. */
    private static void draw(BufferedImage out, int x0, FloatBuffer img, int s, int scale, boolean[] region, int h, int w) {
        int t = s * scale;
        for (int y = 0; y < t; y++) {
            for (int x = 0; x < t; x++) {
                boolean edge = in(region, x, y, t, h, w) && (!in(region, x - 1, y, t, h, w) || !in(region, x + 1, y, t, h, w)
                        || !in(region, x, y - 1, t, h, w) || !in(region, x, y + 1, t, h, w));
                out.setRGB(x0 + x, y, edge ? 0xFFE000 : UnitImages.rgb(img, 0, s, (y / scale) * s + x / scale, 1.0));
            }
        }
    }

    /** Whether output pixel (x, y) of a t x t tile lies in the region (outside the tile counts as not). */
    private static boolean in(boolean[] region, int x, int y, int t, int h, int w) {
        return x >= 0 && y >= 0 && x < t && y < t && region[(y * h / t) * w + x * w / t];
    }
}
