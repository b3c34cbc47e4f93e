package org.ganscope.activities;

/**
 * The failure types activities report to Temporal (the {@code ApplicationFailure} type), which
 * the workflow's retry options name: bad input and a rejected database write are not retried,
 * the others are retried with backoff.
 */
public final class FailureTypes {
    /** A broken bundle, absurd parameters: the researcher-facing message ends the experiment. */
    public static final String BAD_INPUT = "BadInput";
    /** The database refused a write (e.g. a missing row): retrying cannot help. */
    public static final String DATABASE_REJECTED = "DatabaseRejected";
    /** The database is unreachable: retried. */
    public static final String DATABASE_UNAVAILABLE = "DatabaseUnavailable";
    /** The artifact store failed (e.g. disk full): retried. */
    public static final String STORAGE_ERROR = "StorageError";
    /** The engine made no progress for the stall time (a hung native call): retried. */
    public static final String STALLED = "Stalled";
    /** Any other checked exception: retried. */
    public static final String UNEXPECTED = "Unexpected";

    private FailureTypes() {
    }
}
