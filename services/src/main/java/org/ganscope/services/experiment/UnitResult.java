package org.ganscope.services.experiment;

import org.ganscope.db.ResultRepository.UnitRow;

/**
 * A dissected unit: its label and IoU, the IQR and threshold, and the controls (null for
 * dissections made before them): IoU's 95% bootstrap interval, the null IoU, the location
 * baseline's IoU, the lift over it, whether the unit beats it (Benjamini-Hochberg q <= 0.05,
 * docs/CONTROLS.md) and whether it counts as interpretable with control; the location test's
 * p- and q-value and the minimum effect (null for dissections made before them).
 *
 * @param topImages how many top images were recorded for the unit
 */
public record UnitResult(int unit, String labelName, String category, double iou, double iqr, double threshold, boolean interpretable,
        int topImages, Double iouCiLow, Double iouCiHigh, Double nullIou, Double locationIou, Double lift, Boolean beatsLocation,
        Boolean interpretableControlled, Double locationP, Double locationQ, Boolean minEffect) {
    static UnitResult of(UnitRow r) {
        return new UnitResult(r.unit(), r.labelName(), r.category(), r.iou(), r.iqr(), r.threshold(), r.interpretable(),
                r.topSamples().length, r.iouCiLow(), r.iouCiHigh(), r.nullIou(), r.locationIou(), r.lift(), r.beatsLocation(),
                r.interpretableControlled(), r.locationP(), r.locationQ(), r.minEffect());
    }
}
