package org.ganscope.analysis.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.ort.Graph;

/**
 * The metrics' independent feature network: EfficientNet-Lite0 (ImageNet), global average
 * pooled, stored once in the repository as {@code models/features/efficientnet-lite0.onnx}
 * beside its manifest {@code efficientnet-lite0.json} (models/features/README.md). Input: the
 * bundles' images [B, 3, S, S] in [-1, 1] (any S; the graph resizes to 224); output [B, 1280].
 * Loading checks the graph's SHA-256 against its manifest, so the statistics a bundle records
 * for this network ({@code reference_features.onnx_sha256}) can be matched to it.
 */
public record ReferenceNetwork(String name, Path onnx, String sha256, int dim) {
    public static final String NAME = "efficientnet-lite0";
    /** How the metric is named wherever it is shown. */
    public static final String FD_LABEL = "FD (EfficientNet-Lite0)";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The graph's path: {@code -Dganscope.features} or {@code $GANSCOPE_FEATURES} (the .onnx
     * file), else {@code models/features/efficientnet-lite0.onnx} under {@code ganscope.home} /
     * {@code $GANSCOPE_HOME}, else under the working directory or its parent (a module directory).
     */
    public static List<Path> candidates() {
        List<Path> out = new ArrayList<>();
        String explicit = System.getProperty("ganscope.features", System.getenv("GANSCOPE_FEATURES"));
        if (explicit != null) {
            out.add(Path.of(explicit));
            return out;
        }
        Path rel = Path.of("models", "features", NAME + ".onnx");
        String home = System.getProperty("ganscope.home", System.getenv("GANSCOPE_HOME"));
        if (home != null) {
            out.add(Path.of(home).resolve(rel));
        }
        out.add(rel.toAbsolutePath());
        out.add(Path.of("..").resolve(rel).toAbsolutePath().normalize());
        return out;
    }

    /** The network at the first existing {@link #candidates() candidate}; an error listing where it looked when none exists. */
    public static ReferenceNetwork locate() {
        List<Path> c = candidates();
        for (Path p : c) {
            if (Files.isRegularFile(p)) {
                return load(p);
            }
        }
        throw new AnalysisException("the metrics' feature network " + NAME + ".onnx was not found (looked at " + c
                + "); set GANSCOPE_HOME to the repository or -Dganscope.features to the file");
    }

    /** The network stored at {@code onnx}, checked against the manifest beside it ({@code NAME.json}). */
    public static ReferenceNetwork load(Path onnx) {
        String file = onnx.getFileName().toString();
        Path meta = onnx.resolveSibling(file.replaceFirst("\\.onnx$", "") + ".json");
        JsonNode m;
        try {
            m = JSON.readTree(meta.toFile());
        } catch (IOException e) {
            throw new AnalysisException("cannot read the feature network's manifest " + meta + ": " + e.getMessage(), e);
        }
        String want = m.path("sha256").asText("");
        int dim = m.path("dim").asInt(0);
        if (dim < 1 || want.isEmpty()) {
            throw new AnalysisException(meta + ": needs 'sha256' and a positive 'dim'");
        }
        String got = sha256(onnx);
        if (!got.equals(want)) {
            throw new AnalysisException(onnx + " has SHA-256 " + got + ", its manifest " + meta.getFileName() + " says " + want
                    + " (a changed or damaged file)");
        }
        return new ReferenceNetwork(m.path("name").asText(NAME), onnx, got, dim);
    }

    /** Opens the graph (the caller closes it), checking that it outputs [B, dim]. */
    public Graph open(boolean arena) {
        Graph g = new Graph(NAME, onnx, arena);
        long[] out = g.outputItemShape(0);
        if (out.length != 1 || out[0] != dim) {
            g.close();
            throw new AnalysisException(onnx + " outputs items of shape " + java.util.Arrays.toString(out) + ", its manifest says [" + dim + "]");
        }
        return g;
    }

    /** Features [n][dim] of images {@code x} [n][3][size][size] in [-1, 1], {@code batch} at a time. */
    public float[] features(float[] x, int n, int size, int batch) {
        int item = 3 * size * size;
        float[] out = new float[Math.multiplyExact(n, dim)];
        try (Graph g = open(false)) {
            FloatBuffer in = Graph.directFloats((long) batch * item);
            FloatBuffer f = Graph.directFloats((long) batch * dim);
            for (int start = 0; start < n; start += batch) {
                int k = Math.min(batch, n - start);
                in.clear();
                in.put(x, start * item, k * item).position(0);
                run(g, in, size, k, f);
                f.position(0);
                f.get(out, start * dim, k * dim);
            }
        }
        return out;
    }

    /** Runs the opened graph on {@code batch} images of {@code size} x {@code size} in {@code in} into {@code out}. */
    public static void run(Graph g, FloatBuffer in, int size, int batch, FloatBuffer out) {
        g.runShaped(in, new long[] {3, size, size}, batch, out);
    }

    static String sha256(Path p) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(p), MessageDigest.getInstance("SHA-256"))) {
            byte[] buf = new byte[1 << 16];
            while (in.read(buf) >= 0) {
                // digesting
            }
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new AnalysisException("cannot read " + p + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
