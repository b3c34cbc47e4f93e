package org.ganscope.analysis.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.ganscope.analysis.io.Npy;
import org.ganscope.analysis.io.NpyArray;
import org.junit.jupiter.api.Test;

/**
 * The colour rule against the renderer's own implementation ({@code scenes2.color_names} in
 * models/): fixtures written by NumPy, the RGB cube at every 8th level (plus 255) and 40,000
 * random pixels, every one of which must get the same colour term.
 */
class ColorRuleTest {
    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(ColorRuleTest.class.getResource("/colorrule/" + name).toURI());
    }

    @Test
    void everyFixturePixelGetsTheRenderersColourTerm() throws Exception {
        NpyArray a = Npy.read(fixture("broden11-hsv-1.npy"));
        byte[] d = a.byteData();
        int n = a.dim(0);
        int[] seen = new int[ColorRule.NAMES.length];
        for (int i = 0; i < n; i++) {
            int r = d[4 * i] & 0xff;
            int g = d[4 * i + 1] & 0xff;
            int b = d[4 * i + 2] & 0xff;
            int expected = d[4 * i + 3] & 0xff;
            assertEquals(expected, ColorRule.of(r, g, b), "rgb(" + r + "," + g + "," + b + ")");
            seen[expected]++;
        }
        for (int c = 1; c < seen.length; c++) {
            // the fixture exercises every colour term, so no branch of the rule goes untested
            assertEquals(true, seen[c] > 100, ColorRule.NAMES[c] + " occurs " + seen[c] + " times in the fixture");
        }
    }

    @Test
    void generatorImagesAreQuantisedLikeTheExportersBeforeTheRule() throws Exception {
        NpyArray x = Npy.read(fixture("images.npy"));
        int[] expected = Npy.read(fixture("images-labels.npy")).intData();
        int count = x.dim(0);
        int pixels = x.dim(2) * x.dim(3);
        int[] out = new int[count * pixels];
        ColorRule.label(x.floatData(), count, pixels, out);
        assertArrayEquals(expected, out);
    }

    @Test
    void quantisationRoundsHalfToEvenAndClamps() {
        assertEquals(0, ColorRule.toByte(-1.2f));
        assertEquals(255, ColorRule.toByte(1.2f));
        assertEquals(128, ColorRule.toByte(0f)); // 127.5 rounds to the even 128
        assertEquals(0, ColorRule.toByte(-1f));
        assertEquals(255, ColorRule.toByte(1f));
    }
}
