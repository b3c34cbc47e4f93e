package org.ganscope.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real launcher script ({@code ./ganscope}) asked for help or given a wrong option on the
 * benchmarks: it prints help or the usage error and runs nothing else, above all not the
 * minutes-long {@code bench experiment} that {@code bench dissect} is followed by. The launcher
 * runs from a copy of the repository's script in a temporary home whose analysis and ops jars
 * are pathing jars onto this test's class path (the modules' real classes; nothing to build).
 * Should a benchmark start anyway, its first line stops the run (the process tree is killed)
 * and the test fails.
 */
class LauncherBenchUsageTest {
    private static final Path REPO = Path.of(System.getProperty("ganscope.repo", "..")).toAbsolutePath().normalize();

    @TempDir
    static Path home;

    @BeforeAll
    static void launcherHome() throws IOException {
        Path script = home.resolve("ganscope");
        Files.copy(REPO.resolve("ganscope"), script, StandardCopyOption.REPLACE_EXISTING);
        assertTrue(script.toFile().setExecutable(true));
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(s -> !s.isBlank()).map(s -> Path.of(s).toAbsolutePath().toUri().toString()).collect(Collectors.joining(" "));
        // the jar names the launcher looks for; no sources beside them, so it builds nothing
        for (String jar : List.of("analysis/target/ganscope-analysis-0.1.0-SNAPSHOT.jar", "ops/target/ganscope-ops.jar")) {
            Path j = home.resolve(jar);
            Files.createDirectories(j.getParent().resolve("lib"));
            Manifest m = new Manifest();
            m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            m.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
            try (OutputStream o = Files.newOutputStream(j); JarOutputStream jo = new JarOutputStream(o, m)) {
                // the manifest is all
            }
        }
    }

    record Run(int exit, String output, String started) {
    }

    /** Runs ./ganscope ARGS; a line that shows a benchmark or a build starting ends it at once. */
    private static Run launch(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", home.resolve("ganscope").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true);
        pb.environment().remove("GANSCOPE_HOME");
        pb.environment().remove("GANSCOPE_JAVA_OPTS");
        Process p = pb.start();
        StringBuilder out = new StringBuilder();
        String[] started = {null};
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (out) {
                        out.append(line).append('\n');
                    }
                    boolean bench = line.startsWith("bench experiment: ") && line.contains(", steps [") // ExperimentBench's first line
                            || line.startsWith("ganscope: building") // the launcher about to run mvn
                            || line.startsWith("ONNX Runtime"); // bench dissect's first line
                    if (bench && started[0] == null) {
                        started[0] = line;
                        kill(p);
                    }
                }
            } catch (IOException ignored) {
                // killed
            }
        });
        reader.start();
        boolean ended = p.waitFor(120, TimeUnit.SECONDS);
        if (!ended) {
            kill(p);
        }
        reader.join(10_000);
        assertTrue(ended, "./ganscope " + String.join(" ", args) + " still ran after 120 s: " + out);
        synchronized (out) {
            return new Run(p.exitValue(), out.toString(), started[0]);
        }
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    private static void ranNothing(Run r, String what) {
        assertEquals(null, r.started, what + " started a benchmark or a build; output:\n" + r.output);
    }

    @Test
    void benchDissectHelpPrintsHelpAndRunsNothing() throws Exception {
        for (String h : List.of("--help", "-h")) {
            Run r = launch("bench", "dissect", h);
            ranNothing(r, "bench dissect " + h);
            assertEquals(0, r.exit, r.output);
            assertTrue(r.output.contains("Usage: ganscope bench dissect"), r.output);
            assertTrue(r.output.contains("--no-pause-training"), "the help names the opt-out: " + r.output);
        }
    }

    @Test
    void benchDissectWrongOptionIsAUsageErrorNamingIt() throws Exception {
        Run r = launch("bench", "dissect", "--bogus");
        ranNothing(r, "bench dissect --bogus");
        assertEquals(2, r.exit, r.output);
        assertTrue(r.output.contains("'--bogus'"), r.output);
        assertFalse(r.output.contains("Usage: ganscope bench dissect"), "one line, not the whole help: " + r.output);
    }

    @Test
    void benchExperimentHelpPrintsItsOptionsAndRunsNothing() throws Exception {
        for (String h : List.of("--help", "-h")) {
            Run r = launch("bench", "experiment", h);
            ranNothing(r, "bench experiment " + h);
            assertEquals(0, r.exit, r.output);
            assertTrue(r.output.contains("usage: ganscope bench experiment"), r.output);
            assertTrue(r.output.contains("--no-pause-training"), r.output);
        }
    }

    @Test
    void benchExperimentWrongOptionsAreUsageErrorsNamingThem() throws Exception {
        for (List<String> bad : List.of(List.of("--bogus"), List.of("--bogus", "1"), List.of("--samples"), List.of("--samples", "many"),
                List.of("stray"))) {
            List<String> args = new ArrayList<>(List.of("bench", "experiment"));
            args.addAll(bad);
            Run r = launch(args.toArray(String[]::new));
            ranNothing(r, String.join(" ", args));
            assertEquals(2, r.exit, String.join(" ", args) + ": " + r.output);
            assertTrue(r.output.contains("'" + bad.get(0) + "'"), "names " + bad.get(0) + ": " + r.output);
        }
    }
}
