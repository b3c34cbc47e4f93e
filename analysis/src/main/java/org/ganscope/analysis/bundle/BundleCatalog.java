package org.ganscope.analysis.bundle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds bundle directories (those holding a manifest.json) under search roots. The
 * default roots are {@code $GANSCOPE_HOME/models/bundles} (the demo zoo shipped with
 * the repository) and {@code ~/.ganscope/bundles} (bundles a user added).
 */
public final class BundleCatalog {
    private BundleCatalog() {
    }

    public static List<Path> defaultRoots() {
        List<Path> roots = new ArrayList<>();
        String home = System.getProperty("ganscope.home", System.getenv("GANSCOPE_HOME"));
        if (home != null) {
            roots.add(Path.of(home, "models", "bundles"));
        } else if (Files.isDirectory(Path.of("models", "bundles"))) {
            roots.add(Path.of("models", "bundles").toAbsolutePath()); // started from the repository without the launcher
        }
        roots.add(Path.of(System.getProperty("user.home"), ".ganscope", "bundles"));
        return roots;
    }

    /** Bundle directories directly under each root, sorted by path. */
    public static List<Path> find(List<Path> roots) {
        List<Path> out = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> s = Files.list(root)) {
                s.filter(p -> Files.isRegularFile(p.resolve(BundleLoader.MANIFEST))).sorted().forEach(out::add);
            } catch (IOException e) {
                throw new BundleException("cannot list bundles in " + root + ": " + e.getMessage());
            }
        }
        return out;
    }
}
