package org.ganscope.analysis.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Background training paused around a benchmark: every process of this user whose command line
 * contains {@link #match()} (by default {@value #DEFAULT_MATCH}, the zoo's trainer) is stopped
 * (SIGSTOP) by {@link #pause} and continued (SIGCONT) by {@link #close}, once. The resume also
 * runs from a shutdown hook (Ctrl-C, System.exit) and from a small sentinel shell that waits
 * for this JVM to end, so a JVM killed with SIGKILL leaves nothing stopped either. This JVM, its
 * ancestors and its descendants are never paused. Linux only (/proc); elsewhere nothing is found.
 */
public final class TrainingPause implements AutoCloseable {
    public static final String DEFAULT_MATCH = "ganscope_models.train2";
    /** System property overriding the command-line substring of the processes to pause. */
    public static final String MATCH_PROPERTY = "ganscope.bench.pause-match";

    private final List<Long> pids;
    private final PrintStream out;
    private final AtomicBoolean resumed = new AtomicBoolean();
    private final Thread hook;
    private final Process sentinel;

    private TrainingPause(List<Long> pids, PrintStream out, boolean guard) {
        this.pids = List.copyOf(pids);
        this.out = out;
        if (guard && !pids.isEmpty()) {
            hook = new Thread(this::resume, "resume-training");
            Runtime.getRuntime().addShutdownHook(hook);
            sentinel = sentinel(this.pids);
        } else {
            hook = null;
            sentinel = null;
        }
    }

    /** The substring that selects the processes to pause: -Dganscope.bench.pause-match, else {@value #DEFAULT_MATCH}. */
    public static String match() {
        String m = System.getProperty(MATCH_PROPERTY, DEFAULT_MATCH);
        return m.isBlank() ? DEFAULT_MATCH : m;
    }

    /** Pauses the processes matching {@link #match()} (see {@link #pause(String, PrintStream)}). */
    public static TrainingPause pause(PrintStream out) {
        return pause(match(), out);
    }

    /** Pauses this user's processes whose command line contains {@code match}, printing their PIDs. */
    public static TrainingPause pause(String match, PrintStream out) {
        List<Long> found = find(match);
        if (found.isEmpty()) {
            out.println("no training processes to pause (command line containing '" + match + "')");
            return new TrainingPause(found, out, false);
        }
        signal("STOP", found);
        // those that exited meanwhile are left out of the resume
        List<Long> paused = found.stream().filter(p -> state(p) != 0).toList();
        out.println("paused training processes (command line containing '" + match + "'), PIDs " + join(paused)
                + "; they are continued when this benchmark ends (--no-pause-training leaves them running)");
        return new TrainingPause(paused, out, true);
    }

    /** Leaves training running (--no-pause-training): nothing to resume. */
    public static TrainingPause none(PrintStream out) {
        out.println("training processes left running (--no-pause-training)");
        return new TrainingPause(List.of(), out, false);
    }

    public List<Long> pids() {
        return pids;
    }

    /** Continues the paused processes (once; later calls do nothing). */
    @Override
    public void close() {
        resume();
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs (or ran) anyway
            }
        }
    }

    private void resume() {
        if (pids.isEmpty() || !resumed.compareAndSet(false, true)) {
            return;
        }
        signal("CONT", pids);
        if (sentinel != null) {
            sentinel.destroy();
        }
        out.println("resumed training processes, PIDs " + join(pids));
        out.flush();
    }

    /**
     * PIDs of this user's live processes whose command line (arguments joined by spaces) contains
     * {@code match}, other than this JVM, its ancestors and its descendants; ascending.
     */
    public static List<Long> find(String match) {
        Path proc = Path.of("/proc");
        if (match.isEmpty() || !Files.isDirectory(proc)) {
            return List.of();
        }
        Set<Long> own = new HashSet<>();
        ProcessHandle self = ProcessHandle.current();
        own.add(self.pid());
        for (var p = self.parent(); p.isPresent(); p = p.get().parent()) {
            own.add(p.get().pid());
        }
        self.descendants().forEach(d -> own.add(d.pid()));
        Object uid = uid(proc.resolve("self"));
        List<Long> found = new ArrayList<>();
        try (Stream<Path> entries = Files.list(proc)) {
            for (Path e : (Iterable<Path>) entries::iterator) {
                String name = e.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long pid = Long.parseLong(name);
                if (own.contains(pid) || uid == null || !uid.equals(uid(e))) {
                    continue;
                }
                char s = state(pid);
                if (s == 0 || s == 'Z' || s == 'X') {
                    continue;
                }
                if (commandLine(pid).contains(match)) {
                    found.add(pid);
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        found.sort(null);
        return found;
    }

    /** The process's command line, arguments joined by spaces ("" when gone or unreadable). */
    public static String commandLine(long pid) {
        try {
            byte[] b = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return new String(b, StandardCharsets.UTF_8).replace('\0', ' ').trim();
        } catch (IOException e) {
            return "";
        }
    }

    /** The state letter of /proc/PID/stat (R, S, T for stopped, ...); 0 when the process is gone. */
    public static char state(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int close = s.lastIndexOf(')');
            return close < 0 || close + 2 >= s.length() ? 0 : s.charAt(close + 2);
        } catch (IOException e) {
            return 0;
        }
    }

    private static Object uid(Path procDir) {
        try {
            return Files.getAttribute(procDir, "unix:uid");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        }
    }

    /** kill -SIG PID...; a process that exited meanwhile is not an error. */
    private static void signal(String sig, List<Long> pids) {
        List<String> cmd = new ArrayList<>(List.of("kill", "-" + sig));
        pids.forEach(p -> cmd.add(Long.toString(p)));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run kill -" + sig + " " + join(pids) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A shell that continues the PIDs once this JVM is gone, whatever ended it (a SIGKILL included). */
    private static Process sentinel(List<Long> pids) {
        String script = "while kill -0 " + ProcessHandle.current().pid() + " 2>/dev/null; do sleep 1; done; kill -CONT " + join(pids)
                + " 2>/dev/null";
        try {
            return new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return null; // the shutdown hook still covers every ending but SIGKILL
        }
    }

    private static String join(List<Long> pids) {
        return pids.stream().map(String::valueOf).collect(Collectors.joining(" "));
    }
}
