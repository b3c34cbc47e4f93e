package org.ganscope.activities.explain;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The explain step (formulas of concepts per unit) on the model queue. */
@ActivityInterface
public interface ExplainActivities {
    @ActivityMethod
    String explain(ExplainTask task);
}
