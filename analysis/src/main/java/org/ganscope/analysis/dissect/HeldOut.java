package org.ganscope.analysis.dissect;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * What the controls take from the threshold set (a seed never used for evaluation), fixed
 * before the evaluation pass so that every evaluation shard counts against the same masks:
 *
 * <ul>
 * <li>{@code classMap[c][p]}: how many threshold-set images have class {@code c} at pixel
 *   {@code p} (segmentation resolution). The <em>location mask</em> of area {@code k} for
 *   class {@code c} is the {@code k} pixels where {@code c} is most frequent there
 *   (ties: lower pixel index first), the same pixels in every image.</li>
 * <li>{@code area[u]}: the unit's mean mask size per threshold-set image at its own
 *   threshold ({@code round(#(up > thr) / images)}, pixels); its location masks have this
 *   area.</li>
 * <li>{@code topThresholds[u]}: NetDissect's top-1% rule (Hazen quantile at 0.99 of the
 *   unit's raw threshold-set values, SPEC section 2) for the threshold-sensitivity counts.</li>
 * <li>{@code labels[u]}: the unit's label when it is already fixed by the threshold set (IQR
 *   mode), else {@code -1} (quantile mode: the label is the evaluation IoU argmax); the
 *   bootstrap keeps replicate counts for the fixed label only, or for every class.</li>
 * </ul>
 */
public record HeldOut(int images, int pixels, long[][] classMap, int[] area, double[] topThresholds, int[] labels) {
    /** The top-1% rule of NetDissect, reported next to every dissection. */
    public static final double TOP_QUANTILE = 0.01;
    private static final int MAGIC = 0x4753484f; // "GSHO"

    public HeldOut {
        if (area.length != topThresholds.length || area.length != labels.length) {
            throw new IllegalArgumentException("one area, top threshold and label per unit expected");
        }
        for (long[] m : classMap) {
            if (m.length != pixels) {
                throw new IllegalArgumentException("class map rows must have " + pixels + " pixels");
            }
        }
    }

    public int units() {
        return area.length;
    }

    public int numClasses() {
        return classMap.length;
    }

    /**
     * From the threshold set's raw activations {@code acts[n][U][h][w]} and label maps
     * {@code seg[n][res][res]} at the chosen thresholds.
     */
    public static HeldOut of(float[] acts, int[] seg, int n, int units, int h, int w, int res, int classes,
            double[] thresholds, double[] topThresholds, int[] labels) {
        return of(acts, seg, n, units, h, w, res, classes, thresholds, topThresholds, labels, null);
    }

    /**
     * As above; {@code onPixels[u]}, when not null, is the unit's count of upsampled values
     * above its threshold over the threshold set, already known (IQR mode: from the level
     * tally at the chosen levels), instead of counted again.
     */
    public static HeldOut of(float[] acts, int[] seg, int n, int units, int h, int w, int res, int classes,
            double[] thresholds, double[] topThresholds, int[] labels, long[] onPixels) {
        return of(acts, new LabelMaps(seg, res * res), n, units, h, w, res, classes, thresholds, topThresholds, labels, onPixels);
    }

    /** As above, the label maps in their compact form. */
    static HeldOut of(float[] acts, LabelMaps seg, int n, int units, int h, int w, int res, int classes,
            double[] thresholds, double[] topThresholds, int[] labels, long[] onPixels) {
        int px = res * res;
        long[][] map = new long[classes][px];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < px; p++) {
                map[seg.get(i, p)][p]++;
            }
        }
        int hw = h * w;
        int[] area = new int[units];
        if (onPixels != null) {
            for (int u = 0; u < units; u++) {
                area[u] = (int) Math.min(px, Math.round((double) onPixels[u] / n));
            }
            return new HeldOut(n, px, map, area, topThresholds.clone(), labels.clone());
        }
        // image-major, so each label map is widened once; images in parallel, each thread
        // summing its own long counts (exact in any order)
        long[] on = IntStream.range(0, n).parallel().collect(() -> new OnCounts(h, w, res, units, classes), (c, i) -> {
            seg.image(i, c.lab);
            for (int u = 0; u < units; u++) {
                java.util.Arrays.fill(c.scratch, 0);
                c.kernel.count(acts, (i * units + u) * hw, thresholds[u], c.lab, 0, c.scratch, 0);
                for (long v : c.scratch) {
                    c.on[u] += v;
                }
            }
        }, (a, b) -> {
            for (int u = 0; u < units; u++) {
                a.on[u] += b.on[u];
            }
        }).on;
        for (int u = 0; u < units; u++) {
            area[u] = (int) Math.min(px, Math.round((double) on[u] / n));
        }
        return new HeldOut(n, px, map, area, topThresholds.clone(), labels.clone());
    }

    private static final class OnCounts {
        final EvalShard.Kernel kernel;
        final int[] lab;
        final long[] scratch;
        final long[] on;

        OnCounts(int h, int w, int res, int units, int classes) {
            kernel = new EvalShard.Kernel(h, w, res);
            lab = new int[res * res];
            scratch = new long[classes];
            on = new long[units];
        }
    }

    /** Pixels in decreasing threshold-set frequency of class {@code c}, ties by pixel index. */
    public int[] ranking(int c) {
        long[] m = classMap[c];
        return IntStream.range(0, pixels).boxed()
                .sorted((a, b) -> m[a] != m[b] ? Long.compare(m[b], m[a]) : Integer.compare(a, b))
                .mapToInt(Integer::intValue).toArray();
    }

    public void write(DataOutputStream out) throws IOException {
        out.writeInt(MAGIC);
        out.writeInt(images);
        out.writeInt(pixels);
        out.writeInt(classMap.length);
        out.writeInt(area.length);
        for (long[] m : classMap) {
            for (long v : m) {
                out.writeLong(v);
            }
        }
        for (int u = 0; u < area.length; u++) {
            out.writeInt(area[u]);
            out.writeDouble(topThresholds[u]);
            out.writeInt(labels[u]);
        }
    }

    public static HeldOut read(DataInputStream in) throws IOException {
        if (in.readInt() != MAGIC) {
            throw new IOException("not a ganscope held-out control set");
        }
        int images = in.readInt();
        int pixels = in.readInt();
        long[][] map = new long[in.readInt()][pixels];
        int units = in.readInt();
        for (long[] m : map) {
            for (int p = 0; p < pixels; p++) {
                m[p] = in.readLong();
            }
        }
        int[] area = new int[units];
        double[] top = new double[units];
        int[] labels = new int[units];
        for (int u = 0; u < units; u++) {
            area[u] = in.readInt();
            top[u] = in.readDouble();
            labels[u] = in.readInt();
        }
        return new HeldOut(images, pixels, map, area, top, labels);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HeldOut h && h.images == images && h.pixels == pixels && Arrays.deepEquals(h.classMap, classMap)
                && Arrays.equals(h.area, area) && Arrays.equals(h.topThresholds, topThresholds) && Arrays.equals(h.labels, labels);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(area) * 31 + images;
    }
}
