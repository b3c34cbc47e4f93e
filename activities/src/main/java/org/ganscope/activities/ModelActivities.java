package org.ganscope.activities;

import java.util.List;
import org.ganscope.activities.artifacts.ArtifactsActivitiesImpl;
import org.ganscope.activities.dissect.DissectActivitiesImpl;
import org.ganscope.activities.explain.ExplainActivitiesImpl;
import org.ganscope.activities.intervene.InterveneActivitiesImpl;
import org.ganscope.activities.metrics.MetricsActivitiesImpl;
import org.ganscope.activities.optimize.OptimizeActivitiesImpl;

/** Every pipeline step's activities, as a model worker registers them: a new step's implementation is added here. */
public final class ModelActivities {
    private ModelActivities() {
    }

    public static List<Object> all(ModelWork work) {
        return List.of(new DissectActivitiesImpl(work), new MetricsActivitiesImpl(work), new ExplainActivitiesImpl(work),
                new InterveneActivitiesImpl(work), new OptimizeActivitiesImpl(work), new ArtifactsActivitiesImpl(work));
    }
}
