package org.ganscope.analysis.bundle;

/** The real images' label statistics a bundle ships, per concept group. */
public final class RealLabels {
    private RealLabels() {
    }

    /**
     * The share of real pixels of every class of group {@code g}: the manifest's
     * {@code real_pixel_share} where it records one (schema 2, over thousands of renders),
     * else counted on the group's real label sheet
     * (every pixel of its {@code count} tiles; the padding after the last one is not an image).
     */
    public static double[] pixelShares(Bundle b, Manifest.ConceptGroup g) {
        double[] share = new double[g.numClasses()];
        if (!g.realPixelShare().isEmpty()) {
            for (int c = 0; c < share.length; c++) {
                share[c] = g.realPixelShare().getOrDefault(g.classes().get(c).name(), 0.0);
            }
            return share;
        }
        // the sheet's real images only: its last row is padded with empty tiles (label 0) when the count is not a multiple
        // of the columns, and counting those inflated the background share (outdoor-base: 70 tiles' area for 64 images)
        long[] counts = new long[share.length];
        for (int[] tile : tileCounts(b, g)) {
            for (int c = 0; c < share.length; c++) {
                counts[c] += tile[c];
            }
        }
        long total = 0;
        for (long n : counts) {
            total += n;
        }
        for (int c = 0; c < share.length; c++) {
            share[c] = (double) counts[c] / total;
        }
        return share;
    }

    /** Whether {@link #pixelShares} of the group are counted on its label sheet (so {@link #tileCounts} resamples the same images). */
    public static boolean fromSheet(Manifest.ConceptGroup g) {
        return g.realPixelShare().isEmpty();
    }

    /**
     * Pixels per class of every real image of group {@code g}'s label sheet: {@code [tile][class]}, tiles in sheet
     * order (row by row, {@code columns} per row), {@code count} of them. Summed over tiles they are the sheet's
     * counts behind {@link #pixelShares} (for a group without a manifest share).
     */
    public static int[][] tileCounts(Bundle b, Manifest.ConceptGroup g) {
        Manifest.RealSample r = b.manifest().real();
        int s = b.manifest().imageSize();
        var sheet = BundleVerifier.RealSampleCheck.read(b, g.realLabelSheet());
        var raster = sheet.getRaster();
        int[] px = new int[raster.getNumBands()];
        int[][] out = new int[r.count()][g.numClasses()];
        for (int t = 0; t < r.count(); t++) {
            int x0 = (t % r.columns()) * s;
            int y0 = (t / r.columns()) * s;
            for (int y = 0; y < s; y++) {
                for (int x = 0; x < s; x++) {
                    int v = raster.getPixel(x0 + x, y0 + y, px)[0];
                    if (v >= g.numClasses()) {
                        throw new BundleException("bundle " + b.name() + ": " + g.realLabelSheet() + " has label " + v + " at (" + (x0 + x) + ","
                                + (y0 + y) + "), but group " + g.name() + " has " + g.numClasses() + " classes");
                    }
                    out[t][v]++;
                }
            }
        }
        return out;
    }

    /** Where {@link #pixelShares} comes from, in words. */
    public static String source(Bundle b, Manifest.ConceptGroup g) {
        return g.realPixelShare().isEmpty() ? g.realLabelSheet() + " (" + b.manifest().real().count() + " real images)"
                : "the manifest's real_pixel_share";
    }
}
