package org.ganscope.services.compare;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ganscope.analysis.compare.UnitMatching;
import org.ganscope.services.compare.CompareService.Column;
import org.ganscope.services.experiment.UnitResult;

/**
 * Units of two experiments on the same dataset and layer paired by their concept profiles
 * ({@link UnitMatching}: the cosine of each unit's IoU with every class, an exact one-to-one
 * assignment). The profiles come from the dissection's stored result (dissect.json's
 * {@code "iou": [[C] x U]} and {@code "classes"}); the labels and controlled decisions from the
 * units in PostgreSQL.
 *
 * @param notApplicable why the two cannot be matched (another dataset or layer, a dissection
 *     not finished or without a stored result); "" when matched
 * @param concepts the classes of the profiles (those both dissections have, class 0 "unlabeled"
 *     left out: it is no concept and never a label)
 * @param pairs the pairs, most similar first
 * @param unmatchedA units of the first model left without a partner (it has more units)
 * @param onlyA concepts the first model has controlled-interpretable units for and the second none
 */
public record UnitMatches(Column a, Column b, String notApplicable, List<String> concepts, List<Pair> pairs, List<Integer> unmatchedA,
        List<Integer> unmatchedB, List<Concept> onlyA, List<Concept> onlyB) {

    /** Unit {@code unitA} of the first model paired with {@code unitB} of the second, each with its label and controlled decision. */
    public record Pair(int unitA, String labelA, boolean controlledA, int unitB, String labelB, boolean controlledB, double similarity) {
    }

    /** A concept and how many controlled-interpretable units the model that has it gives it. */
    public record Concept(String name, int units) {
    }

    static UnitMatches notApplicable(Column a, Column b, String why) {
        return new UnitMatches(a, b, why, List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
    }

    /** A dissection's stored profiles: class names (index > 0) and {@code iou[unit][class index]}. */
    record Profiles(List<String> classes, double[][] iou) {
        static Profiles of(JsonNode dissect) {
            List<String> names = new ArrayList<>();
            dissect.path("classes").forEach(c -> names.add(c.path("name").asText()));
            JsonNode rows = dissect.path("iou");
            double[][] iou = new double[rows.size()][];
            for (int u = 0; u < rows.size(); u++) {
                iou[u] = new double[rows.get(u).size()];
                for (int c = 0; c < iou[u].length; c++) {
                    iou[u][c] = rows.get(u).get(c).asDouble();
                }
            }
            return new Profiles(names, iou);
        }

        /** Each unit's IoU with {@code concepts}, in that order. */
        double[][] over(List<String> concepts) {
            int[] at = concepts.stream().mapToInt(classes::indexOf).toArray();
            double[][] out = new double[iou.length][at.length];
            for (int u = 0; u < iou.length; u++) {
                for (int k = 0; k < at.length; k++) {
                    out[u][k] = iou[u][at[k]];
                }
            }
            return out;
        }
    }

    /** The two columns matched, or why they cannot be; {@code stored} reads a dissection's stored result of an experiment and layer. */
    static UnitMatches of(Column a, Column b, java.util.function.BiFunction<Long, String, Optional<JsonNode>> stored) {
        for (Column c : List.of(a, b)) {
            if (!c.countsState().isEmpty()) {
                return notApplicable(a, b, "#" + c.experiment().id() + "'s dissection of " + c.layer() + (c.countsState().equals("pending")
                        ? " is still pending" : " did not run"));
            }
        }
        if (!a.experiment().dataset().equals(b.experiment().dataset())) {
            return notApplicable(a, b, "another dataset (" + a.experiment().dataset() + " vs " + b.experiment().dataset()
                    + "): units are matched by their concepts within one dataset");
        }
        if (!a.layer().equals(b.layer())) {
            return notApplicable(a, b, "another layer (" + a.layer() + " vs " + b.layer() + "): units are matched within one layer");
        }
        Optional<JsonNode> ja = stored.apply(a.experiment().id(), a.layer());
        Optional<JsonNode> jb = stored.apply(b.experiment().id(), b.layer());
        if (ja.isEmpty() || jb.isEmpty()) {
            return notApplicable(a, b, "#" + (ja.isEmpty() ? a : b).experiment().id() + "'s dissection has no stored result to read the IoU of every class from");
        }
        Profiles pa = Profiles.of(ja.get());
        Profiles pb = Profiles.of(jb.get());
        List<String> concepts = pa.classes().stream().skip(1).filter(pb.classes()::contains).toList();
        if (concepts.isEmpty()) {
            return notApplicable(a, b, "the two dissections share no class");
        }
        UnitMatching.Result r = UnitMatching.match(pa.over(concepts), pb.over(concepts));
        Map<Integer, UnitResult> ua = byUnit(a.units());
        Map<Integer, UnitResult> ub = byUnit(b.units());
        List<Pair> pairs = new ArrayList<>();
        for (UnitMatching.Pair p : r.pairs()) {
            UnitResult x = ua.get(p.a());
            UnitResult y = ub.get(p.b());
            pairs.add(new Pair(p.a(), x == null ? "" : x.labelName(), x != null && Column.passes(x), p.b(), y == null ? "" : y.labelName(),
                    y != null && Column.passes(y), p.similarity()));
        }
        Map<String, Integer> ca = controlledByConcept(a.units());
        Map<String, Integer> cb = controlledByConcept(b.units());
        return new UnitMatches(a, b, "", concepts, List.copyOf(pairs), r.unmatchedA(), r.unmatchedB(), only(ca, cb), only(cb, ca));
    }

    private static Map<Integer, UnitResult> byUnit(List<UnitResult> units) {
        Map<Integer, UnitResult> m = new LinkedHashMap<>();
        units.forEach(u -> m.put(u.unit(), u));
        return m;
    }

    /** Controlled-interpretable units per label (the SPEC rule for a dissection made before the controls). */
    static Map<String, Integer> controlledByConcept(List<UnitResult> units) {
        Map<String, Integer> m = new LinkedHashMap<>();
        units.stream().filter(Column::passes).forEach(u -> m.merge(u.labelName(), 1, Integer::sum));
        return m;
    }

    /** Concepts of {@code has} that {@code lacks} has no unit for, most units first. */
    static List<Concept> only(Map<String, Integer> has, Map<String, Integer> lacks) {
        return has.entrySet().stream().filter(e -> !lacks.containsKey(e.getKey()))
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(e -> new Concept(e.getKey(), e.getValue())).toList();
    }
}
