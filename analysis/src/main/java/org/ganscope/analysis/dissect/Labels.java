package org.ganscope.analysis.dissect;

import org.ganscope.analysis.AnalysisException;

/** Shared label checks of the tallies. */
final class Labels {
    private Labels() {
    }

    static AnalysisException outOfRange(int label, int classes, int index) {
        return new AnalysisException("segmentation label " + label + " at flat index " + index
                + " is outside [0, " + classes + ")");
    }
}
