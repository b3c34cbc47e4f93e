package org.ganscope.analysis;

/**
 * A problem with the inputs of an analysis (a bad bundle, bad arrays, absurd
 * parameters). The message is meant for a researcher: it says what is wrong and where.
 * Never retryable: the same inputs fail the same way.
 */
public class AnalysisException extends RuntimeException {
    public AnalysisException(String message) {
        super(message);
    }

    public AnalysisException(String message, Throwable cause) {
        super(message, cause);
    }
}
