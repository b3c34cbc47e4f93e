package org.ganscope.analysis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/** Access to the demo bundles committed under models/bundles, for tests. */
public final class TestBundles {
    private TestBundles() {
    }

    public static Path repo() {
        String r = System.getProperty("ganscope.repo");
        Path p = r != null ? Path.of(r) : Path.of("..");
        return p.toAbsolutePath().normalize();
    }

    /** The directory of demo bundle {@code name}, e.g. "outdoor-base-s100". */
    public static Path demo(String name) {
        Path p = repo().resolve("models").resolve("bundles").resolve(name);
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("demo bundle missing: " + p + " (models/bundles is part of the repository)");
        }
        return p;
    }

    /** A private copy of a demo bundle that a test may damage. */
    public static Path copy(String name, Path dir) throws IOException {
        return copyTree(demo(name), dir.resolve(name));
    }

    /** A copy of the directory tree {@code src} at {@code dst}; returns {@code dst}. */
    public static Path copyTree(Path src, Path dst) throws IOException {
        try (Stream<Path> s = Files.walk(src)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return dst;
    }
}
