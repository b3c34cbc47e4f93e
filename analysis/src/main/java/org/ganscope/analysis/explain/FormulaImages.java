package org.ganscope.analysis.explain;

import java.awt.image.BufferedImage;
import org.ganscope.analysis.dissect.UnitImages;
import org.ganscope.analysis.model.LayerModel;

/**
 * Example images of a unit's explanation, rendered on demand from sample indices: the
 * formula's mask (from the segmentation of each image) is shown in full colour and the rest
 * darkened; the unit's thresholded activation (bilinearly upsampled) is outlined in yellow.
 * Where the outline hugs the bright region, the formula explains the unit.
 */
public final class FormulaImages {
    private FormulaImages() {
    }

    public static BufferedImage strip(LayerModel model, long seed, long[] indices, int unit, double threshold, Formula formula, int scale) {
        int s = model.bundle().manifest().imageSize();
        int res = (int) Math.round(Math.sqrt(model.segPixels()));
        return UnitImages.strip(model, seed, indices, unit, threshold, scale, (image, labels, mask, x, y) -> {
            boolean inFormula = formula.test(labels[(y * res / s) * res + x * res / s]);
            return UnitImages.isEdge(mask, s, x, y) ? 0xFFE000 : UnitImages.rgb(image, 0, s, y * s + x, inFormula ? 1.0 : 0.3);
        });
    }
}
