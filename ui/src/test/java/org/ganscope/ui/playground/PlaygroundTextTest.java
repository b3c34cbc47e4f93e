package org.ganscope.ui.playground;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The playground's outcome line says what was re-rendered in a researcher's words, not the paper's symbols. */
class PlaygroundTextTest {
    @Test
    void anEditSaysWhichPartOfTheGeneratorRanAgainAndHowMuchThePictureChanged() {
        assertEquals("remove 20 'tree' units: 'tree' covers 41.3% of the painted region before, 2.0% after (2048 segmentation pixels)."
                + " The picture changed by 6.2 levels of 255 on average in the painted region (by up to 71 in the image)."
                + " The generator's layers after layer2 and the segmenter re-rendered the image in 37 ms.",
                PlaygroundView.outcomeText("remove", 20, "tree", "layer2", 0.413, 0.02, 2048, 37, 6.24, 71));
    }

    @Test
    void anEditThatChangesNothingSaysWhy() {
        String text = PlaygroundView.outcomeText("remove", 1, "tree", "layer2", 0.1, 0.1, 2048, 12, 0, 0);
        assertTrue(text.contains("The picture did not change: these units are not active in the painted region"), text);
    }

    @Test
    void theLegendSaysWhatEachPanelIsAndTheGain() {
        assertEquals("Top: before, after, and the change |after \u2212 before| (amplified 4\u00d7; white: changed most). Bottom: where the"
                + " segmenter sees 'tree' before and after (blue), and where it lost (red) or gained (green) it. Yellow: the painted region.",
                PlaygroundView.legendText("tree", 4));
    }
}
