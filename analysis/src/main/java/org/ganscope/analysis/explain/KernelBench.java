package org.ganscope.analysis.explain;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ganscope.analysis.bundle.Bundle;

/** Measurements behind {@code ganscope bench explain}. */
public final class KernelBench {
    private KernelBench() {
    }

    /**
     * IoU of one unit mask with each of {@code concepts} masks of {@code pixels} pixels,
     * bitsets vs boolean arrays, same random masks, timed side by side (best of 3).
     */
    public static double bitsetSpeedup(int pixels, int concepts) {
        SplittableRandom r = new SplittableRandom(1);
        boolean[] unit = new boolean[pixels];
        BitMask unitBits = new BitMask(pixels);
        List<boolean[]> cb = new ArrayList<>();
        List<BitMask> cm = new ArrayList<>();
        for (int i = 0; i < pixels; i++) {
            if (r.nextDouble() < 0.01) {
                unit[i] = true;
                unitBits.set(i);
            }
        }
        for (int c = 0; c < concepts; c++) {
            boolean[] b = new boolean[pixels];
            BitMask m = new BitMask(pixels);
            for (int i = 0; i < pixels; i++) {
                if (r.nextDouble() < 0.1) {
                    b[i] = true;
                    m.set(i);
                }
            }
            cb.add(b);
            cm.add(m);
        }
        double bestBool = Double.MAX_VALUE;
        double bestBits = Double.MAX_VALUE;
        double sink = 0;
        for (int rep = 0; rep < 3; rep++) {
            long t0 = System.nanoTime();
            for (boolean[] b : cb) {
                long inter = 0;
                long union = 0;
                for (int i = 0; i < pixels; i++) {
                    inter += unit[i] & b[i] ? 1 : 0;
                    union += unit[i] | b[i] ? 1 : 0;
                }
                sink += (double) inter / Math.max(1, union);
            }
            long t1 = System.nanoTime();
            long u = unitBits.count();
            for (BitMask m : cm) {
                sink += BeamSearch.iou(unitBits, u, m);
            }
            long t2 = System.nanoTime();
            bestBool = Math.min(bestBool, t1 - t0);
            bestBits = Math.min(bestBits, t2 - t1);
        }
        if (sink < 0) {
            System.out.println(sink);
        }
        return bestBool / bestBits;
    }

    /** [optimal, units]: on the first {@code units} units, how often beam 5 equals the exhaustive optimum (length <= 3). */
    public static int[] beamVsExhaustive(Bundle b, String layer, int samples, int units) {
        var r = LayerExplainer.explain(b, layer, samples, 0, 0.005, 5, 3);
        // recompute with the masks: LayerExplainer keeps none, so explain again unit by unit with exhaustive search
        var ex = LayerExplainer.explainWith(b, layer, samples, 0, 0.005, units);
        int optimal = 0;
        for (int u = 0; u < units; u++) {
            if (r.units()[u].iou() >= ex[u].iou() - 1e-12) {
                optimal++;
            }
        }
        return new int[] {optimal, units};
    }
}
