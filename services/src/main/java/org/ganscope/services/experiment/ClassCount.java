package org.ganscope.services.experiment;

import org.ganscope.db.ResultRepository.ClassCountRow;

/**
 * Units of a layer labelled with one class: controlled-interpretable (docs/CONTROLS.md; null
 * for dissections made before it) and interpretable without control (SPEC).
 */
public record ClassCount(String className, String category, Integer controlledUnits, int interpretableUnits) {
    static ClassCount of(ClassCountRow r) {
        return new ClassCount(r.className(), r.category(), r.controlledUnits(), r.interpretableUnits());
    }
}
