package org.ganscope.analysis.cli;

import java.nio.file.Path;
import java.util.List;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleCatalog;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.bundle.BundleVerifier;
import org.ganscope.analysis.ort.OrtRuntime;

/**
 * {@code ganscope bundle verify DIR...}: loads each bundle, checks hashes and runs one
 * batch through every graph; prints a summary; exits 1 if any bundle has a problem.
 * {@code ganscope bundle list [ROOT...]}: lists the bundles found (default roots: the
 * repository's models/bundles and ~/.ganscope/bundles).
 */
public final class BundleCommand implements Command {
    @Override
    public String name() {
        return "bundle";
    }

    @Override
    public String summary() {
        return "bundle verify DIR... | bundle list [ROOT...]: check or list model bundles";
    }

    @Override
    public int run(String[] args) {
        if (args.length < 2) {
            throw new UsageException("usage: ganscope bundle verify DIR... | ganscope bundle list [ROOT...]");
        }
        Args a = Args.parse(args, 2, List.of(), List.of());
        return switch (args[1]) {
            case "verify" -> verify(a.positional());
            case "list" -> list(a.positional());
            default -> throw new UsageException("unknown bundle action '" + args[1] + "' (verify or list)");
        };
    }

    private int verify(List<String> dirs) {
        if (dirs.isEmpty()) {
            throw new UsageException("usage: ganscope bundle verify DIR...");
        }
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

    private int list(List<String> roots) {
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
