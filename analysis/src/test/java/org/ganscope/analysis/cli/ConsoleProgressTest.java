package org.ganscope.analysis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {
    @Test
    void withoutATerminalPrintsPeriodicLinesWithRateAndEta() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong();
        ConsoleProgress p = new ConsoleProgress("dissect", false, new PrintStream(buf, true, StandardCharsets.UTF_8), 10, now::get);
        p.begin("evaluation", 1000, "img");
        now.set(4_000_000_000L);
        p.advance(200); // 4 s: before the first interval, nothing printed
        now.set(10_000_000_000L);
        p.advance(300); // 500 in 10 s: 50 img/s, 500 left: 10 s
        now.set(12_000_000_000L);
        p.advance(100); // 2 s after the last line: nothing
        now.set(20_000_000_000L);
        p.advance(400);
        p.end();
        String[] lines = buf.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(3, lines.length, buf.toString(StandardCharsets.UTF_8));
        assertEquals("dissect: evaluation 500/1000 img (50%), 50.0 img/s, ETA 10 s", lines[0]);
        assertEquals("dissect: evaluation 1000/1000 img (100%), 50.0 img/s, ETA 0 s", lines[1]);
        assertEquals("dissect: evaluation done, 1000 img in 20.0 s (50.0 img/s)", lines[2]);
    }

    @Test
    void aRevisedTotalShowsInTheLinesAndTheEta() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong();
        ConsoleProgress p = new ConsoleProgress("bench workers", false, new PrintStream(buf, true, StandardCharsets.UTF_8), 10, now::get);
        p.begin("experiment 3: dissect layer3", 200, "images");
        p.total(400); // the step's real work, known once it runs
        now.set(10_000_000_000L);
        p.advance(100);
        p.end();
        p.total(5); // no phase open: ignored
        String[] lines = buf.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(2, lines.length, buf.toString(StandardCharsets.UTF_8));
        assertEquals("bench workers: experiment 3: dissect layer3 100/400 images (25%), 10.0 images/s, ETA 30 s", lines[0]);
        assertEquals("bench workers: experiment 3: dissect layer3 done, 100 images in 10.0 s (10.0 images/s)", lines[1]);
    }
}
