package org.ganscope.analysis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.ganscope.analysis.io.Npy;
import org.ganscope.analysis.io.NpyArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ganscope metrics --real --fake on the SPEC fixtures (bundled, and any in ../shared/spec-fixtures), and bad inputs. */
class MetricsCommandTest {
    static List<Path> cases() throws Exception {
        List<Path> out = new ArrayList<>();
        out.add(Path.of(MetricsCommandTest.class.getResource("/spec/case1/expected.json").toURI()).getParent());
        Path shared = Path.of(System.getProperty("ganscope.repo", ".."), "..", "shared", "spec-fixtures");
        if (Files.isDirectory(shared)) {
            try (Stream<Path> s = Files.list(shared)) {
                s.filter(p -> Files.isRegularFile(p.resolve("feat_real.npy"))).forEach(out::add);
            }
        }
        return out;
    }

    @Test
    void matchesTheFixtures(@TempDir Path tmp) throws Exception {
        for (Path c : cases()) {
            Path out = tmp.resolve(c.getFileName() + ".json");
            assertEquals(0, Main.run(new String[] {"metrics", "--real", c.resolve("feat_real.npy").toString(), "--fake",
                    c.resolve("feat_fake.npy").toString(), "--out", out.toString()}));
            JsonNode got = new ObjectMapper().readTree(out.toFile());
            JsonNode want = new ObjectMapper().readTree(c.resolve("expected.json").toFile()).get("metrics");
            double fid = want.get("fid").asDouble();
            assertEquals(fid, got.get("fid").asDouble(), 1e-4 * Math.abs(fid) + 1e-6, c.toString());
            for (String k : List.of("precision", "recall", "density", "coverage")) {
                assertEquals(want.get("prdc").get(k).asDouble(), got.get(k).asDouble(), 1e-6, c + " " + k);
            }
        }
    }

    private static String err(String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf));
        try {
            assertTrue(Main.run(args) != 0);
        } finally {
            System.setErr(old);
        }
        String s = buf.toString().trim();
        assertEquals(1, s.lines().count(), s);
        return s;
    }

    @Test
    void badInputsGiveOneClearLine(@TempDir Path tmp) {
        Path a = tmp.resolve("a.npy");
        Path b = tmp.resolve("b.npy");
        Path nan = tmp.resolve("nan.npy");
        Path small = tmp.resolve("small.npy");
        Path rank3 = tmp.resolve("r3.npy");
        Npy.write(a, NpyArray.ofFloats(new float[20 * 4], 20, 4));
        Npy.write(b, NpyArray.ofFloats(new float[20 * 3], 20, 3));
        float[] withNan = new float[20 * 4];
        withNan[13] = Float.NaN;
        Npy.write(nan, NpyArray.ofFloats(withNan, 20, 4));
        Npy.write(small, NpyArray.ofFloats(new float[3 * 4], 3, 4));
        Npy.write(rank3, NpyArray.ofFloats(new float[2 * 2 * 4], 2, 2, 4));
        String out = tmp.resolve("m.json").toString();
        assertTrue(err("metrics", "--real", a.toString(), "--fake", b.toString(), "--out", out).contains("dimensions differ"));
        assertTrue(err("metrics", "--real", a.toString(), "--fake", nan.toString(), "--out", out).contains("NaN"));
        assertTrue(err("metrics", "--real", a.toString(), "--fake", small.toString(), "--out", out).contains("k+1"));
        assertTrue(err("metrics", "--real", rank3.toString(), "--fake", a.toString(), "--out", out).contains("[N, D]"));
        assertTrue(err("metrics", "--real", tmp.resolve("missing.npy").toString(), "--fake", a.toString(), "--out", out).length() > 10);
        assertTrue(err("metrics", "--real", a.toString(), "--out", out).contains("--fake"));
    }
}
