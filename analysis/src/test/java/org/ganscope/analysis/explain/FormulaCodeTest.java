package org.ganscope.analysis.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The formula's machine form, its per-pixel test (used to draw example images) and the example selection. */
class FormulaCodeTest {
    @Test
    void codeRoundTripsAndRejectsGarbage() {
        Formula f = new Formula.Node(Formula.Op.AND_NOT, new Formula.Node(Formula.Op.OR, new Formula.Leaf(3), 12), 0);
        assertEquals("3|12-0", f.code());
        assertEquals(f, Formula.parse("3|12-0"));
        assertEquals(new Formula.Leaf(7), Formula.parse("7"));
        for (String bad : new String[] {"", "&3", "3&", "3&&4", "a", "3 & 4", "3|x"}) {
            assertThrows(IllegalArgumentException.class, () -> Formula.parse(bad), bad);
        }
    }

    @Test
    void perPixelTestAgreesWithTheBitsetMask() {
        Random r = new Random(5);
        int pixels = 500;
        int classes = 5; // labels 0..5, 0 unlabeled
        int[] labels = new int[pixels];
        List<BitMask> concepts = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            concepts.add(new BitMask(pixels));
        }
        for (int p = 0; p < pixels; p++) {
            labels[p] = r.nextInt(classes + 1);
            if (labels[p] > 0) {
                concepts.get(labels[p] - 1).set(p);
            }
        }
        for (int trial = 0; trial < 200; trial++) {
            Formula f = new Formula.Leaf(r.nextInt(classes));
            for (int k = r.nextInt(3); k > 0; k--) {
                f = new Formula.Node(Formula.Op.values()[r.nextInt(3)], f, r.nextInt(classes));
            }
            BitMask m = Formula.mask(f, concepts);
            for (int p = 0; p < pixels; p++) {
                assertEquals(m.get(p), f.test(labels[p]), f.code() + " at " + p);
            }
        }
    }

    @Test
    void rangeCountMatchesBitByBit() {
        Random r = new Random(9);
        BitMask a = new BitMask(300);
        BitMask b = new BitMask(300);
        for (int i = 0; i < 300; i++) {
            if (r.nextBoolean()) {
                a.set(i);
            }
            if (r.nextBoolean()) {
                b.set(i);
            }
        }
        for (int from = 0; from < 300; from += 7) {
            for (int to = from; to <= 300; to += 13) {
                long expected = 0;
                for (int i = from; i < to; i++) {
                    expected += a.get(i) && b.get(i) ? 1 : 0;
                }
                assertEquals(expected, a.countAnd(b, from, to), from + ".." + to);
                long ones = 0;
                for (int i = from; i < to; i++) {
                    ones += a.get(i) ? 1 : 0;
                }
                assertEquals(ones, a.count(from, to), from + ".." + to);
            }
        }
    }

    @Test
    void examplesAreTheSamplesWithMostOverlapBestFirst() {
        // 4 samples: overlaps 1, 3, 0, 3
        assertArrayEquals(new long[] {1, 3, 0}, LayerExplainer.examples(new long[] {1, 3, 0, 3}));
    }
}
