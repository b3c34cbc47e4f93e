package org.ganscope.ui.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.ganscope.services.experiment.Explanation;
import org.junit.jupiter.api.Test;

/** What the explanations panel says above its table: the held-out gain share first, with the step's interval. */
class ExplanationsTextTest {
    @Test
    void theHeldOutShareWithItsIntervalAndNegativeGainsCounted() {
        List<Explanation> rows = List.of(
                new Explanation(0, "wall AND material:brick", 0.6, "wall", 0.4, 0.5, 0.3, true),   // held-out gain +0.2
                new Explanation(1, "sky OR tree", 0.5, "sky", 0.45, 0.40, 0.43, true),               // -0.03: fitted the search half
                new Explanation(2, "grass", 0.3, "grass", 0.3, 0.28, 0.28, true),                    // 0
                new Explanation(3, "road AND NOT color:grey", 0.3, "road", 0.25, 0.32, 0.30, true)); // +0.02: counts (>=)
        String text = ExplanationsPanel.summaryText(rows, "layer3",
                Map.of("held_out_gain_share_ci_low|0.02", 0.25, "held_out_gain_share_ci_high|0.02", 0.75));
        assertEquals("Held-out gain >= 0.02: 2 of 4 units in layer3 (50%, 95% interval 25%-75% by bootstrap over held-out images);"
                + " mean held-out gain +0.048. Formulas and best single labels are chosen on half the images and judged on the other half.", text);
    }

    @Test
    void explanationsRecordedBeforeTheSplitSaySo() {
        List<Explanation> rows = List.of(new Explanation(0, "a OR b", 0.6, "a", 0.4, null, null, false),
                new Explanation(1, "c", 0.6, "c", 0.6, null, null, false));
        assertEquals("1 of 2 units in layer2 are explained better by a formula than by one label on the images searched"
                + " (recorded before held-out judging; re-run the explain step)", ExplanationsPanel.summaryText(rows, "layer2", Map.of()));
    }
}
