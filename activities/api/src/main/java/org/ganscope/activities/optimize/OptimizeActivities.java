package org.ganscope.activities.optimize;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The optimize step (alpha optimisation per class of interest) on the model queue. */
@ActivityInterface
public interface OptimizeActivities {
    @ActivityMethod
    String optimize(OptimizeTask task);
}
