package org.ganscope.services.experiment;

import org.ganscope.db.ResultRepository.ExplanationRow;

/**
 * A unit's compositional explanation (the explain step): the formula and its IoU against the
 * best single label's.
 *
 * @param hasExamples whether example images can be drawn (the formula in machine form and example samples were recorded)
 */
public record Explanation(int unit, String formula, double iou, String bestSingle, double bestSingleIou, boolean hasExamples) {
    /** How much better the formula explains the unit than one label does. */
    public double gain() {
        return iou - bestSingleIou;
    }

    static Explanation of(ExplanationRow r) {
        return new Explanation(r.unit(), r.formula(), r.iou(), r.bestSingle(), r.bestSingleIou(), r.formulaCode() != null && r.examples().length > 0);
    }
}
