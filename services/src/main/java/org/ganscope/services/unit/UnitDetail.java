package org.ganscope.services.unit;

import java.util.List;
import org.ganscope.services.experiment.Explanation;
import org.ganscope.services.experiment.UnitResult;

/**
 * Everything the unit page shows about one unit of one dissected layer, read from what the
 * experiment's steps stored (nothing is recomputed here but sums and ranks).
 *
 * @param unit the unit's row of the dissection (label, IoU with its interval, the controls and the location test)
 * @param liftSe the delta-method standard error of the lift (docs/CONTROLS.md section 3), null when not recorded
 * @param classes the unit's IoU and IQR with every class, best IoU first (from the dissect step's stored IoU matrix)
 * @param explanation its compositional explanation, null where the explain step did not run for this layer
 * @param shares its part in the intervene and optimize steps' results, per class of interest (empty where they did not run)
 * @param evalSeed the evaluation seed its top images come from (the playground draws sample i of a seed)
 * @param topSamples its top images' sample indices, strongest first
 * @param topValues their peak activations, in the same order
 */
public record UnitDetail(long experimentId, String experimentName, String bundleName, String layer, int units, UnitResult unit,
        Double liftSe, List<ClassScore> classes, Explanation explanation, List<CausalShare> shares, long evalSeed,
        long[] topSamples, double[] topValues) {

    /** The unit against one class: IoU and IQR over the evaluation images. */
    public record ClassScore(String name, String category, double iou, double iqr) {
    }

    /**
     * The unit in the results of one class of interest.
     *
     * @param rank the unit's rank among the layer's units by IoU with the class (1 = best), as the intervene step ranks them
     * @param ablation the ablation points whose top-n set contains the unit (n >= rank): n, share of the class removed,
     *        random units' mean, p-value
     * @param inserted whether the unit is among the units the insertion step inserted
     * @param insertedUnits how many units were inserted
     * @param insertionEffect the insertion effect of those units together (null where not run)
     * @param insertionConstant the constant the unit was set to when inserted (null where it was not inserted)
     * @param alpha the unit's final alpha of the optimize step (null where not run)
     * @param alphaRank the unit's rank by final alpha (1 = largest), null where not run
     */
    public record CausalShare(String className, int rank, List<double[]> ablation, boolean inserted, int insertedUnits,
            Double insertionEffect, Double insertionConstant, Double alpha, Integer alphaRank) {
    }

    /** The lift's 95% interval by the delta method, {@code lift ± 1.96 se}; null without a standard error. */
    public double[] liftInterval() {
        return unit.lift() == null || liftSe == null ? null : new double[] {unit.lift() - 1.96 * liftSe, unit.lift() + 1.96 * liftSe};
    }
}
