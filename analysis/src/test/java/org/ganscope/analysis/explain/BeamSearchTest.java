package org.ganscope.analysis.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BeamSearchTest {
    static BitMask mask(String bits) {
        BitMask m = new BitMask(bits.length());
        for (int i = 0; i < bits.length(); i++) {
            if (bits.charAt(i) == '1') {
                m.set(i);
            }
        }
        return m;
    }

    @Test
    void formulaMasksMatchHandComputedExamples() {
        List<BitMask> c = List.of(mask("11110000"), mask("00111100"), mask("10101010"));
        var and = new Formula.Node(Formula.Op.AND, new Formula.Leaf(0), 1);
        var andNot = new Formula.Node(Formula.Op.AND_NOT, new Formula.Leaf(0), 1);
        var orThenAnd = new Formula.Node(Formula.Op.AND, new Formula.Node(Formula.Op.OR, new Formula.Leaf(0), 1), 2);
        assertEquals(2, Formula.mask(and, c).count());          // 00110000
        assertEquals(2, Formula.mask(andNot, c).count());       // 11000000
        assertTrue(Formula.mask(andNot, c).get(0) && !Formula.mask(andNot, c).get(2));
        assertEquals(3, Formula.mask(orThenAnd, c).count());    // 11111100 & 10101010 = 10101000
        assertEquals("(a OR b) AND c", orThenAnd.render(List.of("a", "b", "c")));
        // a unit that is exactly "a AND NOT b" is explained perfectly
        var e = BeamSearch.explain(mask("11000000"), c, 5, 3);
        assertEquals(1.0, e.iou(), 1e-12);
        assertEquals("a AND NOT b", e.formula().render(List.of("a", "b", "c")));
        assertTrue(e.searchGain() > 0);
    }

    @Test
    void beamOfFiveFindsTheExhaustiveOptimumOnMostUnits() {
        Random r = new Random(7);
        int bits = 2048;
        int concepts = 8;
        List<BitMask> cs = new ArrayList<>();
        for (int c = 0; c < concepts; c++) {
            BitMask m = new BitMask(bits);
            double p = 0.05 + 0.3 * r.nextDouble();
            for (int i = 0; i < bits; i++) {
                if (r.nextDouble() < p) {
                    m.set(i);
                }
            }
            cs.add(m);
        }
        int units = 40;
        int optimal = 0;
        for (int u = 0; u < units; u++) {
            // units built from a random formula plus noise
            BitMask target = Formula.mask(new Formula.Node(Formula.Op.values()[r.nextInt(3)],
                    new Formula.Node(Formula.Op.values()[r.nextInt(3)], new Formula.Leaf(r.nextInt(concepts)), r.nextInt(concepts)),
                    r.nextInt(concepts)), cs).copy();
            for (int i = 0; i < bits; i++) {
                if (r.nextDouble() < 0.03) {
                    target.words[i >>> 6] ^= 1L << (i & 63);
                }
            }
            var beam = BeamSearch.explain(target, cs, 5, 3);
            var best = BeamSearch.exhaustive(target, cs, 3);
            assertTrue(beam.iou() <= best.iou() + 1e-12);
            if (beam.iou() >= best.iou() - 1e-12) {
                optimal++;
            }
        }
        assertTrue(optimal >= units * 3 / 4, "beam 5 optimal on " + optimal + " of " + units);
    }
}
