package org.ganscope.activities.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import org.ganscope.db.ArtifactRepository;
import org.ganscope.db.Database;
import org.ganscope.db.EmbeddedDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The artifact store against a real PostgreSQL: a stored file that is torn, corrupt, gone or
 * without its metadata row reads as absent (so the step computes it again), is removed, and
 * the heal is counted until the file is stored again.
 */
class ArtifactStoreTest {
    private static EmbeddedDatabase pg;
    private static HikariDataSource ds;
    private static ArtifactRepository rows;
    private static int counter;
    @TempDir
    Path dir;
    private ArtifactStore store;
    private String key;

    @BeforeAll
    static void database() throws Exception {
        pg = EmbeddedDatabase.start(null, 0);
        String base = "jdbc:postgresql://127.0.0.1:" + pg.port() + "/";
        try (Connection c = DriverManager.getConnection(base + "postgres", "postgres", pg.superuserPassword()); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE gs_store");
        }
        ds = Database.connect(base + "gs_store", "postgres", pg.superuserPassword(), 2);
        Database.migrate(ds);
        rows = new ArtifactRepository(ds);
    }

    @AfterAll
    static void close() throws Exception {
        ds.close();
        pg.close();
    }

    @BeforeEach
    void store() {
        store = new ArtifactStore(dir, rows);
        key = String.format("%064x", ++counter);
    }

    private static byte[] result() {
        return "{\"units\": [1, 2, 3], \"note\": \"a stored result\"}".getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aGoodFileIsReused() throws Exception {
        ArtifactRepository.HealCounts before = rows.heals();
        Path p = store.put(key, ".json", result());
        assertTrue(store.exists(key, ".json"));
        assertArrayEquals(result(), store.get(key, ".json").orElseThrow());
        assertEquals(result().length, rows.get(key, "json").orElseThrow().bytes());
        assertEquals(before, rows.heals());
        assertEquals(0, store.heals());
        assertTrue(Files.isRegularFile(p));
        try (var files = Files.list(p.getParent())) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void aTornFileIsRemovedAndStoredAgain() throws Exception {
        ArtifactRepository.HealCounts before = rows.heals();
        Path p = store.put(key, ".json", result());
        Files.write(p, java.util.Arrays.copyOf(result(), 10)); // torn: the first 10 bytes
        assertFalse(store.exists(key, ".json"), "a torn file is not reused");
        assertFalse(Files.exists(p), "it is removed");
        assertFalse(store.exists(key, ".json"));
        assertEquals(new ArtifactRepository.HealCounts(before.detected() + 1, before.recomputed()), rows.heals(), "one heal, open");
        store.put(key, ".json", result()); // the step computes it again
        assertArrayEquals(result(), store.get(key, ".json").orElseThrow());
        assertEquals(new ArtifactRepository.HealCounts(before.detected() + 1, before.recomputed() + 1), rows.heals(), "healed");
    }

    @Test
    void aCorruptFileOfTheRightSizeIsCaughtByItsHash() throws Exception {
        Path p = store.put(key, ".json", result());
        byte[] bad = result();
        bad[5] ^= 1;
        Files.write(p, bad);
        assertTrue(store.get(key, ".json").isEmpty(), "a flipped bit is not read back");
        assertFalse(Files.exists(p));
        assertEquals(1, store.heals());
    }

    @Test
    void aFileReplacedByAPutAfterCorruption() throws Exception {
        Path p = store.put(key, ".json", result());
        Files.write(p, new byte[0]);
        store.put(key, ".json", result()); // put does not keep a bad file just because one is there
        assertArrayEquals(result(), Files.readAllBytes(p));
    }

    @Test
    void aRecordedFileThatIsGoneIsNoted() throws Exception {
        ArtifactRepository.HealCounts before = rows.heals();
        Files.delete(store.put(key, ".json", result()));
        assertFalse(store.exists(key, ".json"));
        assertFalse(store.exists(key, ".json"));
        assertEquals(before.detected() + 1, rows.heals().detected(), "noted once while open");
        store.put(key, ".json", result());
        assertEquals(before.recomputed() + 1, rows.heals().recomputed());
    }

    /** The database failed right after the rename: the file has no row to be checked against. */
    @Test
    void aFileWithoutItsRowIsComputedAgain() throws Exception {
        Path p = new ArtifactStore(dir).put(key, ".json", result()); // stored, never recorded
        assertFalse(store.exists(key, ".json"), "an unchecked file is not reused");
        assertTrue(Files.exists(p), "a young one may be recorded right now: left in place");
        assertEquals(0, store.heals());
        Files.setLastModifiedTime(p, FileTime.from(Instant.now().minus(ArtifactStore.UNRECORDED_GRACE).minusSeconds(1)));
        assertFalse(store.exists(key, ".json"));
        assertFalse(Files.exists(p), "an old one is removed");
        assertEquals(1, store.heals());
        store.put(key, ".json", result());
        assertTrue(store.exists(key, ".json"), "stored again with its row");
        assertEquals(result().length, rows.get(key, "json").orElseThrow().bytes());
    }
}
