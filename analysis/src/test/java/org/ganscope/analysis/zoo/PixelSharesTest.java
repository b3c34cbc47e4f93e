package org.ganscope.analysis.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ganscope.analysis.Progress;
import org.ganscope.analysis.TestBundles;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.bundle.RealLabels;
import org.ganscope.analysis.dissect.Bootstrap;
import org.ganscope.analysis.model.LayerModel;
import org.junit.jupiter.api.Test;

class PixelSharesTest {
    @Test
    void intervalsEqualABruteForceBootstrapThatCopiesEachImageItsWeightTimes() {
        SplittableRandom r = new SplittableRandom(5);
        int[][] counts = new int[37][4];
        for (int[] row : counts) {
            int left = 100;
            for (int c = 0; c < 3; c++) {
                row[c] = r.nextInt(left + 1);
                left -= row[c];
            }
            row[3] = left;
        }
        double[][] fast = PixelShares.intervals(counts, 11);
        // brute force: per replicate, the images it draws as a list (image i copied w_i times), then pixel shares of that list
        int reps = Bootstrap.REPLICATES;
        int[][] w = new int[counts.length][reps];
        for (int i = 0; i < counts.length; i++) {
            Bootstrap.weights(11, i, w[i]);
        }
        for (int c = 0; c < 4; c++) {
            double[] v = new double[reps];
            for (int b = 0; b < reps; b++) {
                List<int[]> drawn = new ArrayList<>();
                for (int i = 0; i < counts.length; i++) {
                    for (int k = 0; k < w[i][b]; k++) {
                        drawn.add(counts[i]);
                    }
                }
                long num = 0;
                long den = 0;
                for (int[] img : drawn) {
                    num += img[c];
                    den += 100;
                }
                v[b] = den == 0 ? 0 : (double) num / den;
            }
            assertArrayEquals(Bootstrap.interval(v), fast[c], 1e-12, "class " + c);
        }
    }

    /** On a schema 1 bundle (the byog toy; a schema 2 bundle takes its real shares from the manifest, over 2,000 images). */
    @Test
    void generatedCountsPerImageAreTheSegmentersLabelsAndRealSharesComeFromTheSheet() {
        Bundle b = BundleLoader.load(TestBundles.repo().resolve("models/bundles-test/toy-random"));
        PixelShares.Counts counts = PixelShares.count(b, 12, 3, 5, Progress.NONE); // batches of 5: 5, 5, 2
        // brute force: the 12 images in one batch, labels counted per image
        try (LayerModel m = new LayerModel(b, b.manifest().layers().get(0).name(), 12)) {
            m.generate(3, 0, 12);
            int[] labels = m.labels();
            int px = m.segPixels();
            assertEquals(px, counts.pixelsPerImage());
            for (int i = 0; i < 12; i++) {
                int[] expect = new int[b.manifest().classes().size()];
                for (int p = 0; p < px; p++) {
                    expect[labels[i * px + p]]++;
                }
                assertArrayEquals(expect, counts.counts().get(0)[i], "image " + i);
            }
        }
        List<PixelShares.Share> shares = PixelShares.shares(b, counts);
        double[] real = RealLabels.pixelShares(b, b.manifest().groups().get(0));
        assertEquals(b.manifest().real().count(), RealLabels.tileCounts(b, b.manifest().groups().get(0)).length);
        // brute force: the label sheet read here, pixel by pixel, the first `count` tiles of 64 x 64 in rows of `columns`
        // (a sheet of `count` images in rows of `columns`: padding tiles of a last row are no images)
        java.awt.image.BufferedImage sheet;
        try {
            sheet = javax.imageio.ImageIO.read(b.file(b.manifest().real().labels()).toFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        int count = b.manifest().real().count();
        int columns = b.manifest().real().columns();
        long all = 0;
        long[] perClass = new long[real.length];
        for (int y = 0; y < sheet.getHeight(); y++) {
            for (int x = 0; x < sheet.getWidth(); x++) {
                if ((y / 64) * columns + x / 64 < count) {
                    perClass[sheet.getRaster().getSample(x, y, 0)]++;
                    all++;
                }
            }
        }
        assertEquals(64L * 64 * count, all);
        for (int c = 0; c < real.length; c++) {
            PixelShares.Share s = shares.get(c);
            assertEquals(real[c], s.real(), 1e-15, "the sheet's share, as zoo check compares");
            assertEquals((double) perClass[c] / all, s.real(), 1e-12, "the real images of the sheet, not its padding");
            assertTrue(s.generatedLow() <= s.generated() + 1e-12 && s.generated() <= s.generatedHigh() + 1e-12, s.toString());
            assertTrue(s.realLow() <= s.realHigh() && !Double.isNaN(s.realLow()), "the sheet's images give the real share an interval: " + s);
        }
        assertEquals(1.0, shares.stream().mapToDouble(PixelShares.Share::generated).sum(), 1e-9);
    }

    @Test
    void aManifestShareHasNoIntervalButEveryGroupIsCounted() {
        Bundle b = BundleLoader.load(TestBundles.repo().resolve("models/bundles-test/zoo2-tiny-outdoor"));
        List<PixelShares.Share> shares = PixelShares.shares(b, PixelShares.count(b, 6, 1, 6, Progress.NONE));
        for (var g : b.manifest().groups()) {
            List<PixelShares.Share> of = shares.stream().filter(s -> s.group().equals(g.name())).toList();
            assertEquals(g.numClasses(), of.size(), g.name());
            assertEquals(1.0, of.stream().mapToDouble(PixelShares.Share::generated).sum(), 1e-9, g.name());
            assertEquals(RealLabels.fromSheet(g), !Double.isNaN(of.get(0).realLow()), g.name());
        }
    }
}
