package org.ganscope.ops.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The chaos run's verdict and closing line: every counter that must equal its total fails the run alone. */
class ChaosSummaryTest {
    /** A clean full run's figures (the shape of the closing line of the full run). */
    private static ChaosRun.Summary clean() {
        return new ChaosRun.Summary(47, 35, 47, 47, 43, 43, 0, 1, "temporal-dev", 6, 6, 1, 1, 3, 1, 1, 0, 0);
    }

    private static ChaosRun.Summary with(UnaryOperator<int[]> change) {
        ChaosRun.Summary c = clean();
        int[] f = {c.runs(), c.kills(), c.completed(), c.identical(), c.badInputs(), c.rejectedCleanly(), c.lost(), c.maxShardsLost(),
            c.cancels(), c.cancelledClean(), c.zombies(), c.sigterms(), c.outages(), c.torn(), c.healed(), c.shardsLostBeyond(), c.emptyHints()};
        f = change.apply(f);
        return new ChaosRun.Summary(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], c.server(), f[8], f[9], f[10], f[11], f[12], f[13], f[14],
                f[15], f[16]);
    }

    private static UnaryOperator<int[]> set(int index, int value) {
        return f -> {
            f[index] = value;
            return f;
        };
    }

    @Test
    void aCleanRunPassesAndItsLineCarriesEveryCounter() {
        assertTrue(clean().passed());
        assertEquals("chaos: runs=47 kills=35 completed=47 identical=47 bad_inputs=43 rejected_cleanly=43 cancels=6 cancelled_clean=6"
                + " zombies=1 sigterms=1 outages=3 torn=1 healed=1 lost=0 server=temporal-dev", clean().line());
    }

    @Test
    void eachShortfallFailsTheRunOnItsOwn() {
        // index into the figures above -> the value that must fail the run
        List<int[]> failing = List.of(
                new int[] {6, 1},   // a lost run
                new int[] {2, 46},  // a run that did not complete
                new int[] {3, 46},  // a run not identical to the uninterrupted dissection
                new int[] {5, 42},  // a bad input not refused cleanly
                new int[] {9, 5},   // a cancel not recorded cleanly (the first full run's explain cancel)
                new int[] {14, 0},  // a torn file not healed
                new int[] {15, 1},  // a shard attempt lost beyond one per process killed
                new int[] {16, 1}); // a probe that would pass any message
        for (int[] f : failing) {
            assertFalse(with(set(f[0], f[1])).passed(), "figure " + f[0] + " = " + f[1] + " must fail the run");
        }
    }
}
