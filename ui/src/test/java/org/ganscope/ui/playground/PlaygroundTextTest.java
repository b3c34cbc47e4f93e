package org.ganscope.ui.playground;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The playground's outcome line says what was re-rendered in a researcher's words, not the paper's symbols. */
class PlaygroundTextTest {
    @Test
    void anEditSaysWhichPartOfTheGeneratorRanAgain() {
        assertEquals("remove 20 'tree' units: 'tree' covers 41.3% of the painted region before, 2.0% after (2048 segmentation pixels)."
                + " The generator's layers after layer2 and the segmenter re-rendered the image in 37 ms. Left: before, right: after.",
                PlaygroundView.outcomeText("remove", 20, "tree", "layer2", 0.413, 0.02, 2048, 37));
    }
}
