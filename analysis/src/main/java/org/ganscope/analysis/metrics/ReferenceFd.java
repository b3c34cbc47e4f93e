package org.ganscope.analysis.metrics;

import java.nio.file.Files;
import java.nio.file.Path;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleException;
import org.ganscope.analysis.bundle.Manifest;
import org.ganscope.analysis.io.Npy;
import org.ganscope.analysis.io.NpyArray;

/**
 * "FD (EfficientNet-Lite0)": the Frechet distance (SPEC section 6) of generated samples
 * against the bundle's real statistics in the independent feature network's space
 * ({@link ReferenceNetwork}, the bundle's {@code reference_features}), beside its real floor:
 * the FD of the bundle's held-out real sample against the same statistics. Either measured,
 * or not available with the reason ({@link #unavailable()}): a bundle exported before these
 * statistics, a different network than the one they were computed with, or too few samples
 * ({@link Frechet#requireFullRank}: more than 1280 on every side).
 *
 * @param samples generated samples behind {@code fd}
 * @param realCount real images behind the statistics
 * @param heldOutCount held-out real images behind {@code realFloor}
 * @param unavailable null when measured, else why not
 */
public record ReferenceFd(double fd, double realFloor, int samples, int realCount, int heldOutCount, String unavailable) {

    public static ReferenceFd notAvailable(String reason) {
        return new ReferenceFd(Double.NaN, Double.NaN, 0, 0, 0, reason);
    }

    public boolean available() {
        return unavailable == null;
    }

    /** The value as a table cell: the FD with the floor, or "n/a (reason)". */
    public String describe() {
        return available() ? String.format(java.util.Locale.ROOT, "%.4f (real floor %.4f, %d held-out real images)", fd, realFloor, heldOutCount)
                : "n/a (" + unavailable + ")";
    }

    /**
     * Checks, before any sample is generated, that the bundle's generated samples can be measured
     * this way; returns the network to run, or throws with the reason.
     *
     * @param samplesField names the generated-sample count where the caller took it from (e.g. {@code --samples})
     */
    public static ReferenceNetwork prepare(Bundle b, int samples, String samplesField) {
        referenceOf(b);
        return prepare(b, ReferenceNetwork.locate(), samples, samplesField);
    }

    /**
     * As {@link #prepare(Bundle, int, String)} with the network given; for shared statistics also
     * checks that their files exist beside the network and match the manifest's SHA-256.
     */
    public static ReferenceNetwork prepare(Bundle b, ReferenceNetwork net, int samples, String samplesField) {
        Manifest.ReferenceFeatures r = referenceOf(b);
        if (!r.network().equals(net.name()) || !r.onnxSha256().equals(net.sha256())) {
            throw new BundleException("bundle " + b.name() + ": reference_features were computed with " + r.network() + " "
                    + r.onnxSha256().substring(0, 12) + ", this ganscope has " + net.name() + " " + net.sha256().substring(0, 12));
        }
        if (r.dim() != net.dim()) {
            throw new BundleException("bundle " + b.name() + ": reference_features.dim is " + r.dim() + ", the network's is " + net.dim());
        }
        Frechet.requireFullRank("reference_features.real_count", r.realCount(), r.dim());
        Frechet.requireFullRank("reference_features.held_out_count", r.heldOutCount(), r.dim());
        Frechet.requireFullRank(samplesField, samples, r.dim());
        if (r.isShared()) {
            for (String role : Manifest.ReferenceFeatures.SHARED_FILES.keySet()) {
                sharedFile(b, r, net, role);
            }
        }
        return net;
    }

    private static Manifest.ReferenceFeatures referenceOf(Bundle b) {
        return b.manifest().reference().orElseThrow(() -> new BundleException("bundle " + b.name()
                + " has no reference_features (exported before them; python3 -m ganscope_models.export_features --add-to-bundle DIR adds them)"));
    }

    /**
     * The directory of a bundle's shared reference statistics: {@code real/<key>} beside the
     * network's graph, i.e. {@code models/features/real/<key>} (models/features/README.md).
     */
    public static Path sharedDirectory(ReferenceNetwork net, String key) {
        Path root = net.onnx().toAbsolutePath().getParent().resolve("real").normalize();
        Path dir = root.resolve(key).normalize();
        if (key.contains("/") || key.contains("\\") || key.contains("..") || !dir.getParent().equals(root)) {
            throw new BundleException("shared reference statistics key '" + key + "' is not a single directory name under " + root);
        }
        return dir;
    }

    /**
     * The shared statistics file of {@code role} (real_mean, real_cov, held_out_sample), checked to
     * exist and to have the SHA-256 the manifest records; throws naming the key and file otherwise.
     */
    static Path sharedFile(Bundle b, Manifest.ReferenceFeatures r, ReferenceNetwork net, String role) {
        String name = Manifest.ReferenceFeatures.SHARED_FILES.get(role);
        Path p = sharedDirectory(net, r.shared()).resolve(name);
        String label = "shared reference statistics " + r.shared() + "/" + name;
        if (!Files.isRegularFile(p)) {
            throw new BundleException("bundle " + b.name() + ": " + label + " is missing (looked at " + p + "; the statistics live in "
                    + "models/features/real/" + r.shared() + "/, written by export --schema 2)");
        }
        String got = ReferenceNetwork.sha256(p);
        String want = r.sharedSha256().get(role);
        if (!got.equals(want)) {
            throw new BundleException("bundle " + b.name() + ": " + label + " has SHA-256 " + got + ", the manifest's "
                    + "reference_features.statistics.sha256." + role + " is " + want + " (a changed or damaged file, or other statistics)");
        }
        return p;
    }

    /** The FD of generated features {@code fake} [samples][dim] and the real floor, after {@link #prepare} returned {@code net}. */
    public static ReferenceFd compute(Bundle b, ReferenceNetwork net, float[] fake, int samples, String samplesField) {
        Manifest.ReferenceFeatures r = b.manifest().reference().orElseThrow();
        int d = r.dim();
        Frechet.requireFullRank(samplesField, samples, d);
        NpyArray[] a = arrays(b, r, net);
        NpyArray mean = a[0];
        NpyArray cov = a[1];
        NpyArray held = a[2];
        double[] c = cov.toDoubles();
        double[][] c2 = new double[d][d];
        for (int i = 0; i < d; i++) {
            System.arraycopy(c, i * d, c2[i], 0, d);
        }
        double[] mu = mean.toDoubles();
        Frechet.Stats gen = Frechet.Stats.of(fake, samples, d);
        Frechet.Stats floor = Frechet.Stats.of(held.toDoubles(), r.heldOutCount(), d);
        Frechet.Prepared real = new Frechet.Prepared(mu, c2);
        return new ReferenceFd(real.distance(gen.mean(), gen.cov()), real.distance(floor.mean(), floor.cov()),
                samples, r.realCount(), r.heldOutCount(), null);
    }

    /** The bundle's real statistics in {@code net}'s space, prepared for many distances (after {@link #prepare}). */
    public static Frechet.Prepared realPrepared(Bundle b, ReferenceNetwork net) {
        Manifest.ReferenceFeatures r = b.manifest().reference().orElseThrow();
        int d = r.dim();
        NpyArray[] a = arrays(b, r, net);
        double[] c = a[1].toDoubles();
        double[][] c2 = new double[d][d];
        for (int i = 0; i < d; i++) {
            System.arraycopy(c, i * d, c2[i], 0, d);
        }
        return new Frechet.Prepared(a[0].toDoubles(), c2);
    }

    /**
     * For {@code bundle verify}: the shapes of the bundle's reference statistics and whether this
     * ganscope has the network they were made with; null for a bundle without them. In-bundle
     * statistics that do not read as their shapes fail the bundle; shared statistics live outside
     * it, so their status (found and matching their SHA-256, missing, changed) is reported in the
     * line, with "FD n/a" and the reason where they cannot be used.
     */
    public static String verify(Bundle b) {
        Manifest.ReferenceFeatures r = b.manifest().reference().orElse(null);
        if (r == null) {
            return null;
        }
        ReferenceNetwork n = null;
        String missing = null;
        try {
            n = ReferenceNetwork.locate();
        } catch (AnalysisException e) {
            missing = e.getMessage();
        }
        return verify(b, n, missing);
    }

    /** {@link #verify(Bundle)} with the network given, or null with why it is not available. */
    static String verify(Bundle b, ReferenceNetwork n, String missing) {
        Manifest.ReferenceFeatures r = b.manifest().reference().orElse(null);
        if (r == null) {
            return null;
        }
        String net = n == null ? "network not available here: " + missing
                : n.name().equals(r.network()) && n.sha256().equals(r.onnxSha256()) ? "the network here matches"
                : "made with another network than this ganscope's " + n.name() + " " + n.sha256().substring(0, 12) + ": FD n/a";
        String stats;
        if (!r.isShared()) {
            arrays(b, r, null);
            stats = "ok (in the bundle)";
        } else if (n == null) {
            stats = "not checked (shared " + r.shared() + ", stored beside the network)";
        } else {
            try {
                arrays(b, r, n);
                stats = "ok (shared " + r.shared() + ", SHA-256 match)";
            } catch (AnalysisException e) {
                stats = "NOT usable, FD n/a: " + e.getMessage();
            }
        }
        return String.format(java.util.Locale.ROOT, "reference features %s (%d-d): statistics of %d real images, %d held out %s; %s",
                r.network(), r.dim(), r.realCount(), r.heldOutCount(), stats, net);
    }

    /** The three arrays, shape-checked; shared ones from beside {@code net}, each SHA-256-checked first. */
    private static NpyArray[] arrays(Bundle b, Manifest.ReferenceFeatures r, ReferenceNetwork net) {
        int d = r.dim();
        NpyArray mean = Npy.read(r.isShared() ? sharedFile(b, r, net, "real_mean") : b.file(r.realMean()));
        NpyArray cov = Npy.read(r.isShared() ? sharedFile(b, r, net, "real_cov") : b.file(r.realCov()));
        NpyArray held = Npy.read(r.isShared() ? sharedFile(b, r, net, "held_out_sample") : b.file(r.heldOutSample()));
        check(b, r.realMean(), mean.rank() == 1 && mean.dim(0) == d, mean, "[" + d + "]");
        check(b, r.realCov(), cov.rank() == 2 && cov.dim(0) == d && cov.dim(1) == d, cov, "[" + d + ", " + d + "]");
        check(b, r.heldOutSample(), held.rank() == 2 && held.dim(0) == r.heldOutCount() && held.dim(1) == d, held,
                "[" + r.heldOutCount() + ", " + d + "] (reference_features.held_out_count)");
        return new NpyArray[] {mean, cov, held};
    }

    private static void check(Bundle b, String file, boolean ok, NpyArray a, String expected) {
        if (!ok) {
            throw new BundleException("bundle " + b.name() + ": " + file + " has shape " + a.describe() + ", expected " + expected);
        }
    }
}
