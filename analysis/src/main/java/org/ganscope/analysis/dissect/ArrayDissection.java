package org.ganscope.analysis.dissect;

import java.util.Arrays;

/**
 * Dissection of in-memory arrays, SPEC sections 1-5: activations {@code acts[N][U][h][w]}
 * (float or double, C order) and labels {@code seg[N][H][W]} in {@code [0, C)}. Features are
 * upsampled plane by plane ({@link Upsampler}) to {@code H x W} and counted with
 * {@link ThresholdTally} / {@link LevelTally}; thresholds and IoU come from this one data set.
 * Holds no upsampled copy of the data beyond one unit's values (for the IQR levels).
 */
public final class ArrayDissection {
    private final float[] actsF;
    private final double[] actsD;
    private final int images;
    private final int units;
    private final int h;
    private final int w;
    private final int[] seg;
    private final int outH;
    private final int outW;
    private final int classes;

    /** Result of IQR mode: the selection (section 4) and the report at its thresholds (section 5). */
    public record IqrResult(IqrSelection selection, DissectionReport report) {
    }

    private ArrayDissection(float[] f, double[] d, int images, int units, int h, int w, int[] seg, int outH,
            int outW, int classes) {
        long len = f != null ? f.length : d.length;
        if (images < 1 || units < 1 || h < 1 || w < 1 || outH < 1 || outW < 1) {
            throw new IllegalArgumentException("all dimensions must be positive");
        }
        if (len != (long) images * units * h * w) {
            throw new IllegalArgumentException("activations hold " + len + " values, not N*U*h*w");
        }
        if (seg.length != (long) images * outH * outW) {
            throw new IllegalArgumentException("segmentation holds " + seg.length + " labels, not N*H*W");
        }
        if (classes < 2) {
            throw new IllegalArgumentException("need at least 2 classes, got " + classes);
        }
        this.actsF = f;
        this.actsD = d;
        this.images = images;
        this.units = units;
        this.h = h;
        this.w = w;
        this.seg = seg;
        this.outH = outH;
        this.outW = outW;
        this.classes = classes;
    }

    public static ArrayDissection of(float[] acts, int n, int units, int h, int w, int[] seg, int outH, int outW,
            int classes) {
        return new ArrayDissection(acts, null, n, units, h, w, seg, outH, outW, classes);
    }

    public static ArrayDissection of(double[] acts, int n, int units, int h, int w, int[] seg, int outH,
            int outW, int classes) {
        return new ArrayDissection(null, acts, n, units, h, w, seg, outH, outW, classes);
    }

    public int images() {
        return images;
    }

    /** Quantile-mode thresholds (section 2) over the raw activations. */
    public double[] quantileThresholds(double q) {
        return actsF != null ? Quantiles.thresholds(actsF, images, units, h * w, q)
                : Quantiles.thresholds(actsD, images, units, h * w, q);
    }

    /** Quantile mode: thresholds at tail fraction {@code q}, labels by IoU argmax (section 5). */
    public DissectionReport quantileReport(double q) {
        return DissectionReport.byIou(tally(quantileThresholds(q)));
    }

    /** Counts of all images at fixed thresholds. */
    public ThresholdTally tally(double[] thresholds) {
        ThresholdTally t = new ThresholdTally(thresholds, classes);
        addTo(t, 0, images);
        return t;
    }

    /** Adds images {@code [from, to)} to a threshold tally. */
    public void addTo(ThresholdTally t, int from, int to) {
        Upsampler up = upsampler();
        double[] buf = new double[outH * outW];
        int plane = outH * outW;
        for (int i = from; i < to; i++) {
            for (int u = 0; u < units; u++) {
                upsample(up, i, u, buf, 0);
                t.addPlane(u, buf, 0, seg, i * plane, plane);
            }
        }
    }

    /** Adds images {@code [from, to)} to a level tally. */
    public void addTo(LevelTally t, int from, int to) {
        Upsampler up = upsampler();
        double[] buf = new double[outH * outW];
        int plane = outH * outW;
        for (int i = from; i < to; i++) {
            for (int u = 0; u < units; u++) {
                upsample(up, i, u, buf, 0);
                t.addPlane(u, buf, 0, seg, i * plane, plane);
            }
        }
    }

    /** The 100 IQR candidate levels per unit (section 4): quantiles of all upsampled values. */
    public double[][] iqrLevels() {
        Upsampler up = upsampler();
        int plane = outH * outW;
        double[] vals = new double[Math.multiplyExact(images, plane)];
        double[][] levels = new double[units][];
        for (int u = 0; u < units; u++) {
            for (int i = 0; i < images; i++) {
                upsample(up, i, u, vals, i * plane);
            }
            Arrays.sort(vals);
            levels[u] = IqrLevels.levels(vals);
        }
        return levels;
    }

    /** IQR mode: level counts, selection, and the report at the chosen thresholds. */
    public IqrResult iqr() {
        LevelTally lt = new LevelTally(iqrLevels(), classes);
        addTo(lt, 0, images);
        IqrSelection sel = IqrSelection.select(lt);
        DissectionReport report = DissectionReport.fromSelection(lt.atLevels(sel.chosenLevel()), sel);
        return new IqrResult(sel, report);
    }

    private Upsampler upsampler() {
        return new Upsampler(h, w, outH, outW);
    }

    private void upsample(Upsampler up, int image, int unit, double[] dst, int dstOff) {
        int off = (image * units + unit) * h * w;
        if (actsF != null) {
            up.apply(actsF, off, dst, dstOff);
        } else {
            up.apply(actsD, off, dst, dstOff);
        }
    }
}
