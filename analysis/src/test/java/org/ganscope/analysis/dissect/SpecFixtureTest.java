package org.ganscope.analysis.dissect;

import static org.ganscope.analysis.dissect.SpecCase.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.ganscope.analysis.io.Npy;
import org.ganscope.analysis.io.NpyArray;
import org.ganscope.analysis.metrics.Frechet;
import org.ganscope.analysis.metrics.Prdc;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The worked examples of SPEC section 8 (the bundled case1 and any case under
 * {@code shared/spec-fixtures/}) against the tolerances of section 9.
 */
class SpecFixtureTest {

    @Test
    void bundledCaseIsFound() {
        List<SpecCase> all = SpecCase.all();
        assertTrue(all.stream().anyMatch(c -> c.name().equals("bundled/case1")), "bundled case1 present");
    }

    @TestFactory
    List<DynamicTest> dissectionAndMetrics() {
        List<DynamicTest> tests = new ArrayList<>();
        for (SpecCase c : SpecCase.all()) {
            tests.add(DynamicTest.dynamicTest(c.name() + " dissection", () -> checkDissection(c)));
            if (c.expected().has("metrics")) {
                tests.add(DynamicTest.dynamicTest(c.name() + " metrics", () -> checkMetrics(c)));
            }
        }
        return tests;
    }

    static ArrayDissection load(SpecCase c) {
        NpyArray acts = Npy.read(c.file("acts", "acts.npy"));
        NpyArray seg = Npy.read(c.file("seg", "seg.npy"));
        int[] a = acts.shape();
        int[] s = seg.shape();
        int[] labels = seg.toInts("seg");
        return acts.dtype() == NpyArray.DType.F4
                ? ArrayDissection.of(acts.floatData(), a[0], a[1], a[2], a[3], labels, s[1], s[2], c.numClasses())
                : ArrayDissection.of(acts.doubleData(), a[0], a[1], a[2], a[3], labels, s[1], s[2], c.numClasses());
    }

    private static void checkDissection(SpecCase c) {
        ArrayDissection d = load(c);
        JsonNode dissection = c.expected().get("dissection");
        int modes = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = dissection.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            JsonNode exp = e.getValue();
            String what = c.name() + " " + key;
            if (key.equals("iqr")) {
                ArrayDissection.IqrResult r = d.iqr();
                assertReport(exp, r.report(), what);
                IqrSelection sel = r.selection();
                assertArrayEquals(SpecCase.ints(exp.get("level_index")), sel.chosenLevel(), what + " level_index");
                assertClose(exp.get("iqr_levels"), sel.levels(), what + " iqr_levels");
                assertClose(exp.get("max_iqr"), sel.maxIqr(), what + " max_iqr");
                assertArrayEquals(r.report().thresholds(), sel.thresholds(), what + " thresholds = chosen levels");
                modes++;
            } else if (key.matches("q[0-9.eE+-]+")) {
                double q = exp.has("q") ? exp.get("q").asDouble() : Double.parseDouble(key.substring(1));
                assertReport(exp, d.quantileReport(q), what);
                modes++;
            }
        }
        assertTrue(modes > 0, c.name() + ": no dissection modes in expected.json");
    }

    private static void assertReport(JsonNode exp, DissectionReport r, String what) {
        SpecCase.assertReport(exp, r.thresholds(), r.iou(), r.iqr(), r.bestLabel(), r.bestIou(), r.bestIqr(),
                r.interpretable(), r.nInterpretable(), what);
        if (exp.has("label_undetermined")) {
            assertArrayEquals(SpecCase.booleans(exp.get("label_undetermined")), r.labelUndetermined(),
                    what + " label_undetermined");
        }
        for (int u = 0; u < r.bestLabel().length; u++) {
            assertEquals(0.0, r.iou()[u][0], what + " label 0 iou");
            assertEquals(0.0, r.iqr()[u][0], what + " label 0 iqr");
            assertTrue(r.bestLabel()[u] >= 1, what + " label 0 never best");
        }
    }

    private static void checkMetrics(SpecCase c) {
        Path real = c.file("feat_real", "feat_real.npy");
        Path fake = c.file("feat_fake", "feat_fake.npy");
        assertTrue(Files.exists(real) && Files.exists(fake), c.name() + ": feature files");
        NpyArray r = Npy.read(real);
        NpyArray f = Npy.read(fake);
        double[] rd = r.toDoubles();
        double[] fd = f.toDoubles();
        int dim = r.dim(1);
        assertEquals(dim, f.dim(1));
        JsonNode m = c.expected().get("metrics");
        if (m.has("fid")) {
            double fid = Frechet.distance(Frechet.Stats.of(rd, r.dim(0), dim), Frechet.Stats.of(fd, f.dim(0), dim));
            assertEquals(m.get("fid").asDouble(), fid, 1e-4 * Math.abs(m.get("fid").asDouble()) + 1e-6,
                    c.name() + " fid");
        }
        if (m.has("prdc")) {
            JsonNode p = m.get("prdc");
            int k = p.path("k").asInt(Prdc.DEFAULT_K);
            Prdc got = Prdc.compute(rd, r.dim(0), fd, f.dim(0), dim, k);
            assertEquals(p.get("precision").asDouble(), got.precision(), 1e-6, c.name() + " precision");
            assertEquals(p.get("recall").asDouble(), got.recall(), 1e-6, c.name() + " recall");
            assertEquals(p.get("density").asDouble(), got.density(), 1e-6, c.name() + " density");
            assertEquals(p.get("coverage").asDouble(), got.coverage(), 1e-6, c.name() + " coverage");
        }
    }

    @Test
    void case1Label0QuirkIsNotReproduced() {
        SpecCase c = SpecCase.bundledCase1();
        JsonNode quirk = c.expected().path("dissection").path("iqr").path("_original_label0_quirk");
        ArrayDissection.IqrResult r = load(c).iqr();
        for (JsonNode u : quirk.path("units_where_label0_wins")) {
            int unit = u.asInt();
            double[] row = r.selection().maxIqr()[unit];
            double bestOther = 0;
            for (int l = 1; l < row.length; l++) {
                bestOther = Math.max(bestOther, row[l]);
            }
            assertTrue(row[0] > bestOther, "label 0 has the largest maxIqr of unit " + unit);
            assertFalse(r.report().bestLabel()[unit] == 0, "but is never chosen");
        }
    }
}
