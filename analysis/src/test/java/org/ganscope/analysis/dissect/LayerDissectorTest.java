package org.ganscope.analysis.dissect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.TestBundles;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.cli.Main;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerDissectorTest {
    static Bundle bundle;

    @BeforeAll
    static void load() {
        bundle = BundleLoader.load(TestBundles.demo("outdoor-base-s100"));
    }

    private static DissectParams small(DissectParams.Method m) {
        return DissectParams.defaults("layer3", 42, 3).withThresholdSet(24, 4).withMethod(m, 0.01).withBatch(8);
    }

    @Test
    void shardingNeverChangesTheResult() {
        for (DissectParams.Method m : DissectParams.Method.values()) {
            String one = DissectJson.toJson(LayerDissector.dissect(bundle, small(m), 1, d -> { })).toString();
            String seven = DissectJson.toJson(LayerDissector.dissect(bundle, small(m), 7, d -> { })).toString();
            assertEquals(one, seven, "method " + m);
        }
    }

    @Test
    void iqrModeUsesTheSelectionsLabelsAndCountsEveryPixel() {
        LayerDissection d = LayerDissector.dissect(bundle, small(DissectParams.Method.IQR), 2, x -> { });
        assertEquals(42, d.images());
        long pixels = 0;
        for (long v : d.classPixels()) {
            pixels += v;
        }
        assertEquals(42L * 64 * 64, pixels);
        for (int u = 0; u < d.units(); u++) {
            assertTrue(d.report().bestLabel()[u] >= 1);
            assertEquals(Math.min(42, 8), d.topK().indices(u).length);
        }
        int sum = d.interpretableByCategory().values().stream().mapToInt(Integer::intValue).sum();
        assertEquals(d.report().nInterpretable(), sum);
    }

    @Test
    void controlsComeWithEveryDissection() {
        LayerDissection iqr = LayerDissector.dissect(bundle, small(DissectParams.Method.IQR), 3, x -> { });
        UnitControls c = iqr.controls();
        assertTrue(c.controlledTotal() <= iqr.report().nInterpretable());
        for (int u = 0; u < iqr.units(); u++) {
            assertTrue(c.iouLow()[u] <= c.iouHigh()[u], "unit " + u);
            assertTrue(c.nullIou()[u] >= 0 && c.nullIou()[u] <= 1);
            assertTrue(!c.interpretableControlled()[u] || iqr.report().interpretable()[u]);
        }
        // the top-1% rule of an IQR dissection is the quantile-mode dissection at q = 0.01 of the same images
        LayerDissection q = LayerDissector.dissect(bundle, small(DissectParams.Method.QUANTILE), 1, x -> { });
        assertEquals(q.report().nInterpretable(), c.topRuleTotal());
        assertEquals(q.report().nInterpretable(), q.controls().topRuleTotal());
        assertEquals(java.util.Arrays.toString(q.report().bestLabel()), java.util.Arrays.toString(c.topRule().bestLabel()));
    }

    @Test
    void iqrAreasFromTheLevelTallyEqualCountedAreas() {
        DissectParams p = small(DissectParams.Method.IQR);
        try (var m = new org.ganscope.analysis.model.LayerModel(bundle, p.layer(), p.batch())) {
            Thresholds t = ThresholdPass.run(m, p);
            var l = m.layer();
            int n = p.thresholdSamples();
            float[] acts = new float[n * l.units() * l.pixels()];
            int[] seg = new int[n * m.segPixels()];
            for (int s = 0; s < n; s += p.batch()) {
                int b = Math.min(p.batch(), n - s);
                m.generate(p.thresholdSeed(), s, b);
                System.arraycopy(m.activations(), 0, acts, s * l.units() * l.pixels(), b * l.units() * l.pixels());
                System.arraycopy(m.labels(), 0, seg, s * m.segPixels(), b * m.segPixels());
            }
            HeldOut counted = HeldOut.of(acts, seg, n, l.units(), l.height(), l.width(), 64, m.numClasses(), t.values(),
                    t.heldOut().topThresholds(), t.heldOut().labels());
            assertEquals(counted, t.heldOut());
        }
    }

    @Test
    void thresholdPassReportsProgressInEveryPhaseAndTheSameResult() throws Exception {
        for (DissectParams.Method method : DissectParams.Method.values()) {
            DissectParams p = small(method);
            int n = p.thresholdSamples();
            java.util.List<long[]> reports = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            byte[] with;
            byte[] without;
            try (var m = new org.ganscope.analysis.model.LayerModel(bundle, p.layer(), p.batch())) {
                with = bytes(ThresholdPass.run(m, p, (done, total) -> reports.add(new long[] {done, total})));
                without = bytes(ThresholdPass.run(m, p));
            }
            assertTrue(java.util.Arrays.equals(with, without), "a progress listener must not change the thresholds (" + method + ")");
            assertTrue(reports.stream().allMatch(r -> r[1] == 2L * n && r[0] >= 0 && r[0] <= r[1]), method.toString());
            assertTrue(reports.stream().anyMatch(r -> r[0] > 0 && r[0] <= n), "progress while the threshold images are generated (" + method + ")");
            assertTrue(reports.stream().anyMatch(r -> r[0] > n && r[0] < 2L * n), "progress during the per-unit selection (" + method + ")");
            assertEquals(2L * n, reports.stream().mapToLong(r -> r[0]).max().orElse(-1), method.toString());
        }
    }

    @Test
    void thresholdsAreTheSameWhetherUpsampledValuesAreKeptOrStreamed() throws Exception {
        // kept: each unit upsampled once for its three passes; streamed: anew per pass, one image at a time
        for (String layer : new String[] {"layer2", "layer3"}) {
            DissectParams p = DissectParams.defaults(layer, 8, 4).withThresholdSet(24, 5).withBatch(8);
            try (var m = new org.ganscope.analysis.model.LayerModel(bundle, p.layer(), p.batch())) {
                byte[] kept = bytes(ThresholdPass.run(m, p, org.ganscope.analysis.Progress.NONE, 1L << 40));
                byte[] streamed = bytes(ThresholdPass.run(m, p, org.ganscope.analysis.Progress.NONE, 0));
                assertTrue(java.util.Arrays.equals(kept, streamed), layer);
            }
        }
    }

    private static byte[] bytes(Thresholds t) throws java.io.IOException {
        var out = new java.io.ByteArrayOutputStream();
        t.write(new java.io.DataOutputStream(out));
        return out.toByteArray();
    }

    @Test
    void badParametersAreRejectedClearly() {
        assertThrows(AnalysisException.class, () -> DissectParams.defaults("layer3", 0, 1));
        assertThrows(AnalysisException.class, () -> DissectParams.defaults("layer3", 10, 1).withThresholdSet(10, 1));
        assertThrows(AnalysisException.class, () -> DissectParams.defaults("layer3", 10, 1).withMethod(DissectParams.Method.QUANTILE, 1.5));
        String msg = assertThrows(AnalysisException.class,
                () -> LayerDissector.dissect(bundle, DissectParams.defaults("layer9", 10, 1), 1, d -> { })).getMessage();
        assertTrue(msg.contains("no layer 'layer9'"), msg);
    }

    @Test
    void commandWritesJsonAndReport(@TempDir Path out) throws Exception {
        java.io.PrintStream stdout = System.out;
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        int rc;
        try {
            System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
            rc = Main.run(new String[] {"dissect", "--bundle", TestBundles.demo("outdoor-base-s100").toString(), "--layer", "layer2",
                    "--samples", "20", "--seed", "1", "--threshold-samples", "16", "--images", "3", "--out", out.toString()});
        } finally {
            System.setOut(stdout);
        }
        assertEquals(0, rc);
        String json = Files.readString(out.resolve("dissect.json"));
        assertTrue(json.contains("\"schema\" : \"ganscope.dissect/1\""));
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("Units by IoU"));
        // the controlled count is the headline everywhere; the SPEC count follows, "without control"
        var root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        var summary = root.get("summary");
        int controlled = summary.get("interpretable_controlled").asInt();
        int without = summary.get("interpretable").asInt();
        assertEquals("interpretable_controlled", summary.fieldNames().next().equals("headline") ? summary.get("headline").asText() : "");
        java.util.List<String> fields = new java.util.ArrayList<>();
        summary.fieldNames().forEachRemaining(fields::add);
        assertTrue(fields.indexOf("interpretable_controlled") < fields.indexOf("interpretable"), fields.toString());
        int h = html.indexOf("Interpretable units (controlled): " + controlled + " of 128");
        int w = html.indexOf("without control (SPEC: IQR &gt; 0.01, IoU &gt; 0.05): <b>" + without + "</b> of 128");
        assertTrue(h >= 0 && w > h, "report.html: the controlled count first, then without control");
        String text = printed.toString(java.nio.charset.StandardCharsets.UTF_8);
        int ph = text.indexOf("Interpretable units (controlled): " + controlled + " of 128");
        int pw = text.indexOf("without control (SPEC: IQR > 0.01, IoU > 0.05): " + without + " of 128");
        assertTrue(ph >= 0 && pw > ph && text.indexOf('\n', ph) < pw && text.indexOf('\n', text.indexOf('\n', ph) + 1) > pw,
                "printout: the controlled count first, without control on the next line:\n" + text);
        assertTrue(text.contains("after Benjamini-Hochberg at q = 0.05 over 128 units"), text);
        try (var s = Files.list(out.resolve("units"))) {
            assertEquals(3, s.count());
        }
        assertEquals(2, Main.run(new String[] {"dissect", "--bundle", "x", "--layer", "layer2", "--samples", "-5", "--out", out.toString()}));
    }
}
