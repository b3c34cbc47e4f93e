package org.ganscope.services.experiment;

import java.util.List;
import java.util.Map;
import org.ganscope.db.ResultRepository;
import org.springframework.stereotype.Service;

/**
 * The results of an experiment's steps as the dashboard reads them: a layer's units and
 * interpretable counts, the explanations and interventions, the sample metrics.
 */
@Service
public class ExperimentResults {
    private final ResultRepository results;

    public ExperimentResults(ResultRepository results) {
        this.results = results;
    }

    /** The layer's dissected units, by unit number. */
    public List<UnitResult> units(long experimentId, String layer) {
        return results.units(experimentId, layer).stream().map(UnitResult::of).toList();
    }

    /**
     * The headline result of each of these experiments for a listing: per dissected layer (in name order) its count of
     * units interpretable with control; an experiment with no stored count yet is absent.
     */
    public Map<Long, Map<String, Integer>> controlledTotals(java.util.Collection<Long> experimentIds) {
        return results.controlledTotals(experimentIds);
    }

    /** Interpretable units of the layer per category (object, part, material). */
    public Map<String, Integer> interpretableByCategory(long experimentId, String layer) {
        return results.interpretableByCategory(experimentId, layer);
    }

    /** Interpretable units of the layer per rule and category, with their bootstrap intervals. */
    public List<UnitCount> interpretableCounts(long experimentId, String layer) {
        return results.interpretableCounts(experimentId, layer).stream().map(UnitCount::of).toList();
    }

    /** Interpretable units of the layer per class, by class index. */
    public List<ClassCount> classCounts(long experimentId, String layer) {
        return results.classCounts(experimentId, layer).stream().map(ClassCount::of).toList();
    }

    /** The metrics a step recorded (for the metrics step: domain_fd, swd, precision, ...). */
    public Map<String, Double> metrics(long experimentId, String step) {
        return results.metrics(experimentId, step);
    }

    /** What the generator cannot draw: generated vs real pixel share per class and concept group, from the metrics step (empty before it). */
    public List<PixelShare> pixelShares(long experimentId) {
        return PixelShare.of(results.metrics(experimentId, "metrics"));
    }

    /** The metrics the explain step recorded for a layer (held_out_gain_share|0.02 and its interval, ...). */
    public Map<String, Double> explainMetrics(long experimentId, String layer) {
        return results.metrics(experimentId, ResultRepository.metricsKey("explain", layer));
    }

    public List<Explanation> explanations(long experimentId, String layer) {
        return results.explanations(experimentId, layer).stream().map(Explanation::of).toList();
    }

    public List<Intervention> interventions(long experimentId, String layer) {
        return results.interventions(experimentId, layer).stream().map(Intervention::of).toList();
    }
}
