package org.ganscope.analysis.bundle;

import org.ganscope.analysis.AnalysisException;

/** A bundle that cannot be used: missing file, hash mismatch, wrong shape, bad JSON, unknown schema. */
public class BundleException extends AnalysisException {
    public BundleException(String message) {
        super(message);
    }
}
