package org.ganscope.analysis.dissect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class TopKTest {
    @Test
    void keepsHighestValuesWithLowestIndexOnTies() {
        TopK t = new TopK(1, 3);
        t.offer(0, 5, 1.0f);
        t.offer(0, 2, 3.0f);
        t.offer(0, 9, 3.0f);
        t.offer(0, 1, 0.5f);
        t.offer(0, 4, 3.0f);
        assertArrayEquals(new long[] {2, 4, 9}, t.indices(0));
        assertArrayEquals(new float[] {3f, 3f, 3f}, t.values(0));
    }

    @Test
    void mergeIsOrderIndependent() {
        float[] vals = {0.1f, 0.9f, 0.5f, 0.9f, 0.3f, 0.7f, 0.7f, 0.2f};
        TopK all = new TopK(1, 4);
        for (int i = 0; i < vals.length; i++) {
            all.offer(0, i, vals[i]);
        }
        TopK a = new TopK(1, 4);
        TopK b = new TopK(1, 4);
        for (int i = 0; i < vals.length; i++) {
            (i % 3 == 0 ? a : b).offer(0, i, vals[i]);
        }
        b.merge(a);
        assertArrayEquals(all.indices(0), b.indices(0));
        assertArrayEquals(new long[] {1, 3, 5, 6}, all.indices(0));
    }

    @Test
    void fewerSamplesThanK() {
        TopK t = new TopK(2, 5);
        t.offer(1, 7, 2f);
        assertArrayEquals(new long[] {}, t.indices(0));
        assertArrayEquals(new long[] {7}, t.indices(1));
    }
}
