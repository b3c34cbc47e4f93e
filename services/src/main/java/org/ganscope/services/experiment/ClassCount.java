package org.ganscope.services.experiment;

import org.ganscope.db.ResultRepository.ClassCountRow;

/** Interpretable units of a layer labelled with one class. */
public record ClassCount(String className, String category, int interpretableUnits) {
    static ClassCount of(ClassCountRow r) {
        return new ClassCount(r.className(), r.category(), r.interpretableUnits());
    }
}
