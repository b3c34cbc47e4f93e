package org.ganscope.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./ganscope up} on a machine without the Temporal CLI installs the pinned one on
 * first use, through the real {@code .ci/install-temporal} into the same cache, with a
 * progress line, and hands it to the platform; where that cannot work (no Go, a failed
 * build) it says why and the platform starts on the in-memory server. The real launcher
 * and install script run from a temporary home; {@code java} and {@code go} are stand-ins on
 * the PATH (the one prints what the platform would be given, the other "builds" a dummy
 * binary and records its arguments), so nothing is built and no platform starts.
 */
class LauncherTemporalInstallTest {
    private static final Path REPO = Path.of(System.getProperty("ganscope.repo", "..")).toAbsolutePath().normalize();

    @TempDir
    Path home;

    record Run(int exit, String output) {
    }

    private Path fakeBin(boolean withGo, boolean goFails) throws IOException {
        Path bin = Files.createDirectories(home.resolve("fake-bin"));
        script(bin.resolve("java"), "echo \"platform: GANSCOPE_TEMPORAL_CLI=${GANSCOPE_TEMPORAL_CLI:-none}\"\n");
        if (withGo) {
            script(bin.resolve("go"), "echo \"$*\" >> \"" + home.resolve("go-calls") + "\"\n"
                    + (goFails ? "echo 'go: module lookup disabled by GOPROXY=off' >&2; exit 1\n"
                            : "printf '#!/bin/sh\\necho temporal dummy\\n' > \"$GOBIN/temporal\"; chmod +x \"$GOBIN/temporal\"\n"));
        }
        return bin;
    }

    private static void script(Path p, String body) throws IOException {
        Files.writeString(p, "#!/bin/sh\n" + body);
        assertTrue(p.toFile().setExecutable(true));
    }

    private Run up(Path bin, Map<String, String> env) throws Exception {
        Path root = home.resolve("repo");
        Files.createDirectories(root.resolve(".ci"));
        Files.createDirectories(root.resolve("app/target"));
        Files.copy(REPO.resolve("ganscope"), root.resolve("ganscope"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(REPO.resolve(".ci/install-temporal"), root.resolve(".ci/install-temporal"), StandardCopyOption.REPLACE_EXISTING);
        assertTrue(root.resolve(".ci/install-temporal").toFile().setExecutable(true));
        Files.write(root.resolve("app/target/ganscope-app-exec.jar"), new byte[0]); // built already: no sources beside it
        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("ganscope").toString(), "up").directory(root.toFile()).redirectErrorStream(true);
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> k.startsWith("GANSCOPE_"));
        e.put("PATH", bin + ":/usr/bin:/bin"); // no temporal, and Go only if the stand-in is there
        e.put("HOME", home.toString());
        e.put("GANSCOPE_TOOLS", home.resolve("tools").toString());
        e.putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        return new Run(p.exitValue(), out);
    }

    @Test
    void upInstallsThePinnedCliOnFirstUseIntoTheSharedCache() throws Exception {
        Path bin = fakeBin(true, false);
        Run first = up(bin, Map.of());
        assertEquals(0, first.exit(), first.output());
        Path cli = home.resolve("tools/temporal");
        assertTrue(first.output().contains("ganscope: installing the Temporal CLI"), "a progress line: " + first.output());
        assertTrue(first.output().contains("platform: GANSCOPE_TEMPORAL_CLI=" + cli), "the platform gets the CLI: " + first.output());
        assertEquals("install github.com/temporalio/cli/cmd/temporal@v1.5.1", Files.readString(home.resolve("go-calls")).trim(),
                "the pinned version, as .ci/install-temporal builds it");
        assertEquals("v1.5.1", Files.readString(home.resolve("tools/temporal.version")).trim());
        Run second = up(bin, Map.of());
        assertFalse(second.output().contains("installing"), "installed once: " + second.output());
        assertTrue(second.output().contains("platform: GANSCOPE_TEMPORAL_CLI=" + cli), second.output());
        assertEquals(1, Files.readAllLines(home.resolve("go-calls")).size(), "go ran once");
    }

    @Test
    void withoutGoOrWithAFailedBuildUpSaysWhyAndFallsBack() throws Exception {
        Run noGo = up(fakeBin(false, false), Map.of());
        assertEquals(0, noGo.exit(), noGo.output());
        assertTrue(noGo.output().contains("no Temporal CLI, and no Go") && noGo.output().contains("in-memory Temporal server"), noGo.output());
        assertTrue(noGo.output().contains("platform: GANSCOPE_TEMPORAL_CLI=none"), noGo.output());

        Run failed = up(fakeBin(true, true), Map.of());
        assertEquals(0, failed.exit(), failed.output());
        assertTrue(failed.output().contains("GOPROXY=off"), "the build's own error is shown: " + failed.output());
        assertTrue(failed.output().contains("could not be installed") && failed.output().contains("in-memory Temporal server"), failed.output());
        assertTrue(failed.output().contains("platform: GANSCOPE_TEMPORAL_CLI=none"), failed.output());
        assertFalse(Files.exists(home.resolve("tools/temporal.version")), "no half install recorded");

        Run asked = up(fakeBin(true, false), Map.of("GANSCOPE_TEMPORAL_MODE", "test"));
        assertFalse(asked.output().contains("installing"), "the in-memory server asked for: nothing installed: " + asked.output());
    }
}
