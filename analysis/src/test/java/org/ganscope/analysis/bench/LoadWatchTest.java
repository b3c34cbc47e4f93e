package org.ganscope.analysis.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/** LoadWatch on an injected load source: the maximum of start, during and end decides. */
class LoadWatchTest {
    /** Returns the given loads in order, then repeats the last one. */
    private static DoubleSupplier loads(double... l) {
        AtomicInteger i = new AtomicInteger();
        return () -> l[Math.min(i.getAndIncrement(), l.length - 1)];
    }

    @Test
    void aSpikeDuringTheRunMarksTheFigure() {
        LoadWatch w = LoadWatch.start(loads(1.0, 3.5, 1.2), 2, null); // start 1.0
        w.sample(); // during: 3.5
        w.close(); // end: 1.2
        assertEquals(3.5, w.max());
        assertEquals(3, w.samples());
        assertFalse(w.reliable());
        assertEquals("UNRELIABLE: load 3.50 > 2 cores", w.mark());
        assertEquals("UNRELIABLE(0.469)", w.value("0.469"));
        assertEquals("load_max=3.50 cores=2 UNRELIABLE: load 3.50 > 2 cores", w.fields());
    }

    @Test
    void loadAtOrBelowTheCoreCountReportsCleanFigures() {
        LoadWatch w = LoadWatch.start(loads(0.5, 2.0, 1.9), 2, null);
        w.sample();
        w.close();
        assertTrue(w.reliable());
        assertEquals("", w.mark());
        assertEquals("0.469", w.value("0.469"));
        assertEquals("load_max=2.00 cores=2", w.fields());
        assertTrue(w.describe().startsWith("load max 2.00 (start 0.50, now 1.90, 4 samples) on 2 cores"), w.describe());
    }

    @Test
    void theEndSampleCounts() {
        LoadWatch w = LoadWatch.start(loads(1.0, 1.0, 4.0), 3, null);
        w.sample();
        assertTrue(w.reliable());
        w.close();
        assertFalse(w.reliable(), "a load above the cores at the end marks the run");
        assertEquals("UNRELIABLE: load 4.00 > 3 cores", w.mark());
    }

    @Test
    void theSamplerThreadSamplesWhileTheRunGoesOn() throws InterruptedException {
        List<Double> seen = new ArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        // the load goes over the cores only between the start and the end samples
        LoadWatch w = LoadWatch.start(() -> {
            int c = calls.incrementAndGet();
            double l = c >= 3 && c <= 5 ? 9.0 : 0.5;
            synchronized (seen) {
                seen.add(l);
            }
            return l;
        }, 2, Duration.ofMillis(5));
        while (calls.get() < 8) {
            Thread.sleep(5);
        }
        w.close();
        assertFalse(w.reliable(), "the sampler saw 9.0 during the run: " + seen);
        assertEquals(9.0, w.max());
    }

    @Test
    void anUnknownLoadMarksNothing() {
        LoadWatch w = LoadWatch.start(() -> Double.NaN, 2, null);
        w.close();
        assertTrue(w.reliable());
        assertEquals(0, w.samples());
        assertEquals("load_max=NaN cores=2", w.fields());
        assertEquals("load unknown (no /proc/loadavg) on 2 cores", w.describe());
    }

    @Test
    void settleWaitsForTheAverageToFallOrGivesUp() throws InterruptedException {
        List<String> log = new ArrayList<>();
        assertTrue(LoadWatch.settle(loads(3.7, 2.9, 2.1, 1.8), 2, Duration.ofSeconds(30), Duration.ofMillis(1), log::add));
        assertEquals(2, log.size(), log.toString());
        assertTrue(log.get(0).contains("(3.70) to fall to 2 cores"), log.get(0));
        assertTrue(log.get(1).startsWith("load average 1.80 <= 2 cores"), log.get(1));

        log.clear();
        assertFalse(LoadWatch.settle(() -> 5.0, 2, Duration.ofMillis(30), Duration.ofMillis(1), log::add));
        assertTrue(log.get(log.size() - 1).contains("still 5.00 > 2 cores"), log.toString());

        log.clear();
        assertTrue(LoadWatch.settle(() -> 0.3, 2, Duration.ofSeconds(30), Duration.ofMillis(1), log::add));
        assertEquals(List.of(), log, "no wait, no message");
    }

    @Test
    void procLoadavgIsTheFirstField() {
        double l = LoadWatch.procLoadavg();
        assertTrue(Double.isNaN(l) || l >= 0, "1-minute load " + l);
    }
}
