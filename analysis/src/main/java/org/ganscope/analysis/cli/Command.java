package org.ganscope.analysis.cli;

/** One sub-command of the ganscope command line. */
public interface Command {
    /** The word that selects this command, e.g. "dissect-arrays" or "bundle". */
    String name();

    /** One line for the usage listing. */
    String summary();

    /**
     * Runs the command. Returns the process exit code. A {@link UsageException} or
     * {@link org.ganscope.analysis.AnalysisException} is printed as one clear line by
     * {@link Main}, which exits non-zero.
     */
    int run(String[] args) throws Exception;
}
