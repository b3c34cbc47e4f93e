package org.ganscope.analysis.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * TrainingPause on real processes: dummies whose command line imitates the zoo's trainer
 * ({@code ganscope_models.train2-dummy-<random>}, a {@code sleep} renamed with {@code exec -a},
 * not a child of this JVM, as the trainers are not). Each test pauses only its own dummies (a
 * match with their random tag), so a real training run on the machine is never touched.
 */
class TrainingPauseTest {
    private final List<Long> dummies = new ArrayList<>();

    /** A sleep whose command line contains tag, orphaned (its parent shell exits at once). */
    private long dummy(String tag) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", "exec -a " + tag + " sleep 900 </dev/null >/dev/null 2>&1 & echo $!").start();
        String pid = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        long id = Long.parseLong(pid);
        dummies.add(id);
        awaitState(id, 'S');
        return id;
    }

    private static String tag() {
        return TrainingPause.DEFAULT_MATCH + "-dummy-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void killDummies() throws Exception {
        for (long pid : dummies) {
            new ProcessBuilder("kill", "-KILL", Long.toString(pid)).start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Waits up to 10 s for /proc/PID/stat to show the state; returns the last one seen. */
    private static char awaitState(long pid, char want) throws InterruptedException {
        char s = 0;
        for (int i = 0; i < 200; i++) {
            s = TrainingPause.state(pid);
            if (s == want) {
                return s;
            }
            Thread.sleep(50);
        }
        assertEquals(want, s, "state of " + pid + " (" + TrainingPause.commandLine(pid) + ")");
        return s;
    }

    @Test
    void findsThisUsersProcessesByCommandLine() throws Exception {
        String tag = tag();
        long a = dummy(tag);
        long b = dummy(tag);
        long other = dummy(tag());
        assertEquals(List.of(Math.min(a, b), Math.max(a, b)), TrainingPause.find(tag));
        assertTrue(TrainingPause.find(TrainingPause.DEFAULT_MATCH).containsAll(List.of(a, b, other)),
                "the default match finds every trainer-like command line");
        assertEquals(List.of(), TrainingPause.find("no process has this in its command line " + UUID.randomUUID()));
        assertEquals('S', TrainingPause.state(a), "finding signals nothing");
    }

    @Test
    void pausesAndResumesWithPids() throws Exception {
        String tag = tag();
        long pid = dummy(tag);
        long bystander = dummy(tag());
        var buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        try (TrainingPause p = TrainingPause.pause(tag, out)) {
            assertEquals(List.of(pid), p.pids());
            awaitState(pid, 'T');
            assertEquals('S', TrainingPause.state(bystander), "another command line is left alone");
        }
        awaitState(pid, 'S');
        String text = buf.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("paused training processes (command line containing '" + tag + "'), PIDs " + pid), text);
        assertTrue(text.contains("resumed training processes, PIDs " + pid), text);
    }

    @Test
    void resumesWhenTheBenchmarkThrows() throws Exception {
        String tag = tag();
        long pid = dummy(tag);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertThrows(IllegalStateException.class, () -> {
            try (TrainingPause p = TrainingPause.pause(tag, quiet)) {
                awaitState(pid, 'T');
                throw new IllegalStateException("benchmark failed");
            }
        });
        awaitState(pid, 'S');
    }

    @Test
    void nothingToPauseOrOptedOut() {
        var buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        try (TrainingPause p = TrainingPause.pause("no process has this in its command line " + UUID.randomUUID(), out)) {
            assertEquals(List.of(), p.pids());
        }
        try (TrainingPause p = TrainingPause.none(out)) {
            assertEquals(List.of(), p.pids());
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("no training processes to pause"), text);
        assertTrue(text.contains("training processes left running (--no-pause-training)"), text);
    }

    /** The child: pauses the processes matching args[0], says so, then waits to be ended. */
    public static void main(String[] args) throws Exception {
        TrainingPause.pause(args[0], System.out);
        System.out.println("PAUSED");
        Thread.sleep(120_000);
    }

    private Process child(String tag) throws IOException {
        // env --default-signal=INT: a build started as a background job (`cmd &` in a script) runs with SIGINT
        // ignored, the child would inherit that and the JVM then installs no SIGINT handler (Ctrl-C ignored)
        return new ProcessBuilder("env", "--default-signal=INT", Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-cp", System.getProperty("java.class.path"), TrainingPauseTest.class.getName(), tag).redirectErrorStream(true).start();
    }

    private static List<String> readUntilPaused(Process p) throws IOException {
        List<String> lines = new ArrayList<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = r.readLine()) != null; ) {
            lines.add(line);
            if (line.equals("PAUSED")) {
                return lines;
            }
        }
        throw new AssertionError("the child ended before pausing: " + lines);
    }

    @Test
    void ctrlCResumesThroughTheShutdownHook() throws Exception {
        String tag = tag();
        long pid = dummy(tag);
        Process c = child(tag);
        try {
            readUntilPaused(c);
            awaitState(pid, 'T');
            new ProcessBuilder("kill", "-INT", Long.toString(c.pid())).start().waitFor(10, TimeUnit.SECONDS);
            String rest = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(c.waitFor(30, TimeUnit.SECONDS));
            assertTrue(rest.contains("resumed training processes, PIDs " + pid), "the hook resumed it: " + rest);
            awaitState(pid, 'S');
        } finally {
            c.destroyForcibly();
        }
    }

    @Test
    void aJvmKilledWithSigkillStillResumesThroughTheSentinel() throws Exception {
        String tag = tag();
        long pid = dummy(tag);
        Process c = child(tag);
        try {
            readUntilPaused(c);
            awaitState(pid, 'T');
            c.destroyForcibly(); // SIGKILL: no hook runs
            assertTrue(c.waitFor(30, TimeUnit.SECONDS));
            awaitState(pid, 'S');
            assertFalse(TrainingPause.state(pid) == 'T');
        } finally {
            c.destroyForcibly();
        }
    }
}
