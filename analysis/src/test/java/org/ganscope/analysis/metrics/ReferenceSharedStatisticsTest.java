package org.ganscope.analysis.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.ganscope.analysis.TestBundles;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleException;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.io.Npy;
import org.ganscope.analysis.io.NpyArray;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shared reference statistics (reference_features.statistics.shared, models/features/real/KEY):
 * read from beside the network, the same FD as the same arrays in the bundle, refused when a file
 * is changed or missing (naming it), and an invalid key refused when the manifest is read.
 */
class ReferenceSharedStatisticsTest {
    private static final int N = 1281; // the fewest samples FD in 1280 dimensions accepts
    private static final String KEY = "outdoor-seed2-0123456789ab";
    private static final String[] NAMES = {"effnet_features_mean.npy", "effnet_features_cov.npy", "effnet_features_heldout.npy"};
    private static final String[] ROLES = {"real_mean", "real_cov", "held_out_sample"};
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static ReferenceNetwork net;
    static Path arrays;
    static float[] fake;

    /** A copy of the network in a features directory of its own, and statistics of N random features (held out: shifted). */
    @BeforeAll
    static void setUp() throws Exception {
        ReferenceNetwork real = ReferenceNetwork.locate();
        Path features = Files.createDirectories(tmp.resolve("features"));
        Files.copy(real.onnx(), features.resolve("efficientnet-lite0.onnx"));
        Files.copy(real.onnx().resolveSibling("efficientnet-lite0.json"), features.resolve("efficientnet-lite0.json"));
        net = ReferenceNetwork.load(features.resolve("efficientnet-lite0.onnx"));
        int d = net.dim();
        Random rnd = new Random(3);
        float[] x = new float[N * d];
        fake = new float[N * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
            fake[i] = (float) (rnd.nextGaussian() * 1.1 + 0.05);
        }
        Frechet.Stats st = Frechet.Stats.of(x, N, d);
        double[] cov = new double[d * d];
        for (int i = 0; i < d; i++) {
            System.arraycopy(st.cov()[i], 0, cov, i * d, d);
        }
        float[] held = x.clone();
        for (int i = 0; i < held.length; i++) {
            held[i] += 0.1f;
        }
        arrays = Files.createDirectories(tmp.resolve("arrays"));
        Npy.write(arrays.resolve(NAMES[0]), NpyArray.ofDoubles(st.mean(), d));
        Npy.write(arrays.resolve(NAMES[1]), NpyArray.ofDoubles(cov, d, d));
        Npy.write(arrays.resolve(NAMES[2]), NpyArray.ofFloats(held, N, d));
    }

    private static ObjectNode reference(ObjectNode m) {
        return m.putObject("reference_features").put("network", net.name()).put("onnx_sha256", net.sha256()).put("dim", net.dim())
                .put("real_count", N).put("held_out_count", N);
    }

    /** A demo bundle copy with the arrays in the bundle (files table entries). */
    private static Path inBundle(Path dir) throws Exception {
        Path b = TestBundles.copy("outdoor-base-s100", dir);
        ObjectNode m = (ObjectNode) JSON.readTree(b.resolve("manifest.json").toFile());
        ObjectNode r = reference(m);
        for (int i = 0; i < 3; i++) {
            Path p = Files.copy(arrays.resolve(NAMES[i]), b.resolve("real").resolve(NAMES[i]));
            r.put(ROLES[i], "real/" + NAMES[i]);
            ((ObjectNode) m.get("files")).putObject("real/" + NAMES[i]).put("sha256", BundleLoader.sha256(p)).put("bytes", Files.size(p));
        }
        JSON.writeValue(b.resolve("manifest.json").toFile(), m);
        return b;
    }

    /** A demo bundle copy whose manifest names shared statistics {@code key} (not in its files table). */
    private static Path shared(Path dir, String key) throws Exception {
        Path b = TestBundles.copy("outdoor-base-s100", dir);
        ObjectNode m = (ObjectNode) JSON.readTree(b.resolve("manifest.json").toFile());
        ObjectNode sums = reference(m).putObject("statistics").put("shared", key).putObject("sha256");
        for (int i = 0; i < 3; i++) {
            sums.put(ROLES[i], BundleLoader.sha256(arrays.resolve(NAMES[i])));
        }
        JSON.writeValue(b.resolve("manifest.json").toFile(), m);
        return b;
    }

    private static Path sharedFiles(String key) throws Exception {
        Path dir = Files.createDirectories(net.onnx().resolveSibling("real").resolve(key));
        for (String n : NAMES) {
            Files.copy(arrays.resolve(n), dir.resolve(n), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return dir;
    }

    @Test
    void sharedStatisticsGiveTheSameFdAsTheSameArraysInTheBundle(@TempDir Path t) throws Exception {
        sharedFiles(KEY);
        Bundle own = BundleLoader.load(inBundle(t.resolve("a")));
        Bundle sh = BundleLoader.load(shared(t.resolve("b"), KEY));
        assertFalse(own.manifest().reference().orElseThrow().isShared());
        assertTrue(sh.manifest().reference().orElseThrow().isShared());
        assertFalse(sh.manifest().files().containsKey("real/" + NAMES[1]), "shared statistics are not bundle files");
        ReferenceFd.prepare(own, net, N, "--samples");
        ReferenceFd.prepare(sh, net, N, "--samples");
        ReferenceFd a = ReferenceFd.compute(own, net, fake, N, "--samples");
        ReferenceFd s = ReferenceFd.compute(sh, net, fake, N, "--samples");
        assertTrue(a.available() && s.available());
        assertTrue(a.fd() > 1, "random features against other random features: " + a.fd());
        assertEquals(a.fd(), s.fd(), 0.0);
        assertEquals(a.realFloor(), s.realFloor(), 0.0);
        assertEquals(12.8, s.realFloor(), 1e-3, "the held-out sample is shifted by 0.1 on 1280 dimensions");
    }

    @Test
    void aChangedOrMissingSharedFileIsRefusedNamingIt(@TempDir Path t) throws Exception {
        String key = "indoor-seed2-tampered";
        Path dir = sharedFiles(key);
        Bundle sh = BundleLoader.load(shared(t, key));
        byte[] bytes = Files.readAllBytes(dir.resolve(NAMES[1]));
        bytes[bytes.length - 1] ^= 1;
        Files.write(dir.resolve(NAMES[1]), bytes);
        var e = assertThrows(BundleException.class, () -> ReferenceFd.prepare(sh, net, N, "--samples"));
        assertTrue(e.getMessage().contains(key + "/" + NAMES[1]) && e.getMessage().contains("reference_features.statistics.sha256.real_cov"),
                e.getMessage());
        e = assertThrows(BundleException.class, () -> ReferenceFd.compute(sh, net, fake, N, "--samples"));
        assertTrue(e.getMessage().contains(key + "/" + NAMES[1]), e.getMessage());

        Files.copy(arrays.resolve(NAMES[1]), dir.resolve(NAMES[1]), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.delete(dir.resolve(NAMES[2]));
        e = assertThrows(BundleException.class, () -> ReferenceFd.prepare(sh, net, N, "--samples"));
        assertTrue(e.getMessage().contains(key + "/" + NAMES[2] + " is missing"), e.getMessage());
    }

    @Test
    void bundleVerifyReportsTheSharedStatisticsStatus(@TempDir Path t) throws Exception {
        // verify looks beside the network it locates (the repository's), where this key does not exist
        String line = ReferenceFd.verify(BundleLoader.load(shared(t.resolve("s"), "outdoor-seed2-nowhere")));
        assertTrue(line.contains("NOT usable, FD n/a") && line.contains("outdoor-seed2-nowhere/" + NAMES[0] + " is missing"), line);
        line = ReferenceFd.verify(BundleLoader.load(inBundle(t.resolve("b"))));
        assertTrue(line.contains("held out ok (in the bundle)"), line);
        // beside a network that has them: found and matching; then one changed
        String key = "outdoor-seed2-verify";
        Path dir = sharedFiles(key);
        Bundle sh = BundleLoader.load(shared(t.resolve("v"), key));
        line = ReferenceFd.verify(sh, net, null);
        assertTrue(line.contains("held out ok (shared " + key + ", SHA-256 match); the network here matches"), line);
        Files.write(dir.resolve(NAMES[0]), new byte[] {1, 2, 3});
        line = ReferenceFd.verify(sh, net, null);
        assertTrue(line.contains("NOT usable, FD n/a") && line.contains(key + "/" + NAMES[0] + " has SHA-256"), line);
    }

    @Test
    void anInvalidKeyIsRefused(@TempDir Path t) throws Exception {
        for (String key : new String[] {"../outdoor", "a/b", "a\\b", "..", "x..y", ".hidden"}) {
            Path b = shared(t.resolve("k" + Math.abs(key.hashCode())), key);
            var e = assertThrows(BundleException.class, () -> BundleLoader.load(b), key);
            assertTrue(e.getMessage().contains("reference_features.statistics.shared is '" + key + "', not a valid key"), e.getMessage());
        }
        assertThrows(BundleException.class, () -> ReferenceFd.sharedDirectory(net, "../x"));
    }

    @Test
    void bothFormsAtOnceAreRefused(@TempDir Path t) throws Exception {
        Path b = shared(t, KEY);
        ObjectNode m = (ObjectNode) JSON.readTree(b.resolve("manifest.json").toFile());
        ((ObjectNode) m.get("reference_features")).put("real_mean", "real/" + NAMES[0]);
        JSON.writeValue(b.resolve("manifest.json").toFile(), m);
        var e = assertThrows(BundleException.class, () -> BundleLoader.load(b));
        assertTrue(e.getMessage().contains("both 'statistics' (shared) and 'real_mean'"), e.getMessage());
    }
}
