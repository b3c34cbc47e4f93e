package org.ganscope.ui.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The parameter diff reads as words and lists, not as the launch spec's JSON keys and comma-joined values. */
class CompareTextTest {
    @Test
    void parameterNamesInWords() {
        assertEquals("threshold samples", CompareView.paramLabel("thresholdSamples"));
        assertEquals("bundle hash", CompareView.paramLabel("bundleHash"));
        assertEquals("top k", CompareView.paramLabel("topK"));
        assertEquals("seed", CompareView.paramLabel("seed"));
    }

    @Test
    void listValuesWithASpaceAfterEachComma() {
        assertEquals("dissect, metrics, explain", CompareView.paramValue("dissect,metrics,explain"));
        assertEquals("layer2", CompareView.paramValue("layer2"));
        assertEquals("a, b", CompareView.paramValue("a, b"), "already spaced: unchanged");
        assertEquals("0.01", CompareView.paramValue("0.01"));
    }
}
