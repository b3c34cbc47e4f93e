package org.ganscope.activities.store;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.regex.Pattern;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.db.ArtifactRepository;

/**
 * A content-addressed artifact store in a directory: {@code put(key, bytes)} writes a
 * temporary file and renames it into place, so a reader never sees half an artifact
 * and a crashed writer leaves nothing behind under the key. Keys are 64 hex digits
 * (see {@link ResultKeys}); artifacts are immutable once written.
 */
public final class ArtifactStore {
    private static final Pattern KEY = Pattern.compile("[0-9a-f]{64}");
    private final Path root;
    private final ArtifactRepository metadata;

    public ArtifactStore(Path root) {
        this(root, null);
    }

    /** @param metadata where each stored artifact's kind, size and SHA-256 are recorded (may be null) */
    public ArtifactStore(Path root, ArtifactRepository metadata) {
        this.root = root;
        this.metadata = metadata;
    }

    public Path root() {
        return root;
    }

    private Path path(String key, String suffix) {
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("not an artifact key: " + key);
        }
        return root.resolve(key.substring(0, 2)).resolve(key + suffix);
    }

    public boolean exists(String key, String suffix) {
        return Files.isRegularFile(path(key, suffix));
    }

    /** Stores the bytes under the key (no-op if already there); returns the file. */
    public Path put(String key, String suffix, byte[] bytes) throws IOException {
        Path target = path(key, suffix);
        if (Files.isRegularFile(target)) {
            return target;
        }
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), ".tmp-", suffix);
        try {
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        if (metadata != null) {
            metadata.record(key, suffix.substring(1), bytes.length, BundleLoader.sha256(bytes));
        }
        return target;
    }

    public Optional<byte[]> get(String key, String suffix) throws IOException {
        Path p = path(key, suffix);
        return Files.isRegularFile(p) ? Optional.of(Files.readAllBytes(p)) : Optional.empty();
    }
}
