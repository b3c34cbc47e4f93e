package org.ganscope.activities.artifacts;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The artifacts step (automatic artifact units and their ablation) on the model queue. */
@ActivityInterface
public interface ArtifactsActivities {
    @ActivityMethod
    String artifacts(ArtifactsTask task);
}
