package org.ganscope.activities;

import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.db.DatabaseException;

/**
 * Maps failures to Temporal's retry semantics: bad input (a broken bundle, absurd
 * parameters) is non-retryable with the researcher-facing message; a lost database
 * connection or an I/O error (disk full) is retried with backoff. The types are {@link FailureTypes}.
 */
public final class Failures {
    public static final String BAD_INPUT = FailureTypes.BAD_INPUT;

    private Failures() {
    }

    public static <T> T classify(Callable<T> work) {
        try {
            return work.call();
        } catch (AnalysisException e) {
            throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), BAD_INPUT);
        } catch (DatabaseException e) {
            if (e.transient_()) {
                throw ApplicationFailure.newFailure(e.getMessage(), FailureTypes.DATABASE_UNAVAILABLE);
            }
            throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), FailureTypes.DATABASE_REJECTED);
        } catch (IOException | UncheckedIOException e) {
            throw ApplicationFailure.newFailure("artifact store: " + e.getMessage(), FailureTypes.STORAGE_ERROR);
        } catch (ApplicationFailure e) {
            throw e;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw ApplicationFailure.newFailure(e.toString(), FailureTypes.UNEXPECTED);
        }
    }
}
