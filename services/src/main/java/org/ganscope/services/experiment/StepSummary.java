package org.ganscope.services.experiment;

import java.time.Instant;
import org.ganscope.db.StepRepository.StepRow;

/**
 * One step of an experiment's timeline: status, attempt, shard progress ({@code done} of
 * {@code total}), when it started and finished (null where it did not), its error.
 *
 * @param layer the layer of a per-layer step, "" for an experiment-wide one
 * @param launchTotal the total as queued at launch (null for steps queued before it was recorded); differs from
 *        {@code total} when the step revised its count while running
 */
public record StepSummary(String name, String layer, String status, int attempt, long done, long total, String error,
        Instant startedAt, Instant finishedAt, Long launchTotal) {
    public StepSummary(String name, String layer, String status, int attempt, long done, long total, String error,
            Instant startedAt, Instant finishedAt) {
        this(name, layer, status, attempt, done, total, error, startedAt, finishedAt, null);
    }

    static StepSummary of(StepRow r) {
        return new StepSummary(r.name(), r.layer(), r.status(), r.attempt(), r.done(), r.total(), r.error(), r.startedAt(), r.finishedAt(),
                r.launchTotal());
    }

    /** Whether the step's total changed since launch. */
    public boolean revised() {
        return launchTotal != null && launchTotal != total;
    }

    /**
     * Seconds left at the rate measured since the step started ({@code done} over the time it has run), or null when
     * there is no rate yet (nothing done, not running) or nothing left to count.
     */
    public Long etaSeconds(Instant now) {
        if (!"RUNNING".equals(status) || startedAt == null || done <= 0 || total <= done) {
            return null;
        }
        double secs = java.time.Duration.between(startedAt, now).toMillis() / 1000.0;
        if (secs <= 0) {
            return null;
        }
        return Math.round((total - done) / (done / secs));
    }
}
