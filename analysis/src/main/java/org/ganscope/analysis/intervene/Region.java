package org.ganscope.analysis.intervene;

import java.util.ArrayList;
import java.util.List;

/**
 * A rectangle of the layer's feature grid, [y0, y0+height) x [x0, x0+width), and its
 * footprint at segmentation resolution R (the output pixels whose centres fall inside it).
 */
public record Region(int y0, int x0, int height, int width) {
    /** All non-overlapping size x size tiles of an h x w grid (row-major). */
    public static List<Region> tiles(int h, int w, int size) {
        List<Region> out = new ArrayList<>();
        for (int y = 0; y + size <= h; y += size) {
            for (int x = 0; x + size <= w; x += size) {
                out.add(new Region(y, x, size, size));
            }
        }
        return out;
    }

    /** The tiles of a layer's grid; refused (naming the size and the grid) where none fits. */
    public static List<Region> tilesOf(org.ganscope.analysis.bundle.Manifest.Layer layer, int size) {
        List<Region> regions = tiles(layer.height(), layer.width(), size);
        if (regions.isEmpty()) {
            throw new org.ganscope.analysis.AnalysisException("region size " + size + " does not fit the " + layer.height() + "x"
                    + layer.width() + " grid");
        }
        return regions;
    }

    /** First output row/column of the footprint at resolution {@code res} of a grid of size {@code s}. */
    static int lo(int start, int s, int res) {
        return (int) Math.ceil((double) start * res / s - 1e-9);
    }

    /** Indices of the footprint's pixels in an R x R map, for a layer grid of h x w. */
    public int[] footprint(int h, int w, int res) {
        int ya = lo(y0, h, res);
        int yb = lo(y0 + height, h, res);
        int xa = lo(x0, w, res);
        int xb = lo(x0 + width, w, res);
        int[] out = new int[Math.max(0, (yb - ya) * (xb - xa))];
        int k = 0;
        for (int y = ya; y < yb; y++) {
            for (int x = xa; x < xb; x++) {
                out[k++] = y * res + x;
            }
        }
        return out;
    }
}
