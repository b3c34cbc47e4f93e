package org.ganscope.activities.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.db.ArtifactRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A content-addressed artifact store in a directory: {@code put(key, bytes)} writes a
 * temporary file, forces it to disk, renames it into place and forces the directory, so a
 * reader never sees half an artifact, a crashed writer leaves nothing behind under the key,
 * and a file under its key survives a power loss. Keys are 64 hex digits (see
 * {@link ResultKeys}); artifacts are immutable once written.
 *
 * <p>With metadata (the platform), each file's size and SHA-256 are recorded after the
 * rename and checked on every read ({@link #exists}, {@link #get}): a file that does not
 * match its row (torn, truncated, overwritten), a recorded file that is gone, or a file with
 * no row (the database failed right after the rename: it cannot be checked) reads as absent,
 * so the step computes and stores it again instead of failing on it at every retry. Each such
 * heal is logged ("artifact heal: ...") and kept in {@code artifact_heals} until the file is
 * stored again ({@link ArtifactRepository#heals()}).
 */
public final class ArtifactStore {
    private static final Logger LOG = LoggerFactory.getLogger(ArtifactStore.class);
    private static final Pattern KEY = Pattern.compile("[0-9a-f]{64}");
    /** A file without its row younger than this may be one whose writer is recording the row right now: left alone. */
    static final Duration UNRECORDED_GRACE = Duration.ofMinutes(2);
    private final Path root;
    private final ArtifactRepository metadata;
    private final AtomicLong heals = new AtomicLong();

    public ArtifactStore(Path root) {
        this(root, null);
    }

    /** @param metadata where each stored artifact's kind, size and SHA-256 are recorded (may be null: then files are not checked) */
    public ArtifactStore(Path root, ArtifactRepository metadata) {
        this.root = root;
        this.metadata = metadata;
    }

    public Path root() {
        return root;
    }

    /** Unusable files this store found (and removed or skipped) since it was made. */
    public long heals() {
        return heals.get();
    }

    private Path path(String key, String suffix) {
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("not an artifact key: " + key);
        }
        return root.resolve(key.substring(0, 2)).resolve(key + suffix);
    }

    /** Whether a good file is stored under the key (checked against its recorded size and SHA-256). */
    public boolean exists(String key, String suffix) throws IOException {
        return read(key, suffix).isPresent();
    }

    /** Stores the bytes under the key (no-op if a good file is already there, else it is replaced); returns the file. */
    public Path put(String key, String suffix, byte[] bytes) throws IOException {
        Path target = path(key, suffix);
        if (read(key, suffix).isPresent()) {
            return target;
        }
        Path dir = target.getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            forceDirectory(root);
        }
        Path tmp = Files.createTempFile(dir, ".tmp-", suffix);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true); // the content is on disk before the name points at it
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            forceDirectory(dir); // and the name itself
        } finally {
            Files.deleteIfExists(tmp);
        }
        if (metadata != null) {
            metadata.record(key, kind(suffix), bytes.length, BundleLoader.sha256(bytes));
        }
        return target;
    }

    /** The stored bytes, if a good file is stored under the key (see the class comment for what is not). */
    public Optional<byte[]> get(String key, String suffix) throws IOException {
        return read(key, suffix);
    }

    private Optional<byte[]> read(String key, String suffix) throws IOException {
        Path p = path(key, suffix);
        if (metadata == null) {
            return Files.isRegularFile(p) ? Optional.of(Files.readAllBytes(p)) : Optional.empty();
        }
        String kind = kind(suffix);
        Optional<ArtifactRepository.ArtifactRow> row = metadata.get(key, kind);
        if (!Files.isRegularFile(p)) {
            if (row.isPresent()) {
                heal(key, kind, "missing", "recorded (" + row.get().bytes() + " bytes) but not in the store", null);
            }
            return Optional.empty();
        }
        if (row.isEmpty()) {
            Instant modified = Files.getLastModifiedTime(p).toInstant();
            if (modified.isAfter(Instant.now().minus(UNRECORDED_GRACE))) {
                return Optional.empty(); // perhaps being recorded now: computed again and replaced, not removed
            }
            heal(key, kind, "unrecorded", "no metadata row to check it against (" + Files.size(p) + " bytes)", p);
            return Optional.empty();
        }
        byte[] bytes = Files.readAllBytes(p);
        ArtifactRepository.ArtifactRow r = row.get();
        if (bytes.length != r.bytes()) {
            heal(key, kind, "corrupt", bytes.length + " bytes, recorded " + r.bytes(), p);
            return Optional.empty();
        }
        String sha = BundleLoader.sha256(bytes);
        if (!sha.equals(r.sha256())) {
            heal(key, kind, "corrupt", "SHA-256 " + sha + ", recorded " + r.sha256(), p);
            return Optional.empty();
        }
        return Optional.of(bytes);
    }

    /** Removes the unusable file (if any) and notes the heal; the step that needs it computes it again. */
    private void heal(String key, String kind, String reason, String detail, Path remove) throws IOException {
        if (remove != null) {
            Files.deleteIfExists(remove);
        }
        heals.incrementAndGet();
        if (metadata.healing(key, kind, reason, detail)) {
            LOG.warn("artifact heal: {} {}.{}: {}; it is computed again", reason, key, kind, detail);
        }
    }

    private static String kind(String suffix) {
        return suffix.substring(1);
    }

    /** Forces a directory's entries to disk (a rename is durable only then); a no-op where the platform cannot. */
    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // e.g. a file system or platform that cannot open directories: the rename stays atomic, only not forced
        }
    }
}
