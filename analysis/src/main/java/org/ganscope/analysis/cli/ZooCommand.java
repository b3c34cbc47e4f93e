package org.ganscope.analysis.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleCatalog;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.bundle.RealLabels;
import org.ganscope.analysis.metrics.ReferenceNetwork;
import org.ganscope.analysis.zoo.ZooCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ganscope zoo check [BUNDLE...]}: for each bundle (default: the repository's
 * bundles), generated samples through its segmenter (and rule groups), the generated/real
 * pixel share of every class of every concept group, FD (EfficientNet-Lite0) with its real
 * floor and the domain FD (segmenter features); then one line
 * {@code zoo: bundles=B classes_in_range=K/L door_share=X min_ratio=R} over the main
 * groups' concept classes (K of L in [0.5, 2]; door_share: the smallest generated share of
 * door among the bundles that have the class; min_ratio: the smallest ratio of any).
 */
@Command(name = "zoo", mixinStandardHelpOptions = true, description = "Check the model zoo.", subcommands = ZooCommand.CheckZoo.class)
public final class ZooCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "give an action: check [BUNDLE...]");
    }

    @Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Does each generator draw its concepts? Generated vs real pixel share per class and group,",
                    "FD (EfficientNet-Lite0) with its real floor, domain FD (segmenter features).",
                    "A class is in range when generated/real is within [" + ZooCheck.RANGE_LO + ", " + ZooCheck.RANGE_HI + "]."})
    static final class CheckZoo implements Callable<Integer> {
        @Parameters(arity = "0..*", paramLabel = "BUNDLE", description = "bundle directories (default: the bundles found under models/bundles)")
        List<Path> dirs = List.of();
        @Option(names = "--samples", defaultValue = "2000", paramLabel = "N",
                description = "generated samples per bundle (default ${DEFAULT-VALUE}; FD (EfficientNet-Lite0) needs more than 1280)")
        int samples;
        @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "seed of the samples (default ${DEFAULT-VALUE})")
        long seed;
        @Option(names = "--batch", defaultValue = "32", paramLabel = "B", description = "inference batch (default ${DEFAULT-VALUE})")
        int batch;

        @Override
        public Integer call() {
            Check.between("--samples", samples, 10, 1_000_000);
            Check.between("--batch", batch, 1, 512);
            List<Path> found = dirs.isEmpty() ? BundleCatalog.find(BundleCatalog.defaultRoots()) : dirs;
            if (found.isEmpty()) {
                throw new UsageException("no bundles found; give bundle directories");
            }
            List<ZooCheck.Result> results = new ArrayList<>();
            for (Path dir : found) {
                Bundle b = BundleLoader.load(dir);
                ZooCheck.Result r = ZooCheck.check(b, samples, seed, batch, ConsoleProgress.forCommand("zoo check"), "--samples");
                print(b, r);
                results.add(r);
            }
            long in = results.stream().mapToLong(ZooCheck.Result::mainInRange).sum();
            long all = results.stream().mapToLong(r -> r.main().size()).sum();
            double door = results.stream().mapToDouble(r -> r.generatedShare("door")).filter(v -> !Double.isNaN(v)).min().orElse(Double.NaN);
            double minRatio = results.stream().mapToDouble(ZooCheck.Result::minRatio).filter(v -> !Double.isNaN(v)).min().orElse(Double.NaN);
            System.out.printf(Locale.ROOT, "zoo: bundles=%d classes_in_range=%d/%d door_share=%s min_ratio=%.3f%n", results.size(), in, all,
                    Double.isNaN(door) ? "none" : String.format(Locale.ROOT, "%.4f", door), minRatio);
            return 0;
        }

        /** The first line of a bundle's result: both FDs, named, and the main classes in range. */
        static String headline(Bundle b, ZooCheck.Result r) {
            return String.format(Locale.ROOT, "%s (schema %d): %d samples of seed %d, %s %s, domain FD (segmenter features) %.4f, "
                            + "main classes in [%.1f, %.1f]: %d of %d, min ratio %.3f", r.bundle(), b.manifest().schemaVersion(), r.samples(),
                    r.seed(), ReferenceNetwork.FD_LABEL, r.reference().describe(), r.domainFd(), ZooCheck.RANGE_LO, ZooCheck.RANGE_HI,
                    r.mainInRange(), r.main().size(), r.minRatio());
        }

        private static void print(Bundle b, ZooCheck.Result r) {
            System.out.println(headline(b, r));
            String group = null;
            for (ZooCheck.ClassShare s : r.shares()) {
                if (!s.group().equals(group)) {
                    group = s.group();
                    String g = group;
                    System.out.printf("  group %s (real: %s)%n", group,
                            RealLabels.source(b, b.manifest().group(g).orElseThrow()));
                    System.out.printf("    %-12s %-9s %9s %9s %7s%n", "class", "category", "generated", "real", "ratio");
                }
                System.out.printf(Locale.ROOT, "    %-12s %-9s %8.3f%% %8.3f%% %7s%s%n", s.name(), s.category(), 100 * s.generated(),
                        100 * s.real(), Double.isNaN(s.ratio()) ? "-" : String.format(Locale.ROOT, "%.2f", s.ratio()),
                        s.category().equals("none") || Double.isNaN(s.ratio()) ? "" : s.inRange() ? "" : "  out of range");
            }
        }
    }
}
