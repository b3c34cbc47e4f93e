package org.ganscope.analysis.explain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Compositional explanation of one unit (Mu and Andreas 2020; METHOD.md section 4): beam
 * search over left-deep formulas of up to {@code maxLength} concepts combined with AND,
 * OR, AND NOT, maximising IoU between the unit's mask and the formula's mask over the
 * whole data set. Masks are bit sets, so every candidate costs a few word operations
 * per 64 pixels; per-concept masks are shared by all candidates and units. An upper
 * bound prunes candidates that cannot beat the current beam: for AND and AND NOT the
 * intersection can only shrink, so IoU <= |f AND u| / |u|.
 */
public final class BeamSearch {
    /**
     * The best formula and the best single concept on the searched images, with their IoUs
     * there; {@link #searchGain()} >= 0 by construction (see {@link HeldOut} for the gain on
     * images the search did not see).
     */
    public record Explanation(Formula formula, double iou, Formula bestSingle, double bestSingleIou) {
        public double searchGain() {
            return iou - bestSingleIou;
        }
    }

    private record Scored(Formula f, BitMask mask, double iou) {
    }

    private BeamSearch() {
    }

    static double iou(BitMask unit, long unitCount, BitMask f) {
        long inter = unit.countAnd(f);
        long union = unitCount + f.count() - inter;
        return union == 0 ? 0 : (double) inter / union;
    }

    /** @param concepts masks of concepts 0..C-1 (the caller leaves out what must not be used, e.g. unlabeled) */
    public static Explanation explain(BitMask unit, List<BitMask> concepts, int beam, int maxLength) {
        long u = unit.count();
        List<Scored> singles = new ArrayList<>();
        for (int c = 0; c < concepts.size(); c++) {
            singles.add(new Scored(new Formula.Leaf(c), concepts.get(c), iou(unit, u, concepts.get(c))));
        }
        Comparator<Scored> best = Comparator.comparingDouble((Scored s) -> -s.iou()).thenComparing(s -> s.f().toString());
        singles.sort(best);
        Scored top = singles.get(0);
        Scored overall = top;
        List<Scored> frontier = new ArrayList<>(singles.subList(0, Math.min(beam, singles.size())));
        for (int len = 2; len <= maxLength; len++) {
            List<Scored> next = new ArrayList<>();
            double floor = 0;
            for (Scored s : frontier) {
                long fAndU = unit.countAnd(s.mask());
                for (int c = 0; c < concepts.size(); c++) {
                    for (Formula.Op op : Formula.Op.values()) {
                        if (op != Formula.Op.OR && u > 0 && (double) fAndU / u <= floor && next.size() >= beam) {
                            continue; // cannot beat the beam: AND / AND NOT only shrink the intersection
                        }
                        BitMask m = new BitMask(unit.size());
                        BitMask.combine(s.mask(), concepts.get(c), op, m);
                        Scored cand = new Scored(new Formula.Node(op, s.f(), c), m, iou(unit, u, m));
                        next.add(cand);
                    }
                }
                next.sort(best);
                if (next.size() > beam) {
                    next.subList(beam, next.size()).clear();
                }
                floor = next.size() >= beam ? next.get(next.size() - 1).iou() : 0;
            }
            frontier = next;
            if (!frontier.isEmpty() && frontier.get(0).iou() > overall.iou()) {
                overall = frontier.get(0);
            }
        }
        return new Explanation(overall.f(), overall.iou(), top.f(), top.iou());
    }

    /** The best formula of up to maxLength by trying every left-deep formula (for checking the beam). */
    public static Explanation exhaustive(BitMask unit, List<BitMask> concepts, int maxLength) {
        long u = unit.count();
        List<Scored> level = new ArrayList<>();
        Scored overall = null;
        Scored top = null;
        for (int c = 0; c < concepts.size(); c++) {
            Scored s = new Scored(new Formula.Leaf(c), concepts.get(c), iou(unit, u, concepts.get(c)));
            level.add(s);
            if (top == null || s.iou() > top.iou()) {
                top = s;
            }
        }
        overall = top;
        for (int len = 2; len <= maxLength; len++) {
            List<Scored> next = new ArrayList<>();
            for (Scored s : level) {
                for (int c = 0; c < concepts.size(); c++) {
                    for (Formula.Op op : Formula.Op.values()) {
                        BitMask m = new BitMask(unit.size());
                        BitMask.combine(s.mask(), concepts.get(c), op, m);
                        Scored cand = new Scored(new Formula.Node(op, s.f(), c), m, iou(unit, u, m));
                        next.add(cand);
                        if (cand.iou() > overall.iou()) {
                            overall = cand;
                        }
                    }
                }
            }
            level = next;
        }
        return new Explanation(overall.f(), overall.iou(), top.f(), top.iou());
    }
}
