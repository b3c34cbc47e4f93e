package org.ganscope.analysis.bundle;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.ganscope.analysis.metrics.RealFeatures;
import org.ganscope.analysis.metrics.ReferenceFd;
import org.ganscope.analysis.ort.Graph;
import org.ganscope.analysis.sample.Latents;

/**
 * Checks that a loaded bundle's graphs do what its manifest says, by running one small
 * batch: h_L maps z [zdim] to [units, height, width], f_L maps that back to an image
 * [3, S, S], the segmenter gives [C, R, R] probabilities, the feature network gives
 * [dim]; every output is finite. Also checks the real-sample sprite sheets.
 * Returns one line per check; throws {@link BundleException} on the first problem.
 */
public final class BundleVerifier {
    private static final int BATCH = 2;

    private BundleVerifier() {
    }

    public static List<String> verify(Bundle b) {
        Manifest m = b.manifest();
        List<String> lines = new ArrayList<>();
        int s = m.imageSize();
        FloatBuffer z = Graph.directFloats((long) BATCH * m.zdim());
        Latents.fillBatch(0, 0, BATCH, m.zdim(), z);
        FloatBuffer image = Graph.directFloats((long) BATCH * 3 * s * s);
        for (Manifest.Layer l : m.layers()) {
            long[] r = {l.units(), l.height(), l.width()};
            FloatBuffer rep = Graph.directFloats((long) BATCH * l.units() * l.pixels());
            try (Graph h = new Graph(l.hFile(), b.file(l.hFile())); Graph f = new Graph(l.fFile(), b.file(l.fFile()))) {
                expect(b, h, "input", h.inputItemShape(), new long[] {m.zdim()}, "z of zdim " + m.zdim());
                expect(b, h, "output", h.outputItemShape(0), r, "layer " + l.name());
                expect(b, f, "input", f.inputItemShape(), r, "layer " + l.name());
                expect(b, f, "output", f.outputItemShape(0), new long[] {3, s, s}, "an RGB image of image_size " + s);
                if (f.takesLatent() != l.fTakesLatent()) {
                    throw new BundleException("bundle " + m.name() + ": " + l.fFile() + (f.takesLatent() ? " takes inputs r and z" : " takes r only")
                            + ", but the manifest's layers[" + l.name() + "].f_inputs says " + (l.fTakesLatent() ? "[r, z]" : "[r]"));
                }
                if (f.takesLatent()) {
                    expect(b, f, "input z", f.latentItemShape(), new long[] {m.zdim()}, "z of zdim " + m.zdim());
                }
                h.run(z, BATCH, rep);
                finite(b, l.hFile(), rep);
                f.runTail(rep, z, BATCH, image);
                finite(b, l.fFile(), image);
            }
            lines.add(String.format("layer %-8s %4d units %3dx%-3d h and f%s ok", l.name(), l.units(), l.height(), l.width(),
                    l.fTakesLatent() ? " (r, z)" : ""));
        }
        int res = m.segmenter().resolution();
        try (Graph seg = new Graph(m.segmenter().file(), b.file(m.segmenter().file()))) {
            oneInput(b, seg);
            expect(b, seg, "input", seg.inputItemShape(), new long[] {3, s, s}, "an RGB image of image_size " + s);
            // one buffer per output in the graph's order; every segmenter group's output is checked (schema 1: the one output)
            FloatBuffer[] outs = new FloatBuffer[seg.outputCount()];
            int[] groupAt = new int[m.groups().size()];
            for (int g = 0; g < m.groups().size(); g++) {
                Manifest.ConceptGroup group = m.groups().get(g);
                if (!group.bySegmenter()) {
                    groupAt[g] = -1;
                    continue;
                }
                int o = m.schemaVersion() == 1 ? 0 : seg.outputIndex(group.segmenterOutput());
                int c = group.numClasses();
                expect(b, seg, "output" + (m.schemaVersion() == 1 ? "" : " '" + group.segmenterOutput() + "'"), seg.outputItemShape(o),
                        new long[] {c, res, res}, c + " class probabilities" + (g == 0 ? "" : " of group " + group.name()) + " at " + res + "x" + res);
                outs[o] = Graph.directFloats((long) BATCH * c * res * res);
                groupAt[g] = o;
            }
            for (int o = 0; o < outs.length; o++) {
                if (outs[o] == null) {
                    throw new BundleException("bundle " + m.name() + ": " + m.segmenter().file() + " output " + (o + 1)
                            + " belongs to no concept group of the manifest");
                }
            }
            seg.run(image, BATCH, outs);
            for (int g = 0; g < groupAt.length; g++) {
                if (groupAt[g] < 0) {
                    continue;
                }
                FloatBuffer probs = outs[groupAt[g]];
                finite(b, m.segmenter().file(), probs);
                double sum = 0;
                for (int k = 0; k < m.groups().get(g).numClasses(); k++) {
                    sum += probs.get(k * res * res);
                }
                if (Math.abs(sum - 1) > 1e-3) {
                    throw new BundleException("bundle " + m.name() + ": " + m.segmenter().file()
                            + " must output class probabilities (softmax)" + (g == 0 ? "" : " for group " + m.groups().get(g).name())
                            + "; they sum to " + sum + " at a pixel");
                }
            }
        }
        int c = m.numClasses();
        lines.add(String.format("segmenter %d classes at %dx%d, pixel accuracy %.3f, mean IoU %.3f", c, res, res,
                m.segmenter().pixelAccuracy(), m.segmenter().meanIou()));
        if (m.groups().size() > 1) {
            StringBuilder gl = new StringBuilder("concept groups");
            for (Manifest.ConceptGroup g : m.groups()) {
                gl.append(' ').append(g.name()).append(" (").append(g.numClasses() - 1).append(g.bySegmenter() ? ", segmenter)" : ", rule " + g.rule() + ")");
            }
            lines.add(gl.append(" ok").toString());
        }
        try (Graph feat = new Graph(m.features().file(), b.file(m.features().file()))) {
            oneInput(b, feat);
            expect(b, feat, "input", feat.inputItemShape(), new long[] {3, s, s}, "an RGB image of image_size " + s);
            expect(b, feat, "output", feat.outputItemShape(0), new long[] {m.features().dim()}, "features of dim " + m.features().dim());
            FloatBuffer out = Graph.directFloats((long) BATCH * m.features().dim());
            feat.run(image, BATCH, out);
            finite(b, m.features().file(), out);
        }
        var real = RealFeatures.of(b);
        lines.add("features dim " + m.features().dim() + " ok, real statistics of " + real.sampleCount() + " shipped samples ok");
        String reference = ReferenceFd.verify(b);
        if (reference != null) {
            lines.add(reference);
        }
        RealSampleCheck.check(b);
        lines.add("real sample " + m.real().count() + " images with label maps ok");
        return lines;
    }

    private static void oneInput(Bundle b, Graph g) {
        if (g.takesLatent()) {
            throw new BundleException("bundle " + b.name() + ": " + g.label() + " must take one input, the image; it takes r and z");
        }
    }

    private static void expect(Bundle b, Graph g, String what, long[] actual, long[] expected, String meaning) {
        if (!Arrays.equals(actual, expected)) {
            throw new BundleException("bundle " + b.name() + ": " + g.label() + " " + what + " shape " + Arrays.toString(actual)
                    + " does not match the manifest: expected " + Arrays.toString(expected) + " (" + meaning + ")");
        }
    }

    static void finite(Bundle b, String file, FloatBuffer buf) {
        for (int i = 0; i < buf.capacity(); i++) {
            float v = buf.get(i);
            if (!Float.isFinite(v)) {
                throw new BundleException("bundle " + b.name() + ": " + file + " produced " + v + " (NaN or Inf) on a test batch");
            }
        }
    }

    /** Reads and checks the sprite sheets of the held-out real sample. */
    static final class RealSampleCheck {
        private RealSampleCheck() {
        }

        static void check(Bundle b) {
            Manifest m = b.manifest();
            Manifest.RealSample r = m.real();
            int s = m.imageSize();
            int rows = (r.count() + r.columns() - 1) / r.columns();
            BufferedImage img = read(b, r.images());
            BufferedImage lab = read(b, r.labels());
            for (var e : List.of(Map.entry(r.images(), img), Map.entry(r.labels(), lab))) {
                BufferedImage i = e.getValue();
                if (i.getWidth() != r.columns() * s || i.getHeight() != rows * s) {
                    throw new BundleException("bundle " + m.name() + ": " + e.getKey() + " is " + i.getWidth() + "x" + i.getHeight()
                            + ", expected " + r.columns() * s + "x" + rows * s + " for " + r.count() + " tiles in " + r.columns() + " columns");
                }
            }
            for (Manifest.ConceptGroup g : m.groups()) {
                BufferedImage sheet = g.realLabelSheet().equals(r.labels()) ? lab : read(b, g.realLabelSheet());
                if (sheet.getWidth() != lab.getWidth() || sheet.getHeight() != lab.getHeight()) {
                    throw new BundleException("bundle " + m.name() + ": " + g.realLabelSheet() + " is " + sheet.getWidth() + "x"
                            + sheet.getHeight() + ", expected " + lab.getWidth() + "x" + lab.getHeight() + " like " + r.labels());
                }
                counts(b, g, sheet);
            }
        }

        /** Pixels per class of a group's real label sheet (every tile, whole); a label outside the group's classes is an error. */
        static long[] counts(Bundle b, Manifest.ConceptGroup g, BufferedImage sheet) {
            long[] counts = new long[g.numClasses()];
            var raster = sheet.getRaster();
            int[] px = new int[raster.getNumBands()];
            for (int y = 0; y < sheet.getHeight(); y++) {
                for (int x = 0; x < sheet.getWidth(); x++) {
                    int v = raster.getPixel(x, y, px)[0];
                    if (v >= g.numClasses()) {
                        throw new BundleException("bundle " + b.name() + ": " + g.realLabelSheet() + " has label " + v + " at (" + x + "," + y
                                + "), but " + (g.name().equals("main") ? "the bundle has " : "group " + g.name() + " has ")
                                + g.numClasses() + " classes");
                    }
                    counts[v]++;
                }
            }
            return counts;
        }

        static BufferedImage read(Bundle b, String rel) {
            try {
                BufferedImage i = ImageIO.read(b.file(rel).toFile());
                if (i == null) {
                    throw new BundleException("bundle " + b.name() + ": " + rel + " is not a readable PNG");
                }
                return i;
            } catch (IOException e) {
                throw new BundleException("bundle " + b.name() + ": cannot read " + rel + ": " + e.getMessage());
            }
        }
    }
}
