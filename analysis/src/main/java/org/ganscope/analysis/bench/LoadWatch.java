package org.ganscope.analysis.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;

/**
 * The machine's 1-minute load average around a benchmark: sampled when the watch starts, every
 * few seconds while it runs (a daemon thread) and whenever a figure is reported or the watch
 * closes; the maximum is what counts. A timing figure measured while the load exceeded the
 * core count (other processes took CPU from the benchmark) is not reported clean: {@link #value}
 * wraps it as {@code UNRELIABLE(x)} and {@link #mark} says {@code UNRELIABLE: load X > N cores}.
 * Without /proc/loadavg (not Linux) the load is unknown and nothing is marked.
 */
public final class LoadWatch implements AutoCloseable {
    /** How often /proc/loadavg changes (the kernel recomputes it every 5 s). */
    public static final Duration INTERVAL = Duration.ofSeconds(5);

    private final DoubleSupplier source;
    private final int cores;
    private final Thread sampler;
    private double first = Double.NaN;
    private double last = Double.NaN;
    private double max = Double.NaN;
    private int samples;

    private LoadWatch(DoubleSupplier source, int cores, Duration interval) {
        if (cores < 1) {
            throw new IllegalArgumentException("cores must be >= 1, got " + cores);
        }
        this.source = source;
        this.cores = cores;
        sample();
        if (interval == null) {
            sampler = null;
        } else {
            long millis = Math.max(1, interval.toMillis());
            sampler = new Thread(() -> {
                try {
                    while (true) {
                        Thread.sleep(millis);
                        sample();
                    }
                } catch (InterruptedException stop) {
                    // closed
                }
            }, "load-watch");
            sampler.setDaemon(true);
            sampler.start();
        }
    }

    /** Watches /proc/loadavg against this JVM's core count, sampling every {@link #INTERVAL}. */
    public static LoadWatch start() {
        return new LoadWatch(LoadWatch::procLoadavg, Runtime.getRuntime().availableProcessors(), INTERVAL);
    }

    /** Watches {@code source} (NaN: unknown) against {@code cores}; {@code interval} null: only explicit samples. */
    public static LoadWatch start(DoubleSupplier source, int cores, Duration interval) {
        return new LoadWatch(source, cores, interval);
    }

    /** Takes one sample now. */
    public synchronized void sample() {
        double l = source.getAsDouble();
        if (Double.isNaN(l)) {
            return;
        }
        if (samples == 0) {
            first = l;
        }
        last = l;
        max = samples == 0 ? l : Math.max(max, l);
        samples++;
    }

    /** Stops the sampler and takes the end sample. */
    @Override
    public void close() {
        if (sampler != null) {
            sampler.interrupt();
            try {
                sampler.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        sample();
    }

    public synchronized double max() {
        return max;
    }

    public synchronized int samples() {
        return samples;
    }

    public int cores() {
        return cores;
    }

    /** False once a sample exceeded the core count; true while none did or the load is unknown. */
    public synchronized boolean reliable() {
        return samples == 0 || max <= cores;
    }

    /** "load max 1.62 (start 1.20, now 1.55, 12 samples) on 2 cores", after a fresh sample. */
    public String describe() {
        sample();
        synchronized (this) {
            if (samples == 0) {
                return "load unknown (no /proc/loadavg) on " + cores + " cores";
            }
            return String.format(Locale.ROOT, "load max %.2f (start %.2f, now %.2f, %d samples) on %d cores", max, first, last, samples, cores);
        }
    }

    /** Empty while reliable, else "UNRELIABLE: load 3.71 > 2 cores". */
    public synchronized String mark() {
        return reliable() ? "" : String.format(Locale.ROOT, "UNRELIABLE: load %.2f > %d cores", max, cores);
    }

    /** A formatted figure as reported: itself while reliable, else "UNRELIABLE(figure)". */
    public String value(String figure) {
        return reliable() ? figure : "UNRELIABLE(" + figure + ")";
    }

    /** "load_max=1.62 cores=2" (load_max=NaN when unknown) and, when over, " UNRELIABLE: load 3.71 > 2 cores". */
    public synchronized String fields() {
        String f = String.format(Locale.ROOT, "load_max=%.2f cores=%d", samples == 0 ? Double.NaN : max, cores);
        return reliable() ? f : f + " " + mark();
    }

    /**
     * Waits until the load is at most {@code cores} or {@code maxWait} has passed, polling every
     * {@code poll}; for after processes were paused, since the 1-minute average still carries the
     * last minute's load (it decays by 1/e a minute). Returns whether it settled; an unknown load
     * counts as settled.
     */
    public static boolean settle(DoubleSupplier source, int cores, Duration maxWait, Duration poll, Consumer<String> log) throws InterruptedException {
        long end = System.nanoTime() + maxWait.toNanos();
        boolean said = false;
        while (true) {
            double l = source.getAsDouble();
            if (Double.isNaN(l) || l <= cores) {
                if (said) {
                    log.accept(String.format(Locale.ROOT, "load average %.2f <= %d cores: starting", l, cores));
                }
                return true;
            }
            if (System.nanoTime() >= end) {
                log.accept(String.format(Locale.ROOT, "load average still %.2f > %d cores after %d s: starting anyway (figures will be marked)",
                        l, cores, maxWait.toSeconds()));
                return false;
            }
            if (!said) {
                log.accept(String.format(Locale.ROOT, "waiting up to %d s for the 1-minute load average (%.2f) to fall to %d cores...",
                        maxWait.toSeconds(), l, cores));
                said = true;
            }
            Thread.sleep(Math.max(1, poll.toMillis()));
        }
    }

    /** The settle wait against /proc/loadavg and this JVM's cores, polling every {@link #INTERVAL}. */
    public static boolean settle(Duration maxWait, Consumer<String> log) throws InterruptedException {
        return settle(LoadWatch::procLoadavg, Runtime.getRuntime().availableProcessors(), maxWait, INTERVAL, log);
    }

    /** The 1-minute load average from /proc/loadavg; NaN where there is none. */
    public static double procLoadavg() {
        try {
            String s = Files.readString(Path.of("/proc/loadavg")).trim();
            return Double.parseDouble(s.substring(0, s.indexOf(' ')));
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
