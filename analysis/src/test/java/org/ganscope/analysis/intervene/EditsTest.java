package org.ganscope.analysis.intervene;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EditsTest {
    @Test
    void ablateZeroesOnlyTheChosenUnitsOfEverySample() {
        float[] r = new float[2 * 3 * 4];
        Arrays.fill(r, 1f);
        Edits.ablate(r, 2, 3, 4, new int[] {1});
        float[] want = {1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1};
        assertArrayEquals(want, r);
    }

    @Test
    void setInRegionBlendsInsideTheRegionOnly() {
        int h = 4;
        int w = 4;
        float[] r = new float[2 * h * w];
        Arrays.fill(r, 2f);
        Edits.setInRegion(r, 0, 2, h, w, new int[] {1}, new float[] {10f}, 0.5f, new Region(1, 2, 2, 2));
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean in = y >= 1 && y < 3 && x >= 2 && x < 4;
                assertEquals(2f, r[y * w + x]);
                assertEquals(in ? 6f : 2f, r[h * w + y * w + x]);
            }
        }
    }

    @Test
    void tilesCoverTheGridAndFootprintsMapToSegmentationPixels() {
        assertEquals(16, Region.tiles(8, 8, 2).size());
        assertEquals(4, Region.tiles(8, 8, 3).size());
        Region r = new Region(2, 4, 2, 2);
        int[] fp = r.footprint(8, 8, 64);
        assertEquals(16 * 16, fp.length);
        assertEquals(16 * 64 + 32, fp[0]);
        assertEquals(31 * 64 + 47, fp[fp.length - 1]);
    }

    @Test
    void rankingIsByIouThenIndexAndRandomDrawsAreSeeded() {
        double[] iou = {0.1, 0.5, 0.5, 0.0, 0.3};
        assertArrayEquals(new int[] {1, 2, 4, 0, 3}, UnitRanking.byIou(iou));
        assertArrayEquals(new int[] {1, 2}, UnitRanking.top(iou, 2));
        assertArrayEquals(UnitRanking.random(100, 10, 5), UnitRanking.random(100, 10, 5));
        assertNotEquals(Arrays.toString(UnitRanking.random(100, 10, 5)), Arrays.toString(UnitRanking.random(100, 10, 6)));
        assertEquals(10, Arrays.stream(UnitRanking.random(100, 10, 5)).distinct().count());
        assertArrayEquals(new int[] {0, 1, 2}, UnitRanking.random(3, 10, 1));
    }
}
