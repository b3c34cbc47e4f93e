package org.ganscope.activities.dissect;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ganscope.analysis.dissect.LayerDissection;
import org.ganscope.analysis.dissect.UnitControls;
import org.ganscope.db.ResultRepository;

/** A layer dissection as database rows. */
final class DissectionRows {
    private DissectionRows() {
    }

    static List<ResultRepository.UnitRow> units(LayerDissection d) {
        var r = d.report();
        var k = d.controls();
        List<ResultRepository.UnitRow> out = new ArrayList<>();
        for (int u = 0; u < d.units(); u++) {
            var c = d.label(u);
            if (k == null) {
                out.add(new ResultRepository.UnitRow(u, r.thresholds()[u], c.index(), c.name(), c.category(), r.bestIou()[u],
                        r.bestIqr()[u], r.interpretable()[u], d.topK().indices(u)));
            } else {
                out.add(new ResultRepository.UnitRow(u, r.thresholds()[u], c.index(), c.name(), c.category(), r.bestIou()[u],
                        r.bestIqr()[u], r.interpretable()[u], d.topK().indices(u), k.iouLow()[u], k.iouHigh()[u], k.nullIou()[u],
                        k.locationIou()[u], k.lift()[u], k.liftLow()[u], k.beatsLocation()[u], k.interpretableControlled()[u],
                        k.topRule().interpretable()[u], k.locationP()[u], k.locationQ()[u], k.minEffect()[u]));
            }
        }
        return out;
    }

    /**
     * Interpretable units per rule (controlled, the headline; spec, without control; top1) and
     * category with their bootstrap intervals; empty without controls.
     */
    static List<ResultRepository.CountRow> interpretableCounts(LayerDissection d) {
        var k = d.controls();
        List<ResultRepository.CountRow> out = new ArrayList<>();
        if (k == null) {
            return out;
        }
        for (var e : k.controlledCountInterval().entrySet()) {
            out.add(new ResultRepository.CountRow("controlled", e.getKey(), k.controlledByCategory().getOrDefault(e.getKey(), 0),
                    e.getValue()[0], e.getValue()[1]));
        }
        for (var e : k.countInterval().entrySet()) {
            String cat = e.getKey();
            int n = cat.equals(UnitControls.TOTAL) ? d.report().nInterpretable() : d.interpretableByCategory().getOrDefault(cat, 0);
            out.add(new ResultRepository.CountRow("spec", cat, n, e.getValue()[0], e.getValue()[1]));
        }
        for (var e : k.topRuleByCategory().entrySet()) {
            out.add(new ResultRepository.CountRow("top1", e.getKey(), e.getValue(), null, null));
        }
        return out;
    }

    static List<ResultRepository.ClassCountRow> classCounts(LayerDissection d) {
        Map<String, Integer> byClass = d.interpretableByClass();
        Map<String, Integer> controlled = d.controlledByClass();
        double[] freq = d.classFrequencies();
        List<ResultRepository.ClassCountRow> out = new ArrayList<>();
        for (var c : d.classes()) {
            if (c.index() > 0) {
                out.add(new ResultRepository.ClassCountRow(c.index(), c.name(), c.category(), byClass.getOrDefault(c.name(), 0), freq[c.index()],
                        d.controls() == null ? null : controlled.getOrDefault(c.name(), 0)));
            }
        }
        return out;
    }
}
