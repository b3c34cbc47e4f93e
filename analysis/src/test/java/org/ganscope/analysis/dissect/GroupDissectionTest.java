package org.ganscope.analysis.dissect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.ganscope.analysis.Progress;
import org.ganscope.analysis.TestBundles;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.bundle.Manifest;
import org.ganscope.analysis.model.LayerModel;
import org.junit.jupiter.api.Test;

/**
 * Per-group unit labels on the schema 2 test bundle against a brute-force reference: the
 * reference tally of each group's label maps (ArrayDissection, per-pixel upsampling and
 * counting), IoU per class, argmax.
 */
class GroupDissectionTest {
    static final int N = 12;

    @Test
    void everyGroupsLabelsAndIousEqualTheBruteForceCounts() {
        Bundle b = BundleLoader.load(TestBundles.repo().resolve("models/bundles-test/zoo2-tiny-outdoor"));
        assertEquals(5, b.manifest().groups().size());
        try (LayerModel m = new LayerModel(b, "layer3", N)) {
            var l = m.layer();
            m.generate(3, 0, N);
            float[] r = Arrays.copyOf(m.activations(), N * l.units() * l.pixels());
            int res = (int) Math.round(Math.sqrt(m.segPixels()));
            double[] thr = ArrayDissection.of(r, N, l.units(), l.height(), l.width(), Arrays.copyOf(m.labels(), N * res * res), res, res,
                    m.numClasses()).quantileThresholds(0.05);
            int[][] labels = new int[m.groups().size()][];
            for (int g = 0; g < labels.length; g++) {
                labels[g] = Arrays.copyOf(m.groupLabels(g), N * res * res);
            }
            // brute force of the unrealistic concept: the largest main probability of each pixel below the confidence
            int classes = m.numClasses();
            int seg = m.segPixels();
            int[] unreal = new int[N * seg];
            for (int i = 0; i < N; i++) {
                for (int p = 0; p < seg; p++) {
                    float best = 0;
                    for (int c = 0; c < classes; c++) {
                        best = Math.max(best, m.probabilities().get((i * classes + c) * seg + p));
                    }
                    unreal[i * seg + p] = best < GroupDissection.CONFIDENCE ? 1 : 0;
                }
            }
            GroupDissection got = GroupDissection.run(m, thr, 3, N, 5, Progress.NONE);
            ThresholdTally wantUnreal = ArrayDissection.of(r, N, l.units(), l.height(), l.width(), unreal, res, res, 2).tally(thr);
            int onUnreal = 0;
            for (int u = 0; u < l.units(); u++) {
                long area = wantUnreal.intersection(u, 0) + wantUnreal.intersection(u, 1);
                double v = Scores.iou(area, wantUnreal.labelCount(u, 1), wantUnreal.intersection(u, 1));
                assertEquals(v, got.unrealistic().iou()[u], 0.0, "unrealistic, unit " + u);
                onUnreal += v > 0 ? 1 : 0;
            }
            assertTrue(onUnreal > 0, "the barely trained test generator draws regions its segmenter cannot label");
            boolean someOtherGroupWins = false;
            for (int g = 0; g < labels.length; g++) {
                Manifest.ConceptGroup group = m.groups().get(g);
                ThresholdTally want = ArrayDissection.of(r, N, l.units(), l.height(), l.width(), labels[g], res, res, group.numClasses())
                        .tally(thr);
                for (int u = 0; u < l.units(); u++) {
                    long area = 0;
                    for (int c = 0; c < group.numClasses(); c++) {
                        area += want.intersection(u, c);
                    }
                    int best = 0;
                    double bestIou = 0;
                    for (int c = 1; c < group.numClasses(); c++) {
                        double v = Scores.iou(area, want.labelCount(u, c), want.intersection(u, c));
                        if (v > bestIou) {
                            bestIou = v;
                            best = c;
                        }
                    }
                    assertEquals(best, got.groups().get(g).label()[u], group.name() + " unit " + u);
                    assertEquals(bestIou, got.groups().get(g).iou()[u], 0.0, group.name() + " unit " + u);
                    assertTrue(got.overallIou()[u] >= bestIou);
                    someOtherGroupWins |= got.overallGroup()[u] > 0;
                }
            }
            assertTrue(someOtherGroupWins, "a unit's best concept lies outside the main group");
        }
    }
}
