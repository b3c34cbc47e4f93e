package org.ganscope.analysis.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import org.ganscope.analysis.TestBundles;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.dissect.UnitImages;
import org.ganscope.analysis.model.LayerModel;
import org.junit.jupiter.api.Test;

/**
 * On a schema 2 bundle an explanation's example image brightens the pixels of its formula as
 * every concept group labels them (not as the main group's labels alone would).
 */
class FormulaImagesTest {
    @Test
    void theBrightRegionIsTheFormulaOverEveryGroupsLabels() {
        Bundle b = BundleLoader.load(TestBundles.repo().resolve("models/bundles-test/zoo2-tiny-outdoor"));
        Concepts cs = Concepts.of(b.manifest());
        int sky = cs.names().indexOf("sky");
        int blue = cs.names().indexOf("color:blue");
        int brick = cs.names().indexOf("material:brick");
        assertTrue(sky >= 0 && blue >= 0 && brick >= 0, cs.names().toString());
        Formula f = new Formula.Node(Formula.Op.AND_NOT, new Formula.Node(Formula.Op.OR, new Formula.Leaf(sky), blue), brick);
        long seed = 3;
        long index = 5;
        try (LayerModel m = new LayerModel(b, "layer3", 1)) {
            int s = b.manifest().imageSize();
            int res = (int) Math.round(Math.sqrt(m.segPixels()));
            // threshold above every activation: no unit outline, only the formula's shading
            BufferedImage strip = FormulaImages.strip(m, seed, new long[] {index}, 0, Double.MAX_VALUE, f, 1);
            m.generate(seed, index, 1);
            int[][] labels = new int[cs.groups()][];
            for (int g = 0; g < cs.groups(); g++) {
                labels[g] = m.groupLabels(g).clone();
            }
            int bright = 0;
            int fromOtherGroups = 0;
            for (int y = 0; y < s; y++) {
                for (int x = 0; x < s; x++) {
                    int p = (y * res / s) * res + x * res / s;
                    boolean inSky = labels[0][p] == cs.classOf(sky);
                    boolean in = (inSky || labels[cs.group(blue)][p] == cs.classOf(blue)) && labels[cs.group(brick)][p] != cs.classOf(brick);
                    assertEquals(UnitImages.rgb(m.images(), 0, s, y * s + x, in ? 1.0 : 0.3), strip.getRGB(x, y) & 0xFFFFFF, "pixel " + x + "," + y);
                    bright += in ? 1 : 0;
                    fromOtherGroups += in != inSky ? 1 : 0;
                }
            }
            assertTrue(bright > 0 && fromOtherGroups > 0, bright + " bright pixels, " + fromOtherGroups + " decided by the colour or material group");
        }
    }
}
