package org.ganscope.analysis.dissect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A worked example of SPEC section 8: a directory holding {@code expected.json} and the
 * {@code .npy} inputs. Also the JSON comparison helpers shared by the fixture tests.
 */
public record SpecCase(String name, Path dir, JsonNode expected) {

    /** Relative tolerance of SPEC section 9 for thresholds, IoU, IQR and FID. */
    public static final double REL = 1e-4;
    /** Absolute tolerance added to {@link #REL}. */
    public static final double ABS = 1e-6;

    /** The bundled copy ({@code spec/case1}). */
    public static SpecCase bundledCase1() {
        return load("bundled/case1", resourceDir().resolve("case1"));
    }

    /**
     * Every case: the bundled ones under test resources {@code spec/}, plus every directory
     * with an {@code expected.json} under {@code ${ganscope.repo}/../shared/spec-fixtures/}
     * when that exists.
     */
    public static List<SpecCase> all() {
        List<SpecCase> cases = new ArrayList<>();
        addDirs(cases, "bundled/", resourceDir());
        String repo = System.getProperty("ganscope.repo");
        if (repo != null && !repo.isBlank()) {
            Path shared = Path.of(repo).resolve("../shared/spec-fixtures").normalize();
            if (Files.isDirectory(shared)) {
                addDirs(cases, "shared/", shared);
            }
        }
        return cases;
    }

    private static void addDirs(List<SpecCase> cases, String prefix, Path root) {
        try (Stream<Path> s = Files.list(root)) {
            s.filter(p -> Files.isRegularFile(p.resolve("expected.json"))).sorted()
                    .forEach(p -> cases.add(load(prefix + p.getFileName(), p)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path resourceDir() {
        try {
            return Path.of(SpecCase.class.getResource("/spec/case1/expected.json").toURI()).getParent().getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static SpecCase load(String name, Path dir) {
        try {
            return new SpecCase(name, dir, new ObjectMapper().readTree(dir.resolve("expected.json").toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path file(String key, String fallback) {
        JsonNode n = expected.path("inputs").path(key);
        return dir.resolve(n.isTextual() ? n.asText() : fallback);
    }

    public int numClasses() {
        return expected.path("inputs").path("num_classes").asInt();
    }

    // ---- comparison helpers -------------------------------------------------------

    public static void assertClose(double expected, double actual, String what) {
        assertTrue(Math.abs(actual - expected) <= REL * Math.abs(expected) + ABS,
                what + ": expected " + expected + " but got " + actual);
    }

    public static void assertClose(JsonNode expected, double[] actual, String what) {
        assertEquals(expected.size(), actual.length, what + " length");
        for (int i = 0; i < actual.length; i++) {
            assertClose(expected.get(i).asDouble(), actual[i], what + "[" + i + "]");
        }
    }

    public static void assertClose(JsonNode expected, double[][] actual, String what) {
        assertEquals(expected.size(), actual.length, what + " length");
        for (int i = 0; i < actual.length; i++) {
            assertClose(expected.get(i), actual[i], what + "[" + i + "]");
        }
    }

    public static int[] ints(JsonNode n) {
        int[] out = new int[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = n.get(i).asInt();
        }
        return out;
    }

    public static boolean[] booleans(JsonNode n) {
        boolean[] out = new boolean[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = n.get(i).asBoolean();
        }
        return out;
    }

    /**
     * Compares a report (or a JSON result of the CLI) with one {@code dissection.<mode>} entry:
     * numbers within tolerance, labels exact unless {@code label_undetermined}, flags and
     * {@code n_interpretable} exact.
     */
    public static void assertReport(JsonNode exp, double[] thresholds, double[][] iou, double[][] iqr,
            int[] bestLabel, double[] bestIou, double[] bestIqr, boolean[] interpretable, int nInterpretable,
            String what) {
        assertClose(exp.get("thresholds"), thresholds, what + " thresholds");
        assertClose(exp.get("iou"), iou, what + " iou");
        assertClose(exp.get("iqr"), iqr, what + " iqr");
        assertClose(exp.get("best_iou"), bestIou, what + " best_iou");
        assertClose(exp.get("best_iqr"), bestIqr, what + " best_iqr");
        int[] labels = ints(exp.get("best_label"));
        boolean[] undetermined = exp.has("label_undetermined") ? booleans(exp.get("label_undetermined"))
                : new boolean[labels.length];
        assertEquals(labels.length, bestLabel.length, what + " best_label length");
        for (int u = 0; u < labels.length; u++) {
            if (!undetermined[u]) {
                assertEquals(labels[u], bestLabel[u], what + " best_label[" + u + "]");
            }
        }
        assertEquals(java.util.Arrays.toString(booleans(exp.get("interpretable"))),
                java.util.Arrays.toString(interpretable), what + " interpretable");
        assertEquals(exp.get("n_interpretable").asInt(), nInterpretable, what + " n_interpretable");
    }
}
