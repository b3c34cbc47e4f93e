package org.ganscope.analysis.intervene;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.model.LayerModel;
import org.junit.jupiter.api.Test;

class PaintEditTest {
    static Bundle bundle() {
        return BundleLoader.load(Path.of(System.getProperty("ganscope.repo", "..")).resolve("models/bundles/outdoor-base-s100"));
    }

    @Test
    void maskEditTouchesOnlyTheChosenUnitsInsideTheMask() {
        int units = 3;
        int hw = 4;
        float[] r = new float[2 * units * hw];
        java.util.Arrays.fill(r, 1f);
        boolean[] mask = {true, false, false, true};
        Edits.setInMask(r, 1, units, hw, new int[] {2}, new float[] {5f}, mask);
        float[] expected = new float[2 * units * hw];
        java.util.Arrays.fill(expected, 1f);
        int off = (units + 2) * hw;
        expected[off] = 5f;
        expected[off + 3] = 5f;
        assertArrayEquals(expected, r);
    }

    @Test
    void removingEveryUnitEverywhereChangesTheImageAndNothingChangesWithNoUnits() {
        Bundle b = bundle();
        try (LayerModel m = new LayerModel(b, "layer3", 1)) {
            boolean[] none = new boolean[m.layer().pixels()];
            int[] all = java.util.stream.IntStream.range(0, m.layer().units()).toArray();
            var same = PaintEdit.apply(m, 1, 3, 8, new int[0], null, none, 1);
            assertEquals(same.before(), same.after(), 0.0, "no units edited: the segmentation is unchanged");
            assertEquals(64 * 64, same.regionPixels(), "an empty mask means the whole image");
            assertEquals(0.0, same.meanChange(), 0.0, "no units edited: the picture is unchanged");
            assertEquals(0, same.maxChange());
            assertEquals(1, same.gain(), "nothing to amplify");
            var gone = PaintEdit.apply(m, 1, 3, 8, all, null, none, 2);
            int s = 64 * 2;
            int step = s + 8;
            assertEquals(3 * s + 2 * 8, gone.image().getWidth(), "before | after | change at scale 2, 8-pixel gaps");
            assertEquals(2 * s + 8, gone.image().getHeight(), "the pictures above, the class maps below");
            assertTrue(gone.meanChange() > 0 && gone.maxChange() > 0 && gone.gain() >= 1 && gone.gain() * gone.maxChange() <= 255
                    && (gone.gain() == 16 || gone.gain() * gone.maxChange() > 255 / 2), gone.meanChange() + " " + gone.maxChange() + " x" + gone.gain());
            boolean differs = false;
            long brightChange = 0;
            for (int y = 0; y < s; y++) {
                for (int x = 0; x < s; x++) {
                    differs |= gone.image().getRGB(x, y) != gone.image().getRGB(x + step, y);
                    brightChange += (gone.image().getRGB(x + 2 * step, y) & 0xFF) > 128 ? 1 : 0;
                }
            }
            assertTrue(brightChange > 0, "the change panel shows where the picture changed");
            assertTrue(differs, "zeroing every unit changes the picture");
        }
    }
}
