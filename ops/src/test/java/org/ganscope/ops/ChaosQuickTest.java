package org.ganscope.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ganscope.ops.chaos.ChaosRun;
import org.junit.jupiter.api.Test;

/**
 * A short chaos run in CI (the full one is {@code ./ganscope chaos}): worker kills at
 * random points, a platform kill, a cancel inside a step, a double-submitted launch, a
 * two-layer run, a SIGTERMed worker, an unwritable store, a burst of launches and the whole
 * bad-input catalogue against a real local cluster on the real Temporal server (the CLI's
 * dev server). Nothing may be lost.
 */
class ChaosQuickTest {
    @Test
    void shortChaosRunLosesNothingAndRefusesEveryBadInputCleanly() throws Exception {
        Path repo = Path.of(System.getProperty("ganscope.repo", "..")).toAbsolutePath().normalize();
        ChaosRun.Summary s = ChaosRun.run(repo, Files.createTempDirectory("ganscope-chaos-ci"), 2, 1, 6, 7, TemporalCli.require(),
                List.of("metrics"));
        System.out.println(s.line());
        assertEquals(0, s.lost(), s.line());
        assertEquals("temporal-dev", s.server(), s.line());
        assertEquals(s.runs(), s.completed(), s.line());
        assertEquals(s.runs(), s.identical(), s.line());
        assertTrue(s.badInputs() >= 25, s.line());
        assertEquals(s.badInputs(), s.rejectedCleanly(), s.line());
        assertTrue(s.maxShardsLost() <= 2, "at most the shards in flight (one per worker) lost per kill: " + s.maxShardsLost());
        // a cancel inside the dissect step, a double-submitted launch, a two-layer run, a SIGTERMed worker, a torn stored result
        assertEquals(1, s.cancels(), s.line());
        assertEquals(s.cancels(), s.cancelledClean(), s.line());
        assertEquals(1, s.sigterms(), s.line());
        // a stored thresholds file torn on disk: the same experiment again computes it again and stores it whole
        assertEquals(1, s.torn(), s.line());
        assertEquals(s.torn(), s.healed(), s.line());
        assertEquals(0, s.shardsLostBeyond(), "no shard lost beyond one per killed or frozen process: " + s.line());
        assertEquals(0, s.emptyHints(), "every bad-input probe names what its message must say");
        assertTrue(s.passed(), s.line());
    }
}
