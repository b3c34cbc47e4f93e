package org.ganscope.services.experiment;

import java.time.Instant;
import org.ganscope.db.StepRepository.StepRow;

/**
 * One step of an experiment's timeline: status, attempt, shard progress ({@code done} of
 * {@code total}), when it started and finished (null where it did not), its error.
 *
 * @param layer the layer of a per-layer step, "" for an experiment-wide one
 */
public record StepSummary(String name, String layer, String status, int attempt, long done, long total, String error,
        Instant startedAt, Instant finishedAt) {
    static StepSummary of(StepRow r) {
        return new StepSummary(r.name(), r.layer(), r.status(), r.attempt(), r.done(), r.total(), r.error(), r.startedAt(), r.finishedAt());
    }
}
