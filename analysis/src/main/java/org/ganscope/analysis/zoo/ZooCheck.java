package org.ganscope.analysis.zoo;

import java.util.ArrayList;
import java.util.List;
import org.ganscope.analysis.Progress;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.Manifest;
import org.ganscope.analysis.bundle.RealLabels;
import org.ganscope.analysis.metrics.ReferenceFd;
import org.ganscope.analysis.metrics.SampleMetrics;

/**
 * Does a bundle's generator draw its concepts? For every class of every concept group, the
 * share of generated pixels (its own segmenter, or the group's exact rule, on {@code samples}
 * generated images) against the share of real pixels ({@link RealLabels}); plus, of the same
 * number of samples, the FD on the independent EfficientNet-Lite0 features ({@link ReferenceFd},
 * more than 1280 samples) and the domain FD on the bundle's segmenter features. The pass rules of the model zoo (issue 14) are fixed here:
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

    /**
     * A bundle's result; {@code main} are the main group's concept classes (class 0 left out).
     * {@code domainFd}: on the bundle's segmenter features; {@code reference}: "FD
     * (EfficientNet-Lite0)" with its real floor, or not available with the reason.
     */
    public record Result(String bundle, int samples, long seed, List<ClassShare> shares, double domainFd, ReferenceFd reference) {
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
        return check(b, samples, seed, batch, progress, "samples");
    }

    /** As above; {@code samplesField} names the sample count in a refusal of the FD (e.g. {@code --samples}). */
    public static Result check(Bundle b, int samples, long seed, int batch, Progress progress, String samplesField) {
        Manifest m = b.manifest();
        List<Manifest.ConceptGroup> groups = m.groups();
        PixelShares.Counts counts = PixelShares.count(b, samples, seed, batch, progress);
        List<ClassShare> shares = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            Manifest.ConceptGroup group = groups.get(g);
            double[] real = RealLabels.pixelShares(b, group);
            long[] perClass = counts.totals(g);
            long total = 0;
            for (long c : perClass) {
                total += c;
            }
            for (int c = 0; c < group.numClasses(); c++) {
                Manifest.ConceptClass cc = group.classes().get(c);
                shares.add(new ClassShare(group.name(), cc.name(), cc.category(), (double) perClass[c] / total, real[c]));
            }
        }
        progress.begin(b.name() + ": FD (EfficientNet-Lite0 and segmenter features)", 1, "runs");
        SampleMetrics.Measured fd = SampleMetrics.measure(b, m.layers().get(0).name(), new int[0], samples, seed, batch, null,
                Progress.NONE, 0, 0, samplesField);
        progress.advance(1);
        progress.end();
        return new Result(b.name(), samples, seed, List.copyOf(shares), fd.metrics().domainFd(), fd.reference());
    }
}
