package org.ganscope.services.experiment;

import org.ganscope.db.ResultRepository.CountRow;

/**
 * Interpretable units of a layer under one rule ("controlled", the headline of docs/CONTROLS.md;
 * "spec", without control; "top1") and category
 * ("object", "part", "material", "total"), with the 95% bootstrap interval (null where none).
 */
public record UnitCount(String rule, String category, int units, Double ciLow, Double ciHigh) {
    static UnitCount of(CountRow r) {
        return new UnitCount(r.rule(), r.category(), r.units(), r.ciLow(), r.ciHigh());
    }
}
