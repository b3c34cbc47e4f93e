package org.ganscope.analysis.cli;

/** Wrong command-line usage: printed as one line with exit code 2. */
public class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
