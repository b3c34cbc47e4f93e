package org.ganscope.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Progress} that records every phase as the engine reports it, for tests: its
 * name, total, unit, the sum of its advances and whether it was ended. Advances from
 * several threads at once are summed exactly; an advance outside a phase is recorded as
 * an error.
 */
public final class RecordingProgress implements Progress {
    /** One phase as reported. */
    public static final class Phase {
        public final String name;
        public final long total;
        public final String unit;
        public final AtomicLong done = new AtomicLong();
        public volatile boolean ended;

        Phase(String name, long total, String unit) {
            this.name = name;
            this.total = total;
            this.unit = unit;
        }

        @Override
        public String toString() {
            return name + " " + done + "/" + total + " " + unit + (ended ? "" : " (not ended)");
        }
    }

    private final List<Phase> phases = new ArrayList<>();
    private volatile Phase current;
    private final AtomicLong strayAdvances = new AtomicLong();

    @Override
    public synchronized void begin(String phase, long total, String unit) {
        end();
        current = new Phase(phase, total, unit);
        phases.add(current);
    }

    @Override
    public void advance(long n) {
        Phase p = current;
        if (p == null) {
            strayAdvances.addAndGet(n);
        } else {
            p.done.addAndGet(n);
        }
    }

    @Override
    public synchronized void end() {
        if (current != null) {
            current.ended = true;
            current = null;
        }
    }

    public synchronized List<Phase> phases() {
        return List.copyOf(phases);
    }

    /** The phases' names in order. */
    public List<String> names() {
        return phases().stream().map(p -> p.name).toList();
    }

    /**
     * Every phase was ended, with a positive total and a unit, and its advances add up to
     * its total; no advance came outside a phase.
     */
    public void assertComplete() {
        assertNull(current, "a phase was left open: " + current);
        assertEquals(0, strayAdvances.get(), "advances outside any phase");
        assertTrue(!phases.isEmpty(), "no phase was reported");
        for (Phase p : phases()) {
            assertTrue(p.ended, p.toString());
            assertTrue(p.total > 0, p.toString());
            assertNotNull(p.unit, p.toString());
            assertTrue(!p.unit.isBlank(), p.toString());
            assertEquals(p.total, p.done.get(), "advances of " + p);
        }
    }

    /** The phase named {@code name} (the first, if several). */
    public Phase phase(String name) {
        return phases().stream().filter(p -> p.name.equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no phase '" + name + "' in " + phases()));
    }

    /** Phases as "name total unit" lines, for messages. */
    @Override
    public String toString() {
        List<String> out = new ArrayList<>();
        for (Phase p : phases()) {
            out.add(p.toString());
        }
        return String.join("; ", out);
    }
}
