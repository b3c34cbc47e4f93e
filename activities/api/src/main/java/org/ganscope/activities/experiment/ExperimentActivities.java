package org.ganscope.activities.experiment;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/** Bookkeeping activities: the experiment's and its steps' status in Postgres. */
@ActivityInterface
public interface ExperimentActivities {
    void queueSteps(long experimentId, List<StepSpec> steps);

    void setStatus(long experimentId, String status, String error);

    void stepFailed(long experimentId, String step, String layer, String status, String error);

    /** Marks the steps that never started (still QUEUED) SKIPPED, with the reason. */
    void skipQueued(long experimentId, String reason);
}
