package org.ganscope.analysis.ort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ganscope.analysis.TestBundles;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.model.LayerModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM that exits while another thread is inside ONNX Runtime ends cleanly (exit code 0, no
 * crash log). Without the environment pin this crashed: ONNX Runtime's own shutdown hook
 * released the environment under the running session (run with -Dganscope.ort.no-pin=true).
 */
class ExitDuringInferenceTest {
    /** The child: one thread generating batches without pause; main exits once the first batch is done. */
    public static void main(String[] args) throws Exception {
        var bundle = BundleLoader.load(Path.of(args[0]));
        Object first = new Object();
        boolean[] started = {false};
        Thread worker = new Thread(() -> {
            try (LayerModel m = new LayerModel(bundle, "layer3", 16)) {
                for (long s = 0; ; s++) {
                    m.generate(s, 0, 16);
                    synchronized (first) {
                        started[0] = true;
                        first.notifyAll();
                    }
                }
            } catch (NativeGate.ShuttingDown expected) {
                // refused once the process exits
            }
        }, "inference");
        worker.setDaemon(true);
        worker.start();
        synchronized (first) {
            while (!started[0]) {
                first.wait();
            }
        }
        Thread.sleep(Long.parseLong(args[1]));
        System.exit(0);
    }

    @Test
    void exitingWhileASessionRunsEndsCleanly(@TempDir Path dir) throws Exception {
        Path bundle = TestBundles.demo("outdoor-base-s100");
        for (int i = 0; i < 4; i++) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "-XX:ErrorFile=" + dir.resolve("hs_err_%p.log"), "-cp", System.getProperty("java.class.path"),
                    ExitDuringInferenceTest.class.getName(), bundle.toString(), String.valueOf(50 + 70 * i)));
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child did not exit");
            assertEquals(0, p.exitValue(), "exit code of the child (run " + i + "): " + out);
            assertFalse(out.contains("fatal error"), out);
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith("hs_err")).toList());
        }
    }

    @Test
    void theEnvironmentIsPinned() throws IOException {
        assertTrue(OrtRuntime.get().pinned(), "the second reference returns the same native environment");
    }
}
