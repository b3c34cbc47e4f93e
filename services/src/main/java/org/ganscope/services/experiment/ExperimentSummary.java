package org.ganscope.services.experiment;

import java.time.Instant;
import java.util.List;
import org.ganscope.db.ExperimentRepository.ExperimentRow;

/**
 * An experiment as the dashboard shows it: what it is, on which bundle, its status and
 * progress over its steps, who launched it when, its notes and tags, and its launch
 * parameters (the stored JSON of its spec).
 *
 * @param progress the share of its steps' work done, 0 to 1
 * @param startedAt when its first step started (null while queued)
 * @param finishedAt when its last step finished, once the experiment has ended (null before)
 */
public record ExperimentSummary(long id, String name, String bundleName, String dataset, String variant, String status,
        double progress, String error, String createdBy, Instant createdAt, Instant updatedAt, String notes, List<String> tags,
        String paramsJson, Instant startedAt, Instant finishedAt) {
    static ExperimentSummary of(ExperimentRow r) {
        return new ExperimentSummary(r.id(), r.name(), r.bundleName(), r.dataset(), r.variant(), r.status(), r.progress(), r.error(),
                r.createdBy(), r.createdAt(), r.updatedAt(), r.notes(), r.tags(), r.paramsJson(), r.startedAt(), r.finishedAt());
    }
}
