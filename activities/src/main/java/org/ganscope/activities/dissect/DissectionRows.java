package org.ganscope.activities.dissect;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ganscope.analysis.dissect.LayerDissection;
import org.ganscope.db.ResultRepository;

/** A layer dissection as database rows. */
final class DissectionRows {
    private DissectionRows() {
    }

    static List<ResultRepository.UnitRow> units(LayerDissection d) {
        var r = d.report();
        List<ResultRepository.UnitRow> out = new ArrayList<>();
        for (int u = 0; u < d.units(); u++) {
            var c = d.label(u);
            out.add(new ResultRepository.UnitRow(u, r.thresholds()[u], c.index(), c.name(), c.category(), r.bestIou()[u],
                    r.bestIqr()[u], r.interpretable()[u], d.topK().indices(u)));
        }
        return out;
    }

    static List<ResultRepository.ClassCountRow> classCounts(LayerDissection d) {
        Map<String, Integer> byClass = d.interpretableByClass();
        double[] freq = d.classFrequencies();
        List<ResultRepository.ClassCountRow> out = new ArrayList<>();
        for (var c : d.classes()) {
            if (c.index() > 0) {
                out.add(new ResultRepository.ClassCountRow(c.index(), c.name(), c.category(), byClass.getOrDefault(c.name(), 0), freq[c.index()]));
            }
        }
        return out;
    }
}
