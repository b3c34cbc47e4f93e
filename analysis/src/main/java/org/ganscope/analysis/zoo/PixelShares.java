package org.ganscope.analysis.zoo;

import java.util.ArrayList;
import java.util.List;
import org.ganscope.analysis.Progress;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.Manifest;
import org.ganscope.analysis.bundle.RealLabels;
import org.ganscope.analysis.dissect.Bootstrap;
import org.ganscope.analysis.model.LayerModel;

/**
 * What a generator cannot draw (Bau et al. 2019, "Seeing what a GAN cannot generate"): per
 * class of every concept group, the share of generated pixels against the share of real
 * pixels, each with a 95% interval from the Poisson bootstrap over images ({@link Bootstrap}:
 * image {@code i}'s weights depend only on the seed and {@code i}; a replicate's share is
 * {@code sum_i w_i n_ic / sum_i w_i P}). Generated pixels are labelled as the dissection labels
 * them (the bundle's segmenter per group, or the group's exact rule); real shares are
 * {@link RealLabels#pixelShares} (what {@code zoo check} compares against), with an interval over
 * the label sheet's images where the share is counted on them, none where the manifest records
 * it (counted by the exporter over thousands of renders, without per-image counts).
 */
public final class PixelShares {
    /** One class of one group; {@code realLow}/{@code realHigh} NaN where the real share has no interval. */
    public record Share(String group, String name, String category, double generated, double generatedLow, double generatedHigh, double real,
            double realLow, double realHigh) {
    }

    /** Per-image pixel counts of the generated images: {@code counts.get(g)[image][class]}, and pixels per image. */
    public record Counts(List<int[][]> counts, int pixelsPerImage, long seed) {
        public int images() {
            return counts.isEmpty() ? 0 : counts.get(0).length;
        }

        /** Group {@code g}'s pixels per class over all images. */
        public long[] totals(int g) {
            int[][] c = counts.get(g);
            long[] t = new long[c.length == 0 ? 0 : c[0].length];
            for (int[] row : c) {
                for (int k = 0; k < row.length; k++) {
                    t[k] += row[k];
                }
            }
            return t;
        }
    }

    private PixelShares() {
    }

    /** Labels {@code samples} generated images of seed {@code seed} in every concept group, counting pixels per image and class. */
    public static Counts count(Bundle b, int samples, long seed, int batch, Progress progress) {
        List<Manifest.ConceptGroup> groups = b.manifest().groups();
        List<int[][]> counts = new ArrayList<>();
        for (Manifest.ConceptGroup g : groups) {
            counts.add(new int[samples][g.numClasses()]);
        }
        int px;
        progress.begin(b.name() + ": segmenting samples", samples, "images");
        try (LayerModel model = new LayerModel(b, b.manifest().layers().get(0).name(), batch)) {
            px = model.segPixels();
            for (int start = 0; start < samples; start += batch) {
                int n = Math.min(batch, samples - start);
                model.generate(seed, start, n);
                for (int g = 0; g < groups.size(); g++) {
                    int[] labels = model.groupLabels(g);
                    int[][] c = counts.get(g);
                    for (int i = 0; i < n; i++) {
                        int[] row = c[start + i];
                        for (int p = i * px, end = p + px; p < end; p++) {
                            row[labels[p]]++;
                        }
                    }
                }
                progress.advance(n);
            }
        }
        progress.end();
        return new Counts(counts, px, seed);
    }

    /** The shares with their intervals: generated from {@code gen}, real from the bundle (see the class comment). */
    public static List<Share> shares(Bundle b, Counts gen) {
        List<Share> out = new ArrayList<>();
        List<Manifest.ConceptGroup> groups = b.manifest().groups();
        for (int g = 0; g < groups.size(); g++) {
            Manifest.ConceptGroup group = groups.get(g);
            double[][] genCi = intervals(gen.counts().get(g), gen.seed());
            long[] totals = gen.totals(g);
            long all = (long) gen.images() * gen.pixelsPerImage();
            double[] real = RealLabels.pixelShares(b, group);
            double[][] realCi = RealLabels.fromSheet(group) ? intervals(RealLabels.tileCounts(b, group), 0) : null;
            for (int c = 0; c < group.numClasses(); c++) {
                Manifest.ConceptClass cc = group.classes().get(c);
                out.add(new Share(group.name(), cc.name(), cc.category(), (double) totals[c] / all, genCi[c][0], genCi[c][1], real[c],
                        realCi == null ? Double.NaN : realCi[c][0], realCi == null ? Double.NaN : realCi[c][1]));
            }
        }
        return out;
    }

    /**
     * The 95% Poisson-bootstrap interval of each class's pixel share over images ({@code counts[image][class]}, every
     * image the same number of pixels): {@code [class][low, high]}, {@link Bootstrap#REPLICATES} replicates, image
     * {@code i}'s weights from {@code (seed, i)}.
     */
    public static double[][] intervals(int[][] counts, long seed) {
        int classes = counts.length == 0 ? 0 : counts[0].length;
        int reps = Bootstrap.REPLICATES;
        double[][] num = new double[classes][reps];
        double[] den = new double[reps];
        int[] w = new int[reps];
        for (int i = 0; i < counts.length; i++) {
            Bootstrap.weights(seed, i, w);
            int[] row = counts[i];
            long px = 0;
            for (int v : row) {
                px += v;
            }
            for (int r = 0; r < reps; r++) {
                if (w[r] == 0) {
                    continue;
                }
                den[r] += (double) w[r] * px;
                for (int c = 0; c < classes; c++) {
                    num[c][r] += (double) w[r] * row[c];
                }
            }
        }
        double[][] out = new double[classes][];
        for (int c = 0; c < classes; c++) {
            double[] v = new double[reps];
            for (int r = 0; r < reps; r++) {
                v[r] = den[r] > 0 ? num[c][r] / den[r] : 0;
            }
            out[c] = Bootstrap.interval(v);
        }
        return out;
    }
}
