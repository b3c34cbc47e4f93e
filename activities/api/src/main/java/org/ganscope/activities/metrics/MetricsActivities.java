package org.ganscope.activities.metrics;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The metrics step (domain FD, SWD, precision/recall/density/coverage) on the model queue. */
@ActivityInterface
public interface MetricsActivities {
    @ActivityMethod
    String metrics(MetricsTask task);
}
