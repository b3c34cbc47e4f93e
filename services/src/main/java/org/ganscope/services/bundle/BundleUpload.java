package org.ganscope.services.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.bundle.BundleVerifier;
import org.ganscope.db.BundleRepository;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import java.util.zip.ZipException;

/**
 * Adds a bundle uploaded as a zip archive (the bundle directory's files at its root or in
 * one folder). Refused with the reason, and nothing kept, when: the archive is too large or
 * expands too much, an entry escapes the folder (absolute or {@code ..} paths), it is not a
 * zip, the manifest or a file is missing or does not match its SHA-256, a graph does not load
 * or has the wrong shapes (the same checks as {@code ganscope bundle verify}), or a bundle of
 * that name exists with other contents. Accepted bundles are moved under
 * {@code $GANSCOPE_DATA/bundles/NAME} and registered.
 */
@Service
public class BundleUpload {
    /** The default cap on an archive (ganscope.upload.max-bytes); what it may expand to is four times the cap. */
    public static final long MAX_BYTES = 256L << 20;

    /** The archive is larger than the cap (HTTP 413). */
    public static final class TooLarge extends IllegalArgumentException {
        TooLarge(String message) {
            super(message);
        }
    }

    private static final int MAX_ENTRIES = 1000;
    private final BundleService bundles;
    private final BundleRepository repo;
    private final Path root;
    private final long maxBytes;

    public BundleUpload(BundleService bundles, BundleRepository repo, @Value("${ganscope.data-dir}") String dataDir,
            @Value("${ganscope.upload.max-bytes:268435456}") long maxBytes) {
        this.bundles = bundles;
        this.repo = repo;
        this.root = Path.of(dataDir, "bundles");
        this.maxBytes = maxBytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** Unpacks, verifies and registers; returns the registered bundle. */
    public BundleSummary upload(InputStream zip, long size) throws IOException {
        if (size > maxBytes) {
            throw new TooLarge("the archive has " + size + " bytes; at most " + maxBytes + " are accepted");
        }
        Files.createDirectories(root);
        Path tmp = Files.createTempDirectory(root, ".upload-");
        try {
            Path dir = unpack(zip, tmp, maxBytes);
            Bundle b;
            try {
                b = BundleLoader.load(dir); // manifest, files and their SHA-256
                BundleVerifier.verify(b); // every graph loads, shapes chain, one batch runs
            } catch (AnalysisException e) {
                throw new IllegalArgumentException("not a valid bundle: " + e.getMessage());
            }
            var existing = repo.all().stream().filter(r -> r.name().equals(b.name())).findFirst();
            if (existing.isPresent()) {
                if (existing.get().hash().equals(b.hash())) {
                    return BundleSummary.of(existing.get());
                }
                throw new IllegalArgumentException("a bundle named '" + b.name() + "' exists with other contents (hash "
                        + existing.get().hash().substring(0, 12) + "); rename it in manifest.json");
            }
            if (!b.name().matches("[A-Za-z0-9_.-]{1,100}") || b.name().startsWith(".")) {
                throw new IllegalArgumentException("bundle name '" + b.name() + "' must be letters, digits, _ . - (not starting with .)");
            }
            Path target = root.resolve(b.name());
            if (Files.exists(target)) {
                throw new IllegalArgumentException("a folder " + b.name() + " exists already in the bundle store");
            }
            Files.move(dir, target, StandardCopyOption.ATOMIC_MOVE);
            long id = bundles.register(target);
            return BundleSummary.of(repo.byId(id).orElseThrow());
        } finally {
            deleteTree(tmp);
        }
    }

    /** Extracts into {@code into}; returns the bundle folder (the root, or its single subfolder). */
    static Path unpack(InputStream in, Path into, long maxBytes) throws IOException {
        long total = 0;
        int entries = 0;
        boolean any = false;
        try (ZipInputStream z = new ZipInputStream(in)) {
            for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
                any = true;
                if (++entries > MAX_ENTRIES) {
                    throw new IllegalArgumentException("the archive has more than " + MAX_ENTRIES + " entries");
                }
                String name = e.getName().replace('\\', '/');
                Path out = into.resolve(name).normalize();
                if (name.startsWith("/") || name.contains("../") || name.equals("..") || !out.startsWith(into)) {
                    throw new IllegalArgumentException("the archive entry '" + e.getName() + "' points outside the bundle folder");
                }
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                    continue;
                }
                Files.createDirectories(out.getParent());
                try (OutputStream os = Files.newOutputStream(out)) { // regular files only: nothing in an archive becomes a link
                    byte[] buf = new byte[1 << 16];
                    for (int n; (n = z.read(buf)) > 0; ) {
                        total += n;
                        if (total > 4 * maxBytes) {
                            throw new IllegalArgumentException("the archive expands to more than " + 4 * maxBytes + " bytes");
                        }
                        os.write(buf, 0, n);
                    }
                }
            }
        } catch (ZipException e) {
            throw new IllegalArgumentException("not a zip archive: " + e.getMessage());
        }
        if (!any) {
            throw new IllegalArgumentException("not a zip archive, or an empty one");
        }
        if (Files.exists(into.resolve(BundleLoader.MANIFEST))) {
            return into;
        }
        try (Stream<Path> s = Files.list(into)) {
            List<Path> dirs = s.filter(Files::isDirectory).toList();
            if (dirs.size() == 1 && Files.exists(dirs.get(0).resolve(BundleLoader.MANIFEST))) {
                return dirs.get(0);
            }
        }
        throw new IllegalArgumentException("no manifest.json at the archive's root or in its single folder");
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }
}
