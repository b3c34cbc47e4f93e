package org.ganscope.activities.intervene;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The intervene step (ablation curves and insertion by context per class of interest) on the model queue. */
@ActivityInterface
public interface InterveneActivities {
    @ActivityMethod
    String intervene(InterveneTask task);
}
