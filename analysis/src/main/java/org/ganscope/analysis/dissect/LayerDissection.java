package org.ganscope.analysis.dissect;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.Manifest;

/**
 * The result of dissecting one layer of one bundle: the SPEC report (thresholds, IoU,
 * IQR, labels, interpretable flags), class pixel frequencies of the evaluation set,
 * top-k samples per unit, counts of interpretable units per category and class, and the
 * controls ({@link UnitControls}; null when the shards were counted without them).
 */
public record LayerDissection(String bundleName, String bundleHash, Manifest.Layer layer, DissectParams params,
        List<Manifest.ConceptClass> classes, DissectionReport report, long[] classPixels, TopK topK, long images,
        UnitControls controls) {

    public static LayerDissection of(Bundle b, DissectParams p, Thresholds t, EvalShard merged) {
        ThresholdTally tally = merged.tally();
        DissectionReport report = t.iqr() ? DissectionReport.fromSelection(tally, t.selection()) : DissectionReport.byIou(tally);
        List<Manifest.ConceptClass> classes = b.manifest().classes();
        UnitControls controls = merged.controls() == null ? null
                : UnitControls.of(report, merged, classes.stream().map(Manifest.ConceptClass::category).toList());
        return new LayerDissection(b.name(), b.hash(), b.layer(p.layer()), p, classes, report,
                merged.classPixels(), merged.topK(), merged.images(), controls);
    }

    public int units() {
        return report.thresholds().length;
    }

    public Manifest.ConceptClass label(int unit) {
        return classes.get(report.bestLabel()[unit]);
    }

    /** Interpretable units per category (object, part, material), in that order. */
    public Map<String, Integer> interpretableByCategory() {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (String c : List.of("object", "part", "material")) {
            m.put(c, 0);
        }
        for (int u = 0; u < units(); u++) {
            if (report.interpretable()[u]) {
                m.merge(label(u).category(), 1, Integer::sum);
            }
        }
        return m;
    }

    /** Interpretable units per class name (classes with none are omitted), by class index. */
    public Map<String, Integer> interpretableByClass() {
        int[] n = new int[classes.size()];
        for (int u = 0; u < units(); u++) {
            if (report.interpretable()[u]) {
                n[report.bestLabel()[u]]++;
            }
        }
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int c = 0; c < n.length; c++) {
            if (n[c] > 0) {
                m.put(classes.get(c).name(), n[c]);
            }
        }
        return m;
    }

    /**
     * Controlled-interpretable units (docs/CONTROLS.md) per class name, classes with none
     * omitted, by class index; empty without controls.
     */
    public Map<String, Integer> controlledByClass() {
        Map<String, Integer> m = new LinkedHashMap<>();
        if (controls == null) {
            return m;
        }
        int[] n = controls.controlledPerClass();
        for (int c = 0; c < n.length; c++) {
            if (n[c] > 0) {
                m.put(classes.get(c).name(), n[c]);
            }
        }
        return m;
    }

    /** Controlled-interpretable units per category (object, part, material), in that order; empty without controls. */
    public Map<String, Integer> controlledByCategory() {
        Map<String, Integer> m = new LinkedHashMap<>();
        if (controls != null) {
            controls.controlledByCategory().forEach((k, v) -> {
                if (!k.equals(UnitControls.TOTAL)) {
                    m.put(k, v);
                }
            });
        }
        return m;
    }

    /** Fraction of evaluation pixels per class. */
    public double[] classFrequencies() {
        long total = 0;
        for (long v : classPixels) {
            total += v;
        }
        double[] f = new double[classPixels.length];
        for (int c = 0; c < f.length; c++) {
            f[c] = total == 0 ? 0 : (double) classPixels[c] / total;
        }
        return f;
    }
}
