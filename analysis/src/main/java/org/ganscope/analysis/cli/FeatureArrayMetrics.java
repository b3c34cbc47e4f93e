package org.ganscope.analysis.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.io.Npy;
import org.ganscope.analysis.io.NpyArray;
import org.ganscope.analysis.metrics.Frechet;
import org.ganscope.analysis.metrics.Prdc;

/** {@code ganscope metrics --real R.npy --fake F.npy --out m.json [--k K]} on feature arrays. */
final class FeatureArrayMetrics {
    private FeatureArrayMetrics() {
    }

    static int run(Path realFile, Path fakeFile, Path out, int k) throws IOException {
        double[] real = features(realFile, "--real");
        double[] fake = features(fakeFile, "--fake");
        NpyArray r = Npy.read(realFile);
        NpyArray f = Npy.read(fakeFile);
        int d = r.dim(1);
        if (f.dim(1) != d) {
            throw new AnalysisException("feature dimensions differ: " + realFile.getFileName() + " has D=" + d + ", "
                    + fakeFile.getFileName() + " has D=" + f.dim(1));
        }
        int nr = r.dim(0);
        int nf = f.dim(0);
        if (nr < k + 1 || nf < k + 1) {
            throw new AnalysisException("precision/recall/density/coverage with k=" + k + " need at least k+1=" + (k + 1)
                    + " samples per set; got " + nr + " real and " + nf + " fake");
        }
        Frechet.Stats sr = Frechet.Stats.of(real, nr, d);
        Frechet.Stats sf = Frechet.Stats.of(fake, nf, d);
        double fid = Frechet.distance(sr, sf);
        Prdc p = Prdc.compute(real, nr, fake, nf, d, k);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("fid", fid);
        m.put("precision", p.precision());
        m.put("recall", p.recall());
        m.put("density", p.density());
        m.put("coverage", p.coverage());
        m.put("k", k);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), m);
        System.out.printf(Locale.ROOT, "FD %.6f, precision %.4f, recall %.4f, density %.4f, coverage %.4f (k=%d); wrote %s%n",
                fid, p.precision(), p.recall(), p.density(), p.coverage(), k, out);
        return 0;
    }

    private static double[] features(Path file, String option) {
        NpyArray a = Npy.read(file);
        if (a.rank() != 2) {
            throw new AnalysisException(option + " " + file.getFileName() + " must be a feature array [N, D], got shape " + a.describe());
        }
        if (!a.dtype().isFloat()) {
            throw new AnalysisException(option + " " + file.getFileName() + " must hold float32 or float64 features, got " + a.describe());
        }
        double[] x = a.toDoubles();
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i])) {
                throw new AnalysisException(option + " " + file.getFileName() + " holds " + x[i] + " at row " + (i / a.dim(1))
                        + ", column " + (i % a.dim(1)));
            }
        }
        return x;
    }
}
