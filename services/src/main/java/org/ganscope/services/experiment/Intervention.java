package org.ganscope.services.experiment;

import org.ganscope.db.ResultRepository.InterventionRow;

/**
 * A result of the intervene step. For kind "ablation": removing the top {@code n} units of
 * the class by IoU ({@code value}) against n random units (mean {@code baseline}, standard
 * deviation {@code spread}); for kind "insertion": the insertion effect ({@code value}) and
 * the ACE ({@code baseline}) over {@code count} regions where {@code context} ("" for all) was before.
 * An ablation point's {@code pValue} is the empirical p-value of the top-n against the
 * {@code draws} random selections; both null for insertion rows and results stored before it.
 */
public record Intervention(String className, String kind, int n, String context, double value, double baseline, double spread, long count,
        Double pValue, Integer draws) {
    static Intervention of(InterventionRow r) {
        return new Intervention(r.className(), r.kind(), r.n(), r.context(), r.value(), r.baseline(), r.spread(), r.count(), r.pValue(),
                r.draws());
    }
}
