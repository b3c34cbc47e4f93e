package org.ganscope.activities.dissect;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * The dissect step as activities on the model-work task queue: the threshold pass, any
 * number of evaluation shards (run anywhere, in parallel), and the exact merge that
 * writes the results. Each returns the content-addressed key of its result; a call whose
 * result is already stored returns at once.
 */
@ActivityInterface
public interface DissectActivities {
    @ActivityMethod
    String thresholds(DissectTask task);

    @ActivityMethod
    String shard(DissectTask task, String thresholdsKey, int shard);

    @ActivityMethod
    String merge(DissectTask task, String thresholdsKey, List<String> shardKeys);
}
