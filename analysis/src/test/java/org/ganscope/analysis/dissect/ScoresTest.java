package org.ganscope.analysis.dissect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** SPEC section 3 on tiny tables. */
class ScoresTest {

    @Test
    void iou() {
        assertEquals(2.0 / 6, Scores.iou(4, 4, 2), 0);
        assertEquals(1.0, Scores.iou(3, 3, 3), 0);
        assertEquals(0.0, Scores.iou(0, 0, 0), 0);
        assertEquals(0.0, Scores.iou(5, 7, 0), 0);
    }

    @Test
    void perfectAgreementHasIqrOne() {
        assertEquals(1.0, Scores.iqr(50, 50, 50, 100), 1e-15);
    }

    @Test
    void independenceHasIqrZero() {
        assertEquals(0.0, Scores.iqr(50, 50, 25, 100), 1e-15);
    }

    @Test
    void handComputedTable() {
        // n=10, A=4, T=3, I=2: p11=.2 p10=.2 p01=.1 p00=.5; rows .4/.6, cols .3/.7
        double mi = .2 * Math.log(.2 / (.4 * .3)) + .2 * Math.log(.2 / (.4 * .7)) + .1 * Math.log(.1 / (.6 * .3))
                + .5 * Math.log(.5 / (.6 * .7));
        double je = -(.2 * Math.log(.2) + .2 * Math.log(.2) + .1 * Math.log(.1) + .5 * Math.log(.5));
        assertEquals(mi / je, Scores.iqr(4, 3, 2, 10), 1e-15);
        double[] p = Scores.table(4, 3, 2, 10);
        assertEquals(mi, Scores.mutualInformation(p), 1e-15);
        assertEquals(je, Scores.jointEntropy(p), 1e-15);
    }

    @Test
    void degenerateTables() {
        assertEquals(0.0, Scores.iqr(0, 0, 0, 10), 0);   // JE = 0
        assertEquals(0.0, Scores.iqr(10, 10, 10, 10), 0);
        assertEquals(0.0, Scores.iqr(0, 4, 0, 10), 0);   // unit never on: MI = 0
        // anti-correlation also has positive MI (SPEC section 4 quirk)
        assertEquals(1.0, Scores.iqr(5, 5, 0, 10), 1e-15);
    }
}
