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
 * segmenter labels as the class before and after, and how much the picture itself changed
 * there, and draws a 3 x 2 panel with the region outlined: before | after | the change
 * |after - before| amplified (its gain reported) on top; below, where the segmenter sees the
 * class before and after (tinted) and where it lost (red) or gained (green) it. An edit often
 * changes a 64-pixel image by a few levels only: the amplified change and the class maps show
 * where and how much, where two near-identical pictures side by side would not.
 */
public final class PaintEdit {
    /**
     * @param before/after fraction of the painted region's segmentation pixels labelled as the class
     * @param meanChange mean |after - before| over the region's image pixels and channels, in levels of 0..255
     * @param maxChange the largest such difference of one channel of one pixel in the image
     * @param gain how much the change panel amplifies |after - before| (1 when nothing changed)
     */
    public record Result(BufferedImage image, double before, double after, long regionPixels, double meanChange, int maxChange, int gain) {
    }

    /** Gaps between the panels, in output pixels per unit of scale. */
    private static final int GAP = 4;
    /** The change panel never amplifies more than this (a change of 1 level stays dark). */
    private static final int MAX_GAIN = 16;

    private PaintEdit() {
    }

    /** The panel's width and height for images of {@code s} pixels at {@code scale}. */
    public static int[] size(int s, int scale) {
        return new int[] {3 * s * scale + 2 * GAP * scale, 2 * s * scale + GAP * scale};
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
        int[] labelsBefore = m.labels().clone();
        double before = fraction(labelsBefore, segRegion, classIndex, n);
        int s = m.bundle().manifest().imageSize();
        int[] rgbBefore = pixels(m.images(), s);
        float[] r = Arrays.copyOf(m.activations(), layer.units() * hw);
        float[] values = k != null ? k : new float[units.length];
        Edits.setInMask(r, 0, layer.units(), hw, units, values, region);
        m.renderEdited(r, 1);
        int[] labelsAfter = m.labels().clone();
        double after = fraction(labelsAfter, segRegion, classIndex, n);
        int[] rgbAfter = pixels(m.images(), s);

        // how much the picture changed: per channel |after - before|, its mean over the region and its maximum
        int[] change = new int[s * s];
        int max = 0;
        long sum = 0;
        long inRegion = 0;
        for (int p = 0; p < s * s; p++) {
            int d = 0;
            int c = 0;
            for (int sh = 0; sh <= 16; sh += 8) {
                int v = Math.abs((rgbAfter[p] >> sh & 0xFF) - (rgbBefore[p] >> sh & 0xFF));
                d = Math.max(d, v);
                c += v;
            }
            change[p] = d;
            max = Math.max(max, d);
            if (region[((p / s) * layer.height() / s) * layer.width() + (p % s) * layer.width() / s]) {
                sum += c;
                inRegion += 3;
            }
        }
        int gain = max == 0 ? 1 : Math.max(1, Math.min(MAX_GAIN, 255 / max));

        int[] wh = size(s, scale);
        BufferedImage out = new BufferedImage(wh[0], wh[1], BufferedImage.TYPE_INT_RGB);
        int t = s * scale;
        int step = t + GAP * scale;
        java.awt.Graphics2D g = out.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, wh[0], wh[1]);
        g.dispose();
        int[] heat = new int[s * s];
        int[] classBefore = new int[s * s];
        int[] classAfter = new int[s * s];
        int[] classChange = new int[s * s];
        for (int p = 0; p < s * s; p++) {
            int v = Math.min(255, change[p] * gain);
            heat[p] = (v << 16) | (v << 8) | v; // white where the picture changed most, black where it did not
            int q = ((p / s) * res / s) * res + (p % s) * res / s;
            boolean was = labelsBefore[q] == classIndex;
            boolean is = labelsAfter[q] == classIndex;
            classBefore[p] = was ? tint(rgbBefore[p], 0x00C8FF) : dim(rgbBefore[p]);
            classAfter[p] = is ? tint(rgbAfter[p], 0x00C8FF) : dim(rgbAfter[p]);
            classChange[p] = was && !is ? 0xE53935 : !was && is ? 0x43A047 : dim(dim(rgbAfter[p]));
        }
        int[][] panels = {rgbBefore, rgbAfter, heat, classBefore, classAfter, classChange};
        for (int i = 0; i < panels.length; i++) {
            draw(out, (i % 3) * step, (i / 3) * step, panels[i], s, scale, region, layer.height(), layer.width());
        }
        return new Result(out, before, after, n, inRegion == 0 ? 0 : (double) sum / inRegion, max, gain);
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

    /** The generated image as packed RGB, s x s. */
    private static int[] pixels(FloatBuffer img, int s) {
        int[] out = new int[s * s];
        for (int p = 0; p < out.length; p++) {
            out[p] = UnitImages.rgb(img, 0, s, p, 1.0);
        }
        return out;
    }

    /** Half the picture, half {@code colour}. */
    private static int tint(int rgb, int colour) {
        return ((rgb >> 1) & 0x7F7F7F) + ((colour >> 1) & 0x7F7F7F);
    }

    /** The picture at half its brightness, in grey. */
    private static int dim(int rgb) {
        int v = ((rgb >> 16 & 0xFF) + (rgb >> 8 & 0xFF) + (rgb & 0xFF)) / 6;
        return (v << 16) | (v << 8) | v;
    }

    /** An s x s picture at ({@code x0}, {@code y0}), magnified {@code scale} times, the painted region's border in yellow. */
    private static void draw(BufferedImage out, int x0, int y0, int[] rgb, int s, int scale, boolean[] region, int h, int w) {
        int t = s * scale;
        for (int y = 0; y < t; y++) {
            for (int x = 0; x < t; x++) {
                boolean edge = in(region, x, y, t, h, w) && (!in(region, x - 1, y, t, h, w) || !in(region, x + 1, y, t, h, w)
                        || !in(region, x, y - 1, t, h, w) || !in(region, x, y + 1, t, h, w));
                out.setRGB(x0 + x, y0 + y, edge ? 0xFFE000 : rgb[(y / scale) * s + x / scale]);
            }
        }
    }

    /** Whether output pixel (x, y) of a t x t tile lies in the region (outside the tile counts as not). */
    private static boolean in(boolean[] region, int x, int y, int t, int h, int w) {
        return x >= 0 && y >= 0 && x < t && y < t && region[(y * h / t) * w + x * w / t];
    }
}
