package org.ganscope.analysis.bundle;

/** The real images' label statistics a bundle ships, per concept group. */
public final class RealLabels {
    private RealLabels() {
    }

    /**
     * The share of real pixels of every class of group {@code g}: the manifest's
     * {@code real_pixel_share} where it records one (schema 2, over thousands of renders),
     * else counted on the group's real label sheet (every pixel of its tiles).
     */
    public static double[] pixelShares(Bundle b, Manifest.ConceptGroup g) {
        double[] share = new double[g.numClasses()];
        if (!g.realPixelShare().isEmpty()) {
            for (int c = 0; c < share.length; c++) {
                share[c] = g.realPixelShare().getOrDefault(g.classes().get(c).name(), 0.0);
            }
            return share;
        }
        long[] counts = BundleVerifier.RealSampleCheck.counts(b, g, BundleVerifier.RealSampleCheck.read(b, g.realLabelSheet()));
        long total = 0;
        for (long n : counts) {
            total += n;
        }
        for (int c = 0; c < share.length; c++) {
            share[c] = (double) counts[c] / total;
        }
        return share;
    }

    /** Where {@link #pixelShares} comes from, in words. */
    public static String source(Bundle b, Manifest.ConceptGroup g) {
        return g.realPixelShare().isEmpty() ? g.realLabelSheet() + " (" + b.manifest().real().count() + " real images)"
                : "the manifest's real_pixel_share";
    }
}
