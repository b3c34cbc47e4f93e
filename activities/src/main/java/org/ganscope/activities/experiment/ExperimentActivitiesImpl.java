package org.ganscope.activities.experiment;

import java.util.List;
import org.ganscope.activities.Failures;
import org.ganscope.db.ExperimentRepository;
import org.ganscope.db.StepRepository;

public final class ExperimentActivitiesImpl implements ExperimentActivities {
    private final ExperimentRepository experiments;
    private final StepRepository steps;

    public ExperimentActivitiesImpl(ExperimentRepository experiments, StepRepository steps) {
        this.experiments = experiments;
        this.steps = steps;
    }

    @Override
    public void queueSteps(long experimentId, List<StepSpec> specs) {
        Failures.classify(() -> {
            for (StepSpec s : specs) {
                steps.queue(experimentId, s.name(), s.layer(), s.total());
            }
            return null;
        });
    }

    @Override
    public void setStatus(long experimentId, String status, String error) {
        Failures.classify(() -> {
            if ("RUNNING".equals(status)) {
                // the workflow says RUNNING once its steps are queued; the experiment is RUNNING only when a worker has
                // started one of them (StepRepository.start), so a run waiting for a worker stays QUEUED
                experiments.markRunningIfStarted(experimentId);
            } else {
                experiments.setStatus(experimentId, status, error);
            }
            return null;
        });
    }

    @Override
    public void stepFailed(long experimentId, String step, String layer, String status, String error) {
        Failures.classify(() -> {
            steps.finish(experimentId, step, layer, status, null, error);
            return null;
        });
    }

    @Override
    public void skipQueued(long experimentId, String reason) {
        Failures.classify(() -> steps.skipQueued(experimentId, reason));
    }
}
