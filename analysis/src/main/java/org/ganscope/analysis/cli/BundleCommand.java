package org.ganscope.analysis.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleCatalog;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.bundle.BundleVerifier;
import org.ganscope.analysis.ort.OrtRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ganscope bundle verify DIR...}: loads each bundle, checks hashes and runs one
 * batch through every graph; prints a summary; exits 1 if any bundle has a problem.
 * {@code ganscope bundle list [ROOT...]}: lists the bundles found (default roots: the
 * repository's models/bundles and ~/.ganscope/bundles).
 */
@Command(name = "bundle", mixinStandardHelpOptions = true, description = "Check or list model bundles.",
        subcommands = {BundleCommand.Verify.class, BundleCommand.ListBundles.class})
public final class BundleCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "give an action: verify DIR... or list [ROOT...]");
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Load each bundle, check its hashes and run one batch through every graph; exit 1 if any has a problem.")
    static final class Verify implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "DIR", description = "bundle directories")
        List<String> dirs;

        @Override
        public Integer call() {
            return verify(dirs);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the bundles found (default roots: the repository's models/bundles and ~/.ganscope/bundles).")
    static final class ListBundles implements Callable<Integer> {
        @Parameters(arity = "0..*", paramLabel = "ROOT", description = "directories to search")
        List<String> roots = List.of();

        @Override
        public Integer call() {
            return list(roots);
        }
    }

    private static int verify(List<String> dirs) {
        System.out.println(OrtRuntime.get().describe());
        int bad = 0;
        for (String d : dirs) {
            try {
                Bundle b = BundleLoader.load(Path.of(d));
                var m = b.manifest();
                System.out.printf("%s: dataset %s, variant %s, zdim %d, %dx%d images, hash %s%n", m.name(), m.dataset(),
                        m.variant(), m.zdim(), m.imageSize(), m.imageSize(), b.hash().substring(0, 16));
                for (String line : BundleVerifier.verify(b)) {
                    System.out.println("  " + line);
                }
                System.out.println("  OK");
            } catch (AnalysisException e) {
                System.out.println(d + ": FAILED: " + e.getMessage());
                bad++;
            }
        }
        if (bad > 0) {
            System.err.println(bad + " of " + dirs.size() + " bundles failed verification");
            return 1;
        }
        return 0;
    }

    private static int list(List<String> roots) {
        List<Path> rs = roots.isEmpty() ? BundleCatalog.defaultRoots() : roots.stream().map(Path::of).toList();
        List<Path> found = BundleCatalog.find(rs);
        System.out.printf("%-22s %-9s %-8s %-30s %-16s %s%n", "NAME", "DATASET", "VARIANT", "LAYERS", "HASH", "PATH");
        for (Path p : found) {
            try {
                Bundle b = BundleLoader.load(p);
                var m = b.manifest();
                String layers = String.join(",", m.layers().stream().map(l -> l.name() + ":" + l.units()).toList());
                System.out.printf("%-22s %-9s %-8s %-30s %-16s %s%n", m.name(), m.dataset(), m.variant(), layers,
                        b.hash().substring(0, 16), p);
            } catch (AnalysisException e) {
                System.out.printf("%-22s %s%n", p.getFileName(), "INVALID: " + e.getMessage());
            }
        }
        System.out.println(found.size() + " bundles in " + rs);
        return 0;
    }
}
