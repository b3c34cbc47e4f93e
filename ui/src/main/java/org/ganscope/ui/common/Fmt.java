package org.ganscope.ui.common;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import com.vaadin.flow.component.html.Span;

/** On-screen formatting: numbers at the precision they carry, times in UTC, durations readable. */
public final class Fmt {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private Fmt() {
    }

    /** IoU-like scores in [0, 1]: three decimals. */
    public static String score(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "n/a";
    }

    public static String score(Double v) {
        return v == null ? "" : score(v.doubleValue());
    }

    /** A value and its 95% interval, e.g. {@code 0.123 [0.101, 0.145]}. */
    public static String withInterval(double v, Double low, Double high) {
        return low == null || high == null ? score(v) : score(v) + " [" + score(low) + ", " + score(high) + "]";
    }

    /** An activation threshold: always four decimals, wherever it is shown. */
    public static String threshold(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "n/a";
    }

    /** A general metric: four significant digits. */
    public static String metric(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4g", v) : "n/a";
    }

    public static String time(Instant t) {
        return t == null ? "" : TIME.format(t);
    }

    /** {@code 850 ms}, {@code 12.3 s}, {@code 4 min 05 s}, {@code 2 h 03 min}. */
    public static String duration(Duration d) {
        if (d == null) {
            return "";
        }
        long ms = Math.max(0, d.toMillis());
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        long s = ms / 1000;
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, s % 3600 / 60);
    }

    public static String duration(Instant from, Instant to) {
        return from == null ? "" : duration(Duration.between(from, to == null ? Instant.now() : to));
    }

    /** A grid column header that wraps onto several lines instead of being cut with an ellipsis. */
    public static Span header(String text) {
        Span h = new Span(text);
        h.getStyle().set("white-space", "normal").set("line-height", "1.2");
        return h;
    }
}
