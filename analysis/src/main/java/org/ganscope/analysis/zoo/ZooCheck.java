package org.ganscope.analysis.zoo;

import java.util.ArrayList;
import java.util.List;
import org.ganscope.analysis.Progress;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.Manifest;
import org.ganscope.analysis.bundle.RealLabels;
import org.ganscope.analysis.metrics.SampleMetrics;
import org.ganscope.analysis.model.LayerModel;

/**
 * Does a bundle's generator draw its concepts? For every class of every concept group, the
 * share of generated pixels (its own segmenter, or the group's exact rule, on {@code samples}
 * generated images) against the share of real pixels ({@link RealLabels}); plus the domain FD
 * of the same number of samples. The pass rules of the model zoo (issue 14) are fixed here:
 * a class is in range when generated/real is within [{@link #RANGE_LO}, {@link #RANGE_HI}].
 */
public final class ZooCheck {
    public static final double RANGE_LO = 0.5;
    public static final double RANGE_HI = 2.0;

    /** One class of one group: pixel shares and their ratio (NaN when the class has no real pixels). */
    public record ClassShare(String group, String name, String category, double generated, double real) {
        public double ratio() {
            return real > 0 ? generated / real : Double.NaN;
        }

        public boolean inRange() {
            double r = ratio();
            return r >= RANGE_LO && r <= RANGE_HI;
        }
    }

    /** A bundle's result; {@code main} are the main group's concept classes (class 0 left out). */
    public record Result(String bundle, int samples, long seed, List<ClassShare> shares, double domainFd) {
        public List<ClassShare> main() {
            return shares.stream().filter(s -> s.group().equals("main") && !s.category().equals("none")).toList();
        }

        public long mainInRange() {
            return main().stream().filter(ClassShare::inRange).count();
        }

        /** The smallest generated/real ratio of the main classes with real pixels. */
        public double minRatio() {
            return main().stream().mapToDouble(ClassShare::ratio).filter(r -> !Double.isNaN(r)).min().orElse(Double.NaN);
        }

        /** The generated share of the main class {@code name}, NaN when the bundle has no such class. */
        public double generatedShare(String name) {
            return main().stream().filter(s -> s.name().equals(name)).mapToDouble(ClassShare::generated).findFirst().orElse(Double.NaN);
        }
    }

    private ZooCheck() {
    }

    public static Result check(Bundle b, int samples, long seed, int batch, Progress progress) {
        Manifest m = b.manifest();
        List<Manifest.ConceptGroup> groups = m.groups();
        long[][] counts = new long[groups.size()][];
        for (int g = 0; g < groups.size(); g++) {
            counts[g] = new long[groups.get(g).numClasses()];
        }
        progress.begin(b.name() + ": segmenting samples", samples, "images");
        try (LayerModel model = new LayerModel(b, m.layers().get(0).name(), batch)) {
            for (int start = 0; start < samples; start += batch) {
                int n = Math.min(batch, samples - start);
                model.generate(seed, start, n);
                for (int g = 0; g < groups.size(); g++) {
                    int[] labels = model.groupLabels(g);
                    long[] c = counts[g];
                    for (int p = 0, end = n * model.segPixels(); p < end; p++) {
                        c[labels[p]]++;
                    }
                }
                progress.advance(n);
            }
        }
        progress.end();
        List<ClassShare> shares = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            Manifest.ConceptGroup group = groups.get(g);
            double[] real = RealLabels.pixelShares(b, group);
            long total = 0;
            for (long c : counts[g]) {
                total += c;
            }
            for (int c = 0; c < group.numClasses(); c++) {
                Manifest.ConceptClass cc = group.classes().get(c);
                shares.add(new ClassShare(group.name(), cc.name(), cc.category(), (double) counts[g][c] / total, real[c]));
            }
        }
        progress.begin(b.name() + ": domain FD", 1, "runs");
        double fd = SampleMetrics.compute(b, m.layers().get(0).name(), new int[0], samples, seed, batch).domainFd();
        progress.advance(1);
        progress.end();
        return new Result(b.name(), samples, seed, List.copyOf(shares), fd);
    }
}
