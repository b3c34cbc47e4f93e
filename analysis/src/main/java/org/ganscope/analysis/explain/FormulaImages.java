package org.ganscope.analysis.explain;

import java.awt.image.BufferedImage;
import org.ganscope.analysis.dissect.UnitImages;
import org.ganscope.analysis.model.LayerModel;

/**
 * Example images of a unit's explanation, rendered on demand from sample indices: the
 * formula's mask (from the label maps of every concept group of each image, as the
 * explanation's concepts are, see {@link Concepts}) is shown in full colour and the rest
 * darkened; the unit's thresholded activation (bilinearly upsampled) is outlined in yellow.
 * Where the outline hugs the bright region, the formula explains the unit.
 */
public final class FormulaImages {
    private FormulaImages() {
    }

    public static BufferedImage strip(LayerModel model, long seed, long[] indices, int unit, double threshold, Formula formula, int scale) {
        int s = model.bundle().manifest().imageSize();
        int res = (int) Math.round(Math.sqrt(model.segPixels()));
        Concepts concepts = Concepts.of(model.bundle().manifest());
        return UnitImages.strip(model, seed, indices, unit, threshold, scale, (image, labels, mask, x, y) -> {
            int p = (y * res / s) * res + x * res / s;
            // the model holds the one image of this tile; the main group's labels are the ones passed in
            boolean inFormula = formula.test(c -> {
                int g = concepts.group(c);
                return (g == 0 ? labels : model.groupLabels(g))[p] == concepts.classOf(c);
            });
            return UnitImages.isEdge(mask, s, x, y) ? 0xFFE000 : UnitImages.rgb(image, 0, s, y * s + x, inFormula ? 1.0 : 0.3);
        });
    }
}
