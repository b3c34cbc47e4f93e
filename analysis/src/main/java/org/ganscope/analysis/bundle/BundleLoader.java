package org.ganscope.analysis.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Loads a bundle directory and checks it: manifest present, valid JSON of a known
 * schema, every listed file inside the bundle (no absolute paths, no '..', no
 * symbolic links), present, of the listed size and SHA-256. Graph shapes are checked
 * by {@link BundleVerifier}, which runs one batch.
 */
public final class BundleLoader {
    public static final String MANIFEST = "manifest.json";
    private static final long MAX_MANIFEST_BYTES = 1 << 20;

    private BundleLoader() {
    }

    public static Bundle load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new BundleException("bundle directory " + dir + " does not exist or is not a directory");
        }
        Path mf = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(mf, LinkOption.NOFOLLOW_LINKS)) {
            throw new BundleException("bundle " + dir.getFileName() + ": missing file " + MANIFEST);
        }
        byte[] bytes;
        try {
            if (Files.size(mf) > MAX_MANIFEST_BYTES) {
                throw new BundleException("bundle " + dir.getFileName() + ": " + MANIFEST + " is larger than 1 MiB");
            }
            bytes = Files.readAllBytes(mf);
        } catch (IOException e) {
            throw new BundleException("bundle " + dir.getFileName() + ": cannot read " + MANIFEST + ": " + e.getMessage());
        }
        Manifest m;
        try {
            m = ManifestParser.parse(new String(bytes, StandardCharsets.UTF_8));
        } catch (BundleException e) {
            throw new BundleException("bundle " + dir.getFileName() + ": " + e.getMessage());
        }
        for (Map.Entry<String, Manifest.FileEntry> e : m.files().entrySet()) {
            checkFile(dir, m.name(), e.getKey(), e.getValue());
        }
        return new Bundle(dir.toAbsolutePath().normalize(), m, sha256(bytes));
    }

    private static void checkFile(Path dir, String bundle, String rel, Manifest.FileEntry entry) {
        Path p = Path.of(rel);
        if (p.isAbsolute() || rel.contains("\\") || p.normalize().startsWith("..") || !p.normalize().equals(p)) {
            throw new BundleException("bundle " + bundle + ": file name '" + rel + "' leaves the bundle directory");
        }
        Path f = dir.resolve(p);
        for (Path q = f; q != null && !q.equals(dir); q = q.getParent()) {
            if (Files.isSymbolicLink(q)) {
                throw new BundleException("bundle " + bundle + ": '" + dir.relativize(q) + "' is a symbolic link; bundles hold plain files only");
            }
        }
        if (!Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
            throw new BundleException("bundle " + bundle + ": missing file " + rel);
        }
        if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
            throw new BundleException("bundle " + bundle + ": " + rel + " is not a regular file");
        }
        try {
            long size = Files.size(f);
            if (size != entry.bytes()) {
                throw new BundleException("bundle " + bundle + ": " + rel + " has " + size + " bytes, manifest says "
                        + entry.bytes() + " (truncated or replaced file)");
            }
            String actual = sha256(f);
            if (!actual.equals(entry.sha256())) {
                throw new BundleException("bundle " + bundle + ": hash mismatch for " + rel + " (manifest "
                        + entry.sha256().substring(0, 12) + "..., file " + actual.substring(0, 12) + "...)");
            }
        } catch (IOException e) {
            throw new BundleException("bundle " + bundle + ": cannot read " + rel + ": " + e.getMessage());
        }
    }

    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    public static String sha256(Path file) throws IOException {
        MessageDigest md = digest();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
