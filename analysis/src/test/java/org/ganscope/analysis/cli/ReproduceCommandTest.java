package org.ganscope.analysis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.TestBundles;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.reproduce.Interventions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ganscope reproduce} v3 through {@link Main#run}: the pre-registration comes first, missing bundles, a tiny end-to-end run. */
class ReproduceCommandTest {
    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            return new Run(Main.run(args), o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8).strip());
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /**
     * A damaged bundle where the first computation needs one: the command fails loading it, and by
     * then the rules and seeds are already out, so nothing the run computes can have shaped them.
     */
    @Test
    void rulesAndSeedsPrintBeforeAnyBundleIsLoaded(@TempDir Path dir) throws IOException {
        Path broken = Files.createDirectories(dir.resolve("outdoor-mbstd-s100"));
        Files.writeString(broken.resolve("manifest.json"), "{\"schema_version\": 2}");
        Run r = run("reproduce", "--bundles", dir.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("error: bundle outdoor-mbstd-s100"), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith("reproduce v3: pre-registered rules"), r.out());
        for (String rule : List.of("rule 1:", "rule 2:", "rule 3:", "rule 4:", "rule 5:", "evaluation seeds 1101 and 1201")) {
            assertTrue(r.out().contains(rule), rule + " in " + r.out());
        }
        assertTrue(r.out().contains("present: [outdoor-mbstd-s100]"), r.out());
        assertTrue(r.out().lines().noneMatch(l -> l.startsWith("  dissected")), "nothing was computed: " + r.out());
    }

    @Test
    void missingBundlesAreSaidAndDoNotCount(@TempDir Path dir) {
        Run r = run("reproduce", "--bundles", dir.toString(), "--draws", "20");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("TOO FEW DRAWS, claim 2 cannot pass"), "1/21 > 0.05/3: " + r.out());
        assertEquals(5, r.out().lines().filter(l -> l.contains("NOT reproduced: bundles missing")).count(), r.out());
        assertTrue(r.out().contains("indoor-pixnorm-s100"), r.out());
        assertTrue(r.out().strip().endsWith("phenomena reproduced: 0 of 5 (replicated on 2 evaluation seeds; variant claim on 2 training seeds)"),
                r.out());
    }

    /** FD with fewer samples than EfficientNet-Lite0's 1280 dimensions is refused naming the option, before any image is made. */
    @Test
    void fdBelowTheFeatureDimensionIsRefusedNamingTheOption() {
        Bundle b = BundleLoader.load(TestBundles.repo().resolve("models/bundles/outdoor-mbstd-s100"));
        AnalysisException e = assertThrows(AnalysisException.class,
                () -> Interventions.referenceFds(b, "layer3", new int[][] {new int[0]}, 1280, 7, 32, "--fd-samples", org.ganscope.analysis.Progress.NONE));
        assertTrue(e.getMessage().startsWith("--fd-samples is 1280"), e.getMessage());
    }

    /** Every claim on a tiny configuration: the tiny zoo-2 bundle stands in for outdoor-mbstd-s100 (it has no FD statistics). */
    @Test
    void tinyEndToEnd(@TempDir Path dir) throws IOException {
        Path src = TestBundles.repo().resolve("models/bundles-test/zoo2-tiny-outdoor");
        Path dst = dir.resolve("outdoor-mbstd-s100");
        try (Stream<Path> s = Files.walk(src)) {
            for (Path p : s.toList()) {
                Path t = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        Run r = run("reproduce", "--bundles", dir.toString(), "--samples", "24", "--draws", "2", "--ablation-images", "2", "--insert-images", "1",
                "--fd-draws", "1", "--artifact-images", "3");
        assertEquals(0, r.code(), r.err());
        String out = r.out();
        assertTrue(out.indexOf("rule 5:") < out.indexOf("  dissected"), out);
        assertTrue(out.contains("rule 2's bundle: outdoor-mbstd-s100"), out);
        assertTrue(out.contains("1. ") && out.contains("NOT reproduced: bundles missing ([indoor-mbstd-s100])"), out);
        assertTrue(out.contains("seed 1101: ") && out.contains("seed 1201: "), "claim 2 on both evaluation seeds: " + out);
        // the tiny generator may draw no door: then claim 3 says so instead of measuring
        assertTrue(out.contains("random sets on building parts") || out.contains("does not occur in 24 generated images"), out);
        assertTrue(out.contains("worst-20 on scoring seeds 2101 and 2201 share"), out);
        assertTrue(out.contains("4. ") && out.contains("has no reference_features"), "claim 4's FD cannot be measured on the tiny bundle: " + out);
        assertTrue(out.strip().endsWith("phenomena reproduced: 0 of 5 (replicated on 2 evaluation seeds; variant claim on 2 training seeds)"), out);
    }
}
