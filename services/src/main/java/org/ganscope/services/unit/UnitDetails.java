package org.ganscope.services.unit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.ganscope.analysis.intervene.UnitRanking;
import org.ganscope.services.experiment.ExperimentResults;
import org.ganscope.services.experiment.ExperimentService;
import org.ganscope.services.experiment.ExperimentSummary;
import org.ganscope.services.experiment.Explanation;
import org.ganscope.services.experiment.StepResults;
import org.ganscope.services.experiment.UnitResult;
import org.ganscope.workflows.experiment.ExperimentSpec;
import org.springframework.stereotype.Service;

/** The unit page's facts about one unit, gathered from the experiment's stored step results. */
@Service
public class UnitDetails {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ExperimentService experiments;
    private final ExperimentResults results;
    private final StepResults stored;

    public UnitDetails(ExperimentService experiments, ExperimentResults results, StepResults stored) {
        this.experiments = experiments;
        this.results = results;
        this.stored = stored;
    }

    /** The unit's details, or empty when the experiment, its dissection of the layer or the unit does not exist. */
    public Optional<UnitDetail> find(long experimentId, String layer, int unit) {
        Optional<ExperimentSummary> e = experiments.find(experimentId);
        if (e.isEmpty()) {
            return Optional.empty();
        }
        List<UnitResult> rows = results.units(experimentId, layer);
        Optional<UnitResult> row = rows.stream().filter(u -> u.unit() == unit).findFirst();
        if (row.isEmpty()) {
            return Optional.empty();
        }
        ExperimentSpec spec;
        try {
            spec = JSON.readValue(e.get().paramsJson(), ExperimentSpec.class);
        } catch (IOException ex) {
            throw new IllegalStateException("experiment " + experimentId + " has unreadable parameters: " + ex.getMessage(), ex);
        }
        JsonNode dissect = stored.json(experimentId, "dissect", layer).orElse(null);
        List<UnitDetail.ClassScore> classes = new ArrayList<>();
        Double liftSe = null;
        long[] top = new long[0];
        double[] values = new double[0];
        if (dissect != null) {
            JsonNode iou = dissect.path("iou").path(unit);
            JsonNode iqr = dissect.path("iqr").path(unit);
            JsonNode cs = dissect.path("classes");
            for (int c = 0; c < cs.size(); c++) {
                if (c == 0 && "unlabeled".equals(cs.get(c).path("name").asText())) {
                    continue;
                }
                classes.add(new UnitDetail.ClassScore(cs.get(c).path("name").asText(), cs.get(c).path("category").asText(),
                        iou.path(c).asDouble(), iqr.path(c).asDouble()));
            }
            classes.sort(Comparator.comparingDouble(UnitDetail.ClassScore::iou).reversed().thenComparing(UnitDetail.ClassScore::name));
            JsonNode u = dissect.path("units").path(unit);
            if (u.hasNonNull("lift_se")) {
                liftSe = u.get("lift_se").asDouble();
            }
            top = new long[u.path("top_samples").size()];
            for (int i = 0; i < top.length; i++) {
                top[i] = u.path("top_samples").get(i).asLong();
            }
            values = new double[u.path("top_values").size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = u.path("top_values").get(i).asDouble();
            }
        }
        Explanation explanation = results.explanations(experimentId, layer).stream().filter(x -> x.unit() == unit).findFirst().orElse(null);
        List<UnitDetail.CausalShare> shares = dissect == null ? List.of() : shares(experimentId, layer, unit, dissect);
        return Optional.of(new UnitDetail(experimentId, e.get().name(), e.get().bundleName(), layer, rows.size(), row.get(), liftSe,
                classes, explanation, shares, spec.seed(), top, values));
    }

    /** The unit's part in the intervene and optimize results: ranked among the layer's units by IoU with each class, as they rank. */
    private List<UnitDetail.CausalShare> shares(long experimentId, String layer, int unit, JsonNode dissect) {
        JsonNode intervene = stored.json(experimentId, "intervene", layer).map(j -> j.path("classes")).orElse(null);
        JsonNode optimize = stored.json(experimentId, "optimize", layer).map(j -> j.path("classes")).orElse(null);
        List<String> classes = new ArrayList<>();
        for (JsonNode list : new JsonNode[] {intervene, optimize}) {
            if (list != null) {
                list.forEach(c -> {
                    if (!classes.contains(c.path("class").asText())) {
                        classes.add(c.path("class").asText());
                    }
                });
            }
        }
        List<UnitDetail.CausalShare> out = new ArrayList<>();
        for (String cls : classes) {
            int index = -1;
            JsonNode cs = dissect.path("classes");
            for (int c = 0; c < cs.size(); c++) {
                if (cs.get(c).path("name").asText().equals(cls)) {
                    index = cs.get(c).path("index").asInt(c);
                }
            }
            if (index < 0) {
                continue;
            }
            JsonNode matrix = dissect.path("iou");
            double[] iou = new double[matrix.size()];
            for (int u = 0; u < iou.length; u++) {
                iou[u] = matrix.get(u).path(index).asDouble();
            }
            int rank = rankOf(UnitRanking.byIou(iou), unit);
            List<double[]> ablation = new ArrayList<>();
            boolean inserted = false;
            int insertedUnits = 0;
            Double effect = null;
            Double constant = null;
            JsonNode ic = find(intervene, cls);
            if (ic != null) {
                for (JsonNode p : ic.path("ablation").path("points")) {
                    if (p.path("n").asInt() >= rank) {
                        ablation.add(new double[] {p.path("n").asInt(), p.path("top_removed").asDouble(), p.path("random_mean").asDouble(),
                                p.path("p_value").asDouble(Double.NaN)});
                    }
                }
                JsonNode ins = ic.path("insertion");
                insertedUnits = ins.path("units").asInt();
                effect = ins.has("effect") ? ins.get("effect").asDouble() : null;
                for (int j = 0; j < ins.path("unit_indices").size(); j++) {
                    if (ins.path("unit_indices").get(j).asInt() == unit) {
                        inserted = true;
                        constant = ins.path("k").path(j).asDouble();
                    }
                }
            }
            Double alpha = null;
            Integer alphaRank = null;
            JsonNode oc = find(optimize, cls);
            if (oc != null && oc.path("alpha").size() > unit) {
                double[] a = new double[oc.path("alpha").size()];
                for (int u = 0; u < a.length; u++) {
                    a[u] = oc.path("alpha").get(u).asDouble();
                }
                alpha = a[unit];
                alphaRank = rankOf(UnitRanking.byIou(a), unit);
            }
            out.add(new UnitDetail.CausalShare(cls, rank, ablation, inserted, insertedUnits, effect, constant, alpha, alphaRank));
        }
        return out;
    }

    private static JsonNode find(JsonNode list, String cls) {
        if (list == null) {
            return null;
        }
        for (JsonNode c : list) {
            if (c.path("class").asText().equals(cls)) {
                return c;
            }
        }
        return null;
    }

    private static int rankOf(int[] order, int unit) {
        for (int i = 0; i < order.length; i++) {
            if (order[i] == unit) {
                return i + 1;
            }
        }
        return order.length;
    }
}
