package org.ganscope.analysis.metrics;

import java.nio.file.Path;
import java.util.Arrays;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleException;
import org.ganscope.analysis.io.Npy;
import org.ganscope.analysis.io.NpyArray;
import org.ganscope.analysis.ort.Graph;

/** The real data's feature statistics shipped in a bundle: mean [D], covariance [D,D], sample [M,D]. */
public record RealFeatures(double[] mean, double[][] cov, float[] sample, int sampleCount, int dim) {
    /** Statistics of the bundle's held-out real images through another feature network (e.g. Inception-v3). */
    public static RealFeatures through(Bundle b, Path graph) {
        float[] imgs = RealImages.load(b);
        int s = b.manifest().imageSize();
        int n = imgs.length / (3 * s * s);
        try (Graph g = new Graph(graph.getFileName().toString(), graph)) {
            long[] in = g.inputItemShape();
            if (in.length != 3 || in[0] != 3 || in[1] != s || in[2] != s) {
                throw new BundleException(graph.getFileName() + " must take the bundle's images [3, " + s + ", " + s + "] in [-1, 1], it takes "
                        + Arrays.toString(in));
            }
            int d = (int) g.outputItemShape(0)[0];
            var x = Graph.directFloats(imgs.length);
            x.put(imgs).position(0);
            var f = Graph.directFloats((long) n * d);
            g.run(x, n, f);
            float[] feats = new float[n * d];
            f.position(0);
            f.get(feats);
            MomentAccumulator m = new MomentAccumulator(d);
            m.addAll(feats, n);
            return new RealFeatures(m.mean(), m.cov(), feats, n, d);
        }
    }

    public static RealFeatures of(Bundle b) {
        var f = b.manifest().features();
        int d = f.dim();
        NpyArray mean = Npy.read(b.file(f.realMean()));
        NpyArray cov = Npy.read(b.file(f.realCov()));
        NpyArray sample = Npy.read(b.file(f.realSample()));
        if (mean.rank() != 1 || mean.dim(0) != d) {
            throw new BundleException("bundle " + b.name() + ": " + f.realMean() + " has shape " + mean.describe() + ", expected [" + d + "]");
        }
        if (cov.rank() != 2 || cov.dim(0) != d || cov.dim(1) != d) {
            throw new BundleException("bundle " + b.name() + ": " + f.realCov() + " has shape " + cov.describe() + ", expected [" + d + ", " + d + "]");
        }
        if (sample.rank() != 2 || sample.dim(1) != d) {
            throw new BundleException("bundle " + b.name() + ": " + f.realSample() + " has shape " + sample.describe() + ", expected [M, " + d + "]");
        }
        double[] c = cov.toDoubles();
        double[][] c2 = new double[d][d];
        for (int i = 0; i < d; i++) {
            System.arraycopy(c, i * d, c2[i], 0, d);
        }
        double[] sd = sample.toDoubles();
        float[] s = new float[sd.length];
        for (int i = 0; i < sd.length; i++) {
            s[i] = (float) sd[i];
        }
        return new RealFeatures(mean.toDoubles(), c2, s, sample.dim(0), d);
    }
}
