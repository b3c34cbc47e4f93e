package org.ganscope.activities.dissect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/** The dissect step's keyed parameters include the batch: a run at another batch size does not reuse the stored tallies. */
class DissectTasksTest {
    private static DissectTask task(int batch) {
        return new DissectTask(1, "b".repeat(64), "/b", "layer3", 36, 2, 16, 3, "quantile", 0.01, 4, batch, 3);
    }

    @Test
    void theBatchIsInTheThresholdAndShardKeys() {
        assertNotEquals(DissectTasks.thresholdParams(task(8)), DissectTasks.thresholdParams(task(16)));
        for (int k = 0; k < 3; k++) {
            assertNotEquals(DissectTasks.shardParams(task(8), k), DissectTasks.shardParams(task(16), k), "shard " + k);
        }
        assertEquals(DissectTasks.thresholdParams(task(8)), DissectTasks.thresholdParams(task(8)));
    }
}
