package org.ganscope.services.experiment;

import org.ganscope.db.ResultRepository.ExplanationRow;

/**
 * A unit's compositional explanation (the explain step): the formula and the best single
 * label, both chosen on the search half of the images, with their IoUs there, and their IoUs
 * on the held-out half, where the formula's gain over the single label is judged.
 *
 * @param heldOutIou the formula's held-out IoU, null for explanations recorded before the held-out split
 * @param heldOutSingleIou the best single label's held-out IoU, null likewise
 * @param hasExamples whether example images can be drawn (the formula in machine form and example samples were recorded)
 */
public record Explanation(int unit, String formula, double iou, String bestSingle, double bestSingleIou, Double heldOutIou,
        Double heldOutSingleIou, boolean hasExamples) {
    /** How much better the formula explains the unit than one label does on the searched images (>= 0 by construction). */
    public double gain() {
        return iou - bestSingleIou;
    }

    /** The gain on the held-out images (negative when the formula fits accidents of the search half); null without held-out IoUs. */
    public Double heldOutGain() {
        return heldOutIou == null || heldOutSingleIou == null ? null : heldOutIou - heldOutSingleIou;
    }

    static Explanation of(ExplanationRow r) {
        return new Explanation(r.unit(), r.formula(), r.iou(), r.bestSingle(), r.bestSingleIou(), r.heldOutIou(), r.heldOutSingleIou(),
                r.formulaCode() != null && r.examples().length > 0);
    }
}
