package org.ganscope.ops;

import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.util.List;

/** What the Temporal server itself records of a workflow (not what the platform says of it). */
final class TemporalHistory {
    private TemporalHistory() {
    }

    /** Every run of the workflow id the server knows, newest first. */
    static List<String> runIds(int port, String workflowId) {
        WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
                .setTarget("127.0.0.1:" + port).build());
        try {
            return stubs.blockingStub().listWorkflowExecutions(ListWorkflowExecutionsRequest.newBuilder().setNamespace("default")
                    .setQuery("WorkflowId = '" + workflowId + "'").build()).getExecutionsList().stream()
                    .map(e -> e.getExecution().getRunId()).toList();
        } finally {
            stubs.shutdownNow();
        }
    }
}
