package org.ganscope.analysis.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.ganscope.analysis.Progress;

/**
 * The command line's view of engine {@link Progress}, on standard error (standard output
 * stays the result): on a terminal ({@code System.console() != null}) a progress bar per
 * phase with rate and ETA (me.tongfei:progressbar); otherwise, as in logs and CI, a plain
 * line every {@code intervalSeconds} with done/total, percent, rate and ETA, and one line
 * when each phase ends.
 */
public final class ConsoleProgress implements Progress {
    private final String command;
    private final boolean terminal;
    private final PrintStream out;
    private final long intervalNanos;
    private final LongSupplier clock;
    private final AtomicLong done = new AtomicLong();
    private ProgressBar bar;
    private String phase;
    private String unit;
    private long total;
    private long startNanos;
    private long lastPrint;

    /** For the command {@code command}: a bar on a terminal, plain lines every 10 s elsewhere. */
    public static Progress forCommand(String command) {
        return new ConsoleProgress(command, System.console() != null, System.err, 10, System::nanoTime);
    }

    ConsoleProgress(String command, boolean terminal, PrintStream out, double intervalSeconds, LongSupplier clock) {
        this.command = command;
        this.terminal = terminal;
        this.out = out;
        this.intervalNanos = (long) (intervalSeconds * 1e9);
        this.clock = clock;
    }

    @Override
    public synchronized void begin(String phase, long total, String unit) {
        end();
        this.phase = phase;
        this.unit = unit;
        this.total = total;
        done.set(0);
        startNanos = clock.getAsLong();
        lastPrint = startNanos;
        if (terminal) {
            bar = new ProgressBarBuilder().setTaskName(command + ": " + phase).setInitialMax(total).setUnit(" " + unit, 1)
                    .showSpeed().setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500)
                    .setConsumer(new ConsoleProgressBarConsumer(out)).build();
        }
    }

    @Override
    public void advance(long n) {
        long d = done.addAndGet(n);
        if (bar != null) {
            bar.stepBy(n);
            return;
        }
        long now = clock.getAsLong();
        if (now - lastPrint >= intervalNanos) {
            synchronized (this) {
                if (now - lastPrint >= intervalNanos && phase != null) {
                    lastPrint = now;
                    out.println(line(d, now));
                }
            }
        }
    }

    @Override
    public synchronized void total(long total) {
        if (phase == null) {
            return;
        }
        this.total = total;
        if (bar != null) {
            bar.maxHint(total);
        }
    }

    @Override
    public synchronized void end() {
        if (phase == null) {
            return;
        }
        if (bar != null) {
            bar.close();
            bar = null;
        } else {
            double secs = (clock.getAsLong() - startNanos) / 1e9;
            out.printf(Locale.ROOT, "%s: %s done, %d %s in %.1f s (%.1f %s/s)%n", command, phase, done.get(), unit, secs,
                    secs > 0 ? done.get() / secs : 0.0, unit);
        }
        phase = null;
    }

    private String line(long d, long now) {
        double secs = (now - startNanos) / 1e9;
        double rate = secs > 0 ? d / secs : 0;
        String eta = rate > 0 ? String.format(Locale.ROOT, "%.0f s", (total - d) / rate) : "?";
        return String.format(Locale.ROOT, "%s: %s %d/%d %s (%.0f%%), %.1f %s/s, ETA %s", command, phase, d, total, unit,
                total > 0 ? 100.0 * d / total : 100.0, rate, unit, eta);
    }
}
