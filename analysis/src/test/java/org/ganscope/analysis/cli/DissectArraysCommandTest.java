package org.ganscope.analysis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ganscope.analysis.dissect.SpecCase;
import org.ganscope.analysis.io.Npy;
import org.ganscope.analysis.io.NpyArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ganscope dissect-arrays} end to end through {@link Main#run}. */
class DissectArraysCommandTest {
    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private static SpecCase case1() {
        return SpecCase.bundledCase1();
    }

    private String[] args(Path acts, Path seg, String... more) {
        List<String> a = new ArrayList<>(List.of("dissect-arrays", "--activations", acts.toString(),
                "--segmentation", seg.toString(), "--out", dir.resolve("r.json").toString()));
        a.addAll(Arrays.asList(more));
        return a.toArray(String[]::new);
    }

    private JsonNode runCase1(String... more) throws Exception {
        SpecCase c = case1();
        Result r = run(args(c.dir().resolve("acts.npy"), c.dir().resolve("seg.npy"), more));
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        return new ObjectMapper().readTree(dir.resolve("r.json").toFile());
    }

    private static void assertMatches(JsonNode exp, JsonNode got, String what) {
        SpecCase.assertReport(exp, doubles(got.get("thresholds")), doubles2(got.get("iou")), doubles2(got.get("iqr")),
                SpecCase.ints(got.get("best_label")), doubles(got.get("best_iou")), doubles(got.get("best_iqr")),
                SpecCase.booleans(got.get("interpretable")), got.get("n_interpretable").asInt(), what);
    }

    @Test
    void iqrModeWritesTheExpectedReport() throws Exception {
        JsonNode got = runCase1("--classes", "6", "--method", "iqr");
        JsonNode exp = case1().expected().get("dissection").get("iqr");
        assertMatches(exp, got, "cli iqr");
        assertEquals(exp.get("level_index").toString(), got.get("level_index").toString());
        SpecCase.assertClose(exp.get("max_iqr"), doubles2(got.get("max_iqr")), "cli max_iqr");
        SpecCase.assertClose(exp.get("iqr_levels"), doubles2(got.get("iqr_levels")), "cli iqr_levels");
        assertEquals("iqr", got.get("method").asText());
        assertEquals(16, got.get("label_undetermined").size());
    }

    @Test
    void quantileModeDefaultsToTheTopOnePercent() throws Exception {
        JsonNode got = runCase1("--classes", "6", "--method", "quantile");
        assertMatches(case1().expected().get("dissection").get("q0.01"), got, "cli q0.01");
        assertEquals(0.01, got.get("quantile").asDouble(), 0);
        got = runCase1("--classes=6", "--method", "quantile", "--quantile", "0.005");
        assertMatches(case1().expected().get("dissection").get("q0.005"), got, "cli q0.005");
    }

    @Test
    void acceptsFloat64ActivationsAndInt64OrUint8Labels() throws Exception {
        SpecCase c = case1();
        NpyArray acts = Npy.read(c.dir().resolve("acts.npy"));
        NpyArray seg = Npy.read(c.dir().resolve("seg.npy"));
        Path a = dir.resolve("a64.npy");
        Npy.write(a, NpyArray.ofDoubles(acts.toDoubles(), acts.shape()));
        int[] s = seg.intData();
        long[] l = new long[s.length];
        byte[] b = new byte[s.length];
        for (int i = 0; i < s.length; i++) {
            l[i] = s[i];
            b[i] = (byte) s[i];
        }
        Path s64 = dir.resolve("s64.npy");
        Npy.write(s64, NpyArray.ofLongs(l, seg.shape()));
        Path s8 = dir.resolve("s8.npy");
        Npy.write(s8, NpyArray.ofUnsignedBytes(b, seg.shape()));
        JsonNode exp = c.expected().get("dissection").get("q0.01");
        for (Path sp : List.of(s64, s8)) {
            Result r = run(args(a, sp, "--classes", "6", "--method", "quantile"));
            assertEquals(0, r.code(), r.err());
            assertMatches(exp, new ObjectMapper().readTree(dir.resolve("r.json").toFile()), "cli " + sp);
        }
    }

    /** Runs a failing command: non-zero exit, exactly one line on stderr containing {@code part}. */
    private void assertFails(String part, String... args) {
        Result r = run(args);
        assertNotEquals(0, r.code(), "exit code for " + String.join(" ", args));
        String err = r.err().strip();
        assertFalse(err.isEmpty(), "an error message");
        assertFalse(err.contains("\n"), "one line: " + err);
        assertTrue(err.contains(part), "'" + part + "' in: " + err);
        assertFalse(err.contains("unexpected error"), err);
    }

    @Test
    void badInputsFailWithOneClearLine() {
        SpecCase c = case1();
        Path acts = c.dir().resolve("acts.npy");
        Path seg = c.dir().resolve("seg.npy");
        assertFails("Missing required option: '--classes", args(acts, seg, "--method", "iqr"));
        assertFails("--classes must be at least 2", args(acts, seg, "--classes", "1", "--method", "iqr"));
        assertFails("Invalid value for option '--classes': 'six' is not an int", args(acts, seg, "--classes", "six", "--method", "iqr"));
        assertFails("--method must be 'iqr' or 'quantile'", args(acts, seg, "--classes", "6", "--method", "max"));
        assertFails("strictly between 0 and 1",
                args(acts, seg, "--classes", "6", "--method", "quantile", "--quantile", "1"));
        assertFails("strictly between 0 and 1",
                args(acts, seg, "--classes", "6", "--method", "quantile", "--quantile", "0"));
        assertFails("Invalid value for option '--quantile': 'x' is not a double",
                args(acts, seg, "--classes", "6", "--method", "quantile", "--quantile", "x"));
        assertFails("--quantile applies only",
                args(acts, seg, "--classes", "6", "--method", "iqr", "--quantile", "0.01"));
        assertFails("not found", args(dir.resolve("nope.npy"), seg, "--classes", "6", "--method", "iqr"));
        assertFails("label 5", args(acts, seg, "--classes", "5", "--method", "iqr"));
        assertFails("Unknown options: '--bogus'", args(acts, seg, "--classes", "6", "--method", "iqr", "--bogus", "1"));
        // activations as int32, segmentation as float
        assertFails("must be float32 or float64", args(seg, seg, "--classes", "6", "--method", "iqr"));
        assertFails("segmentation must be int32, int64 or uint8",
                args(acts, acts, "--classes", "6", "--method", "iqr"));
    }

    @Test
    void badArraysFailWithOneClearLine() {
        Path seg = case1().dir().resolve("seg.npy");
        Path a3 = dir.resolve("a3.npy");
        Npy.write(a3, NpyArray.ofFloats(new float[100 * 4], 100, 2, 2));
        assertFails("[N, U, h, w]", args(a3, seg, "--classes", "6", "--method", "iqr"));
        Path few = dir.resolve("few.npy");
        Npy.write(few, NpyArray.ofFloats(new float[3 * 2 * 4], 3, 2, 2, 2));
        assertFails("N=100", args(few, seg, "--classes", "6", "--method", "iqr"));
        float[] v = new float[100 * 2 * 4];
        v[11] = Float.NaN;                                          // image 1, unit 0, y 1, x 1
        Path nan = dir.resolve("nan.npy");
        Npy.write(nan, NpyArray.ofFloats(v, 100, 2, 2, 2));
        assertFails("NaN at [1, 0, 1, 1] is not finite", args(nan, seg, "--classes", "6", "--method", "iqr"));
        v[11] = Float.POSITIVE_INFINITY;
        Npy.write(nan, NpyArray.ofFloats(v, 100, 2, 2, 2));
        assertFails("Infinity", args(nan, seg, "--classes", "6", "--method", "quantile"));
        Path negative = dir.resolve("neg.npy");
        int[] labels = new int[100 * 4];
        labels[7] = -1;
        Npy.write(negative, NpyArray.ofInts(labels, 100, 2, 2));
        Npy.write(few, NpyArray.ofFloats(new float[100 * 2 * 4], 100, 2, 2, 2));
        assertFails("label -1 at [1, 1, 1]", args(few, negative, "--classes", "6", "--method", "iqr"));
    }

    private static double[] doubles(JsonNode n) {
        double[] out = new double[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = n.get(i).asDouble();
        }
        return out;
    }

    private static double[][] doubles2(JsonNode n) {
        double[][] out = new double[n.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = doubles(n.get(i));
        }
        return out;
    }
}
