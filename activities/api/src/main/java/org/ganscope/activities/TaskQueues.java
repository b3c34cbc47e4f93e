package org.ganscope.activities;

/** Task queues per worker kind: GPU/CPU model workers take model work only. */
public final class TaskQueues {
    /** Workflow tasks (orchestration only, cheap). */
    public static final String WORKFLOWS = "ganscope-workflows";
    /** Model work: inference and statistics (sample, segment, dissect, intervene, ...). */
    public static final String MODEL = "ganscope-model";
    /** Bookkeeping: experiment and step status in Postgres. */
    public static final String BOOKKEEPING = "ganscope-bookkeeping";

    private TaskQueues() {
    }
}
