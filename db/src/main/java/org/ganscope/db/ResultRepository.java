package org.ganscope.db;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Results of steps. Each write replaces the step's earlier rows and marks the step
 * SUCCEEDED in the same transaction: a retried activity never duplicates rows, and a
 * crash mid-write leaves nothing half-written.
 */
public final class ResultRepository {
    /**
     * A unit of a dissection; the control fields (V20, see analysis UnitControls) and the
     * location test (V22, docs/CONTROLS.md: p, BH q, minimum effect) are null for rows written
     * before them.
     */
    public record UnitRow(int unit, double threshold, int label, String labelName, String category, double iou, double iqr,
            boolean interpretable, long[] topSamples, Double iouCiLow, Double iouCiHigh, Double nullIou, Double locationIou,
            Double lift, Double liftCiLow, Boolean beatsLocation, Boolean interpretableControlled, Boolean top1Interpretable,
            Double locationP, Double locationQ, Boolean minEffect) {
        /** A row with the V20 controls, without the location test. */
        public UnitRow(int unit, double threshold, int label, String labelName, String category, double iou, double iqr,
                boolean interpretable, long[] topSamples, Double iouCiLow, Double iouCiHigh, Double nullIou, Double locationIou,
                Double lift, Double liftCiLow, Boolean beatsLocation, Boolean interpretableControlled, Boolean top1Interpretable) {
            this(unit, threshold, label, labelName, category, iou, iqr, interpretable, topSamples, iouCiLow, iouCiHigh, nullIou,
                    locationIou, lift, liftCiLow, beatsLocation, interpretableControlled, top1Interpretable, null, null, null);
        }

        /** A row without controls. */
        public UnitRow(int unit, double threshold, int label, String labelName, String category, double iou, double iqr,
                boolean interpretable, long[] topSamples) {
            this(unit, threshold, label, labelName, category, iou, iqr, interpretable, topSamples, null, null, null, null, null, null,
                    null, null, null);
        }
    }

    /**
     * Interpretable units of a layer under one rule ("spec", "controlled", "top1") and category
     * ("object", "part", "material", "total"), with the 95% bootstrap interval (null where none).
     */
    public record CountRow(String rule, String category, int units, Double ciLow, Double ciHigh) {
    }

    /**
     * @param iou the formula's IoU on the images it was searched on (since V23 the search half)
     * @param bestSingleIou the best single concept's IoU there
     * @param formulaCode the formula in machine form (Formula.code), null for rows written before V8
     * @param threshold the unit's activation threshold for its mask
     * @param examples sample indices of example images, best first (empty if none)
     * @param heldOutIou the formula's IoU on the held-out images, null for rows written before V23
     * @param heldOutSingleIou the best single concept's (chosen on the search half) IoU on the held-out images, null before V23
     */
    public record ExplanationRow(int unit, String formula, double iou, String bestSingle, double bestSingleIou, String formulaCode,
            double threshold, long[] examples, Double heldOutIou, Double heldOutSingleIou) {
        /** A row without held-out scores (written before V23). */
        public ExplanationRow(int unit, String formula, double iou, String bestSingle, double bestSingleIou, String formulaCode,
                double threshold, long[] examples) {
            this(unit, formula, iou, bestSingle, bestSingleIou, formulaCode, threshold, examples, null, null);
        }

        /** The formula's gain over the best single concept on the searched images (>= 0 by construction). */
        public double gain() {
            return iou - bestSingleIou;
        }

        /** The gain on the held-out images (can be negative); null without held-out scores. */
        public Double heldOutGain() {
            return heldOutIou == null || heldOutSingleIou == null ? null : heldOutIou - heldOutSingleIou;
        }
    }

    /**
     * A row of the intervene step (see V10 for what value, baseline, spread and count mean per kind).
     *
     * @param pValue for an ablation point, the empirical p-value of the top-n units against the random draws (V21);
     *        null for insertion rows and rows written before V21
     * @param draws the number of random draws behind {@code pValue}, null where it is null
     */
    public record InterventionRow(String className, String kind, int n, String context, double value, double baseline, double spread,
            long count, Double pValue, Integer draws) {
        /** A row without a p-value (insertion). */
        public InterventionRow(String className, String kind, int n, String context, double value, double baseline, double spread,
                long count) {
            this(className, kind, n, context, value, baseline, spread, count, null, null);
        }
    }

    /** Per class: SPEC-interpretable units and (V22, null before it or without controls) controlled-interpretable units. */
    public record ClassCountRow(int classIndex, String className, String category, int interpretableUnits, double pixelFrequency,
            Integer controlledUnits) {
        public ClassCountRow(int classIndex, String className, String category, int interpretableUnits, double pixelFrequency) {
            this(classIndex, className, category, interpretableUnits, pixelFrequency, null);
        }
    }

    private final DataSource ds;

    public ResultRepository(DataSource ds) {
        this.ds = ds;
    }

    public void replaceDissection(long experimentId, String layer, List<UnitRow> units, List<ClassCountRow> counts, String resultKey) {
        replaceDissection(experimentId, layer, units, counts, List.of(), resultKey);
    }

    /** Replaces a layer's units, class counts and interpretable counts per rule, and marks its dissect step SUCCEEDED. */
    public void replaceDissection(long experimentId, String layer, List<UnitRow> units, List<ClassCountRow> counts,
            List<CountRow> interpretableCounts, String resultKey) {
        Database.inTransaction(ds, c -> {
            lockStep(c, experimentId, "dissect", layer);
            delete(c, "DELETE FROM units WHERE experiment_id = ? AND layer = ?", experimentId, layer);
            delete(c, "DELETE FROM class_counts WHERE experiment_id = ? AND layer = ?", experimentId, layer);
            delete(c, "DELETE FROM interpretable_counts WHERE experiment_id = ? AND layer = ?", experimentId, layer);
            try (PreparedStatement st = c.prepareStatement("""
                    INSERT INTO units (experiment_id, layer, unit, threshold, label, label_name, category, iou, iqr, interpretable, top_samples,
                    iou_ci_low, iou_ci_high, null_iou, location_iou, lift, lift_ci_low, beats_location, interpretable_controlled,
                    top1_interpretable, location_p, location_q, min_effect)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                for (UnitRow u : units) {
                    st.setLong(1, experimentId);
                    st.setString(2, layer);
                    st.setInt(3, u.unit());
                    st.setDouble(4, u.threshold());
                    st.setInt(5, u.label());
                    st.setString(6, u.labelName());
                    st.setString(7, u.category());
                    st.setDouble(8, u.iou());
                    st.setDouble(9, u.iqr());
                    st.setBoolean(10, u.interpretable());
                    Long[] top = new Long[u.topSamples().length];
                    for (int i = 0; i < top.length; i++) {
                        top[i] = u.topSamples()[i];
                    }
                    st.setArray(11, c.createArrayOf("bigint", top));
                    st.setObject(12, u.iouCiLow(), Types.DOUBLE);
                    st.setObject(13, u.iouCiHigh(), Types.DOUBLE);
                    st.setObject(14, u.nullIou(), Types.DOUBLE);
                    st.setObject(15, u.locationIou(), Types.DOUBLE);
                    st.setObject(16, u.lift(), Types.DOUBLE);
                    st.setObject(17, u.liftCiLow(), Types.DOUBLE);
                    st.setObject(18, u.beatsLocation(), Types.BOOLEAN);
                    st.setObject(19, u.interpretableControlled(), Types.BOOLEAN);
                    st.setObject(20, u.top1Interpretable(), Types.BOOLEAN);
                    st.setObject(21, u.locationP(), Types.DOUBLE);
                    st.setObject(22, u.locationQ(), Types.DOUBLE);
                    st.setObject(23, u.minEffect(), Types.BOOLEAN);
                    st.addBatch();
                }
                st.executeBatch();
            }
            try (PreparedStatement st = c.prepareStatement("""
                    INSERT INTO class_counts (experiment_id, layer, class_index, class_name, category, interpretable_units, pixel_frequency,
                    controlled_units)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")) {
                for (ClassCountRow r : counts) {
                    st.setLong(1, experimentId);
                    st.setString(2, layer);
                    st.setInt(3, r.classIndex());
                    st.setString(4, r.className());
                    st.setString(5, r.category());
                    st.setInt(6, r.interpretableUnits());
                    st.setDouble(7, r.pixelFrequency());
                    st.setObject(8, r.controlledUnits(), Types.INTEGER);
                    st.addBatch();
                }
                st.executeBatch();
            }
            try (PreparedStatement st = c.prepareStatement("""
                    INSERT INTO interpretable_counts (experiment_id, layer, rule, category, units, ci_low, ci_high)
                    VALUES (?, ?, ?, ?, ?, ?, ?)""")) {
                for (CountRow r : interpretableCounts) {
                    st.setLong(1, experimentId);
                    st.setString(2, layer);
                    st.setString(3, r.rule());
                    st.setString(4, r.category());
                    st.setInt(5, r.units());
                    st.setObject(6, r.ciLow(), Types.DOUBLE);
                    st.setObject(7, r.ciHigh(), Types.DOUBLE);
                    st.addBatch();
                }
                st.executeBatch();
            }
            succeed(c, experimentId, "dissect", layer, resultKey);
            return null;
        });
    }

    /** Replaces a layer's explanations and marks its explain step SUCCEEDED, in one transaction. */
    public void replaceExplanations(long experimentId, String layer, List<ExplanationRow> rows, String resultKey) {
        Database.inTransaction(ds, c -> {
            lockStep(c, experimentId, "explain", layer);
            delete(c, "DELETE FROM explanations WHERE experiment_id = ? AND layer = ?", experimentId, layer);
            try (PreparedStatement st = c.prepareStatement("""
                    INSERT INTO explanations (experiment_id, layer, unit, formula, iou, best_single, best_single_iou,
                        formula_code, threshold, examples, held_out_iou, held_out_single_iou)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                for (ExplanationRow r : rows) {
                    st.setLong(1, experimentId);
                    st.setString(2, layer);
                    st.setInt(3, r.unit());
                    st.setString(4, r.formula());
                    st.setDouble(5, r.iou());
                    st.setString(6, r.bestSingle());
                    st.setDouble(7, r.bestSingleIou());
                    st.setString(8, r.formulaCode());
                    st.setDouble(9, r.threshold());
                    st.setArray(10, c.createArrayOf("bigint", Arrays.stream(r.examples()).boxed().toArray()));
                    st.setObject(11, finiteOrNull(r.heldOutIou()), Types.DOUBLE);
                    st.setObject(12, finiteOrNull(r.heldOutSingleIou()), Types.DOUBLE);
                    st.addBatch();
                }
                st.executeBatch();
            }
            succeed(c, experimentId, "explain", layer, resultKey);
            return null;
        });
    }

    private static Double finiteOrNull(Double v) {
        return v == null || !Double.isFinite(v) ? null : v;
    }

    public List<ExplanationRow> explanations(long experimentId, String layer) {
        return Database.inTransaction(ds, c -> {
            try (PreparedStatement st = c.prepareStatement("""
                    SELECT unit, formula, iou, best_single, best_single_iou, formula_code, threshold, examples,
                        held_out_iou, held_out_single_iou FROM explanations
                    WHERE experiment_id = ? AND layer = ? ORDER BY unit""")) {
                st.setLong(1, experimentId);
                st.setString(2, layer);
                List<ExplanationRow> out = new ArrayList<>();
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        Array ex = rs.getArray(8);
                        long[] examples = ex == null ? new long[0]
                                : Arrays.stream((Long[]) ex.getArray()).mapToLong(Long::longValue).toArray();
                        out.add(new ExplanationRow(rs.getInt(1), rs.getString(2), rs.getDouble(3), rs.getString(4), rs.getDouble(5),
                                rs.getString(6), rs.getDouble(7), examples, rs.getObject(9, Double.class), rs.getObject(10, Double.class)));
                    }
                }
                return out;
            }
        });
    }

    public void replaceInterventions(long experimentId, String layer, List<InterventionRow> rows, String resultKey) {
        Database.inTransaction(ds, c -> {
            lockStep(c, experimentId, "intervene", layer);
            delete(c, "DELETE FROM interventions WHERE experiment_id = ? AND layer = ?", experimentId, layer);
            try (PreparedStatement st = c.prepareStatement("""
                    INSERT INTO interventions (experiment_id, layer, class_name, kind, n, context, value, baseline, spread, count,
                        p_value, draws)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                for (InterventionRow r : rows) {
                    st.setLong(1, experimentId);
                    st.setString(2, layer);
                    st.setString(3, r.className());
                    st.setString(4, r.kind());
                    st.setInt(5, r.n());
                    st.setString(6, r.context());
                    st.setDouble(7, r.value());
                    st.setDouble(8, r.baseline());
                    st.setDouble(9, r.spread());
                    st.setLong(10, r.count());
                    st.setObject(11, r.pValue(), java.sql.Types.DOUBLE);
                    st.setObject(12, r.draws(), java.sql.Types.INTEGER);
                    st.addBatch();
                }
                st.executeBatch();
            }
            succeed(c, experimentId, "intervene", layer, resultKey);
            return null;
        });
    }

    /** The intervene step's rows of a layer: by class, ablation points by n, then insertion (overall first, then by context). */
    public List<InterventionRow> interventions(long experimentId, String layer) {
        return Database.inTransaction(ds, c -> {
            try (PreparedStatement st = c.prepareStatement("""
                    SELECT class_name, kind, n, context, value, baseline, spread, count, p_value, draws FROM interventions
                    WHERE experiment_id = ? AND layer = ? ORDER BY class_name, kind, n, context""")) {
                st.setLong(1, experimentId);
                st.setString(2, layer);
                List<InterventionRow> out = new ArrayList<>();
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        out.add(new InterventionRow(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4), rs.getDouble(5),
                                rs.getDouble(6), rs.getDouble(7), rs.getLong(8), rs.getObject(9, Double.class),
                                rs.getObject(10, Integer.class)));
                    }
                }
                return out;
            }
        });
    }

    /**
     * Replaces a step's scalar metrics ("name" or "name|variant" keys) and marks it SUCCEEDED.
     * Metrics of a per-layer step are kept under {@link #metricsKey} "step:layer", so the
     * layers of one step do not replace each other's.
     */
    public void replaceMetrics(long experimentId, String step, String layer, Map<String, Double> values, String resultKey) {
        String key = metricsKey(step, layer);
        Database.inTransaction(ds, c -> {
            lockStep(c, experimentId, step, layer);
            delete(c, "DELETE FROM metrics WHERE experiment_id = ? AND step = ?", experimentId, key);
            try (PreparedStatement st = c.prepareStatement(
                    "INSERT INTO metrics (experiment_id, step, name, variant, value) VALUES (?, ?, ?, ?, ?)")) {
                for (Map.Entry<String, Double> e : values.entrySet()) {
                    String[] nv = e.getKey().split("\\|", 2);
                    st.setLong(1, experimentId);
                    st.setString(2, key);
                    st.setString(3, nv[0]);
                    st.setString(4, nv.length > 1 ? nv[1] : "");
                    st.setDouble(5, e.getValue());
                    st.addBatch();
                }
                st.executeBatch();
            }
            succeed(c, experimentId, step, layer, resultKey);
            return null;
        });
    }

    /** Where a step's metrics are kept: the step name, or "step:layer" for a per-layer step. */
    public static String metricsKey(String step, String layer) {
        return layer == null || layer.isEmpty() ? step : step + ":" + layer;
    }

    /**
     * Locks the step's row for this transaction. Two attempts of one step can overlap (a
     * "zombie" whose worker lost its heartbeat finishes while the retry does): the second
     * waits here until the first commits, then its DELETE sees the first's rows, so the
     * replacement never hits a unique violation and the last writer's rows stand.
     */
    private static void lockStep(Connection c, long experimentId, String step, String layer) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT 1 FROM steps WHERE experiment_id = ? AND name = ? AND layer = ? FOR UPDATE")) {
            st.setLong(1, experimentId);
            st.setString(2, step);
            st.setString(3, layer);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw new DatabaseException("experiment " + experimentId + " has no step " + step + (layer.isEmpty() ? "" : " of " + layer));
                }
            }
        }
    }

    private static void succeed(Connection c, long experimentId, String step, String layer, String resultKey) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("""
                UPDATE steps SET status = 'SUCCEEDED', result_key = ?, error = NULL, finished_at = now(), progress_done = progress_total
                WHERE experiment_id = ? AND name = ? AND layer = ?""")) {
            st.setString(1, resultKey);
            st.setLong(2, experimentId);
            st.setString(3, step);
            st.setString(4, layer);
            if (st.executeUpdate() != 1) {
                throw new DatabaseException("experiment " + experimentId + " has no step " + step + (layer.isEmpty() ? "" : " of " + layer));
            }
        }
    }

    private static void delete(Connection c, String sql, long experimentId, String key) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setLong(1, experimentId);
            st.setString(2, key);
            st.executeUpdate();
        }
    }

    public List<UnitRow> units(long experimentId, String layer) {
        return Database.inTransaction(ds, c -> {
            try (PreparedStatement st = c.prepareStatement("""
                    SELECT unit, threshold, label, label_name, category, iou, iqr, interpretable, top_samples,
                    iou_ci_low, iou_ci_high, null_iou, location_iou, lift, lift_ci_low, beats_location, interpretable_controlled,
                    top1_interpretable, location_p, location_q, min_effect
                    FROM units WHERE experiment_id = ? AND layer = ? ORDER BY unit""")) {
                st.setLong(1, experimentId);
                st.setString(2, layer);
                List<UnitRow> out = new ArrayList<>();
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        Long[] top = (Long[]) rs.getArray(9).getArray();
                        long[] t = new long[top.length];
                        for (int i = 0; i < t.length; i++) {
                            t[i] = top[i];
                        }
                        out.add(new UnitRow(rs.getInt(1), rs.getDouble(2), rs.getInt(3), rs.getString(4), rs.getString(5),
                                rs.getDouble(6), rs.getDouble(7), rs.getBoolean(8), t, rs.getObject(10, Double.class),
                                rs.getObject(11, Double.class), rs.getObject(12, Double.class), rs.getObject(13, Double.class),
                                rs.getObject(14, Double.class), rs.getObject(15, Double.class), rs.getObject(16, Boolean.class),
                                rs.getObject(17, Boolean.class), rs.getObject(18, Boolean.class), rs.getObject(19, Double.class),
                                rs.getObject(20, Double.class), rs.getObject(21, Boolean.class)));
                    }
                }
                return out;
            }
        });
    }

    /** Interpretable units per category of one layer (object, part, material order where present). */
    public Map<String, Integer> interpretableByCategory(long experimentId, String layer) {
        return Database.inTransaction(ds, c -> {
            try (PreparedStatement st = c.prepareStatement("""
                    SELECT category, count(*) FROM units WHERE experiment_id = ? AND layer = ? AND interpretable
                    GROUP BY category ORDER BY category""")) {
                st.setLong(1, experimentId);
                st.setString(2, layer);
                Map<String, Integer> out = new LinkedHashMap<>();
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), rs.getInt(2));
                    }
                }
                return out;
            }
        });
    }

    public Map<String, Double> metrics(long experimentId, String step) {
        return Database.inTransaction(ds, c -> {
            try (PreparedStatement st = c.prepareStatement(
                    "SELECT name, variant, value FROM metrics WHERE experiment_id = ? AND step = ? ORDER BY name, variant")) {
                st.setLong(1, experimentId);
                st.setString(2, step);
                Map<String, Double> out = new LinkedHashMap<>();
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(2).isEmpty() ? rs.getString(1) : rs.getString(1) + "|" + rs.getString(2), rs.getDouble(3));
                    }
                }
                return out;
            }
        });
    }

    /** Per class of a layer: interpretable units labelled with it and its pixel frequency, by class index. */
    public List<ClassCountRow> classCounts(long experimentId, String layer) {
        return Database.inTransaction(ds, c -> {
            try (PreparedStatement st = c.prepareStatement("""
                    SELECT class_index, class_name, category, interpretable_units, pixel_frequency, controlled_units FROM class_counts
                    WHERE experiment_id = ? AND layer = ? ORDER BY class_index""")) {
                st.setLong(1, experimentId);
                st.setString(2, layer);
                List<ClassCountRow> out = new ArrayList<>();
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        out.add(new ClassCountRow(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getDouble(5),
                                rs.getObject(6, Integer.class)));
                    }
                }
                return out;
            }
        });
    }

    /**
     * Interpretable units of a layer per rule and category (see {@link CountRow}), the controlled
     * rule first (docs/CONTROLS.md: the headline), then "spec" (without control), then "top1";
     * empty for dissections without controls.
     */
    public List<CountRow> interpretableCounts(long experimentId, String layer) {
        return Database.inTransaction(ds, c -> {
            try (PreparedStatement st = c.prepareStatement("""
                    SELECT rule, category, units, ci_low, ci_high FROM interpretable_counts WHERE experiment_id = ? AND layer = ?
                    ORDER BY CASE rule WHEN 'controlled' THEN 0 WHEN 'spec' THEN 1 ELSE 2 END,
                    CASE category WHEN 'object' THEN 0 WHEN 'part' THEN 1 WHEN 'material' THEN 2 WHEN 'total' THEN 4 ELSE 3 END, category""")) {
                st.setLong(1, experimentId);
                st.setString(2, layer);
                List<CountRow> out = new ArrayList<>();
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        out.add(new CountRow(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getObject(4, Double.class),
                                rs.getObject(5, Double.class)));
                    }
                }
                return out;
            }
        });
    }

    /**
     * For each of the experiments given, its layers' counts of units interpretable with control (rule 'controlled',
     * category 'total'), layer by layer in name order; an experiment without a stored count is absent. One query
     * (the primary key's leading column), for a page of the experiments grid.
     */
    public Map<Long, Map<String, Integer>> controlledTotals(java.util.Collection<Long> experimentIds) {
        if (experimentIds.isEmpty()) {
            return Map.of();
        }
        return Database.inTransaction(ds, c -> {
            try (PreparedStatement st = c.prepareStatement("""
                    SELECT experiment_id, layer, units FROM interpretable_counts
                    WHERE experiment_id = ANY(?) AND rule = 'controlled' AND category = 'total' ORDER BY experiment_id, layer""")) {
                st.setArray(1, c.createArrayOf("bigint", experimentIds.toArray()));
                Map<Long, Map<String, Integer>> out = new LinkedHashMap<>();
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        out.computeIfAbsent(rs.getLong(1), k -> new LinkedHashMap<>()).put(rs.getString(2), rs.getInt(3));
                    }
                }
                return out;
            }
        });
    }
}
