package org.ganscope.workflows.experiment;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/** One experiment: its steps as activities, durable across worker and platform restarts. */
@WorkflowInterface
public interface ExperimentWorkflow {
    /** Runs the experiment; returns the result keys of its steps (dissect per layer). */
    @WorkflowMethod
    List<String> run(ExperimentSpec spec);

    /** The step the workflow is in, e.g. "dissect layer3: 2 of 4 shards". */
    @QueryMethod
    String progress();
}
