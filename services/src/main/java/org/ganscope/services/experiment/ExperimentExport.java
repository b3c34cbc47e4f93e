package org.ganscope.services.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.ganscope.db.ExperimentRepository;
import org.ganscope.db.ResultRepository;
import org.ganscope.workflows.experiment.ExperimentSpec;
import org.springframework.stereotype.Service;
import java.io.IOException;
import java.util.Arrays;

/**
 * Exports of an experiment: a layer's unit table as CSV or JSON, and its parameters as a
 * launch request that reproduces it (the bundle by hash, so a re-registered name cannot
 * silently change the model).
 */
@Service
public class ExperimentExport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final ExperimentRepository experiments;
    private final ResultRepository results;

    public ExperimentExport(ExperimentRepository experiments, ResultRepository results) {
        this.experiments = experiments;
        this.results = results;
    }

    /**
     * A layer's units as CSV. Precision: IoU, IQR and the control scores (intervals, null and
     * location IoU, lift) with 6 decimals (their bootstrap intervals are about 1e-2 wide; 6
     * decimals resolve one pixel in 10^6 of a dataset-level ratio); thresholds with 9
     * significant digits, which round-trip the float32 activations they are compared with.
     * The full doubles are in units.json and /api/experiments/{id}/units.
     */
    public byte[] unitsCsv(long id, String layer) {
        StringBuilder b = new StringBuilder("unit,label,label_name,category,iou,iqr,threshold,interpretable,top_samples,"
                + "iou_ci_low,iou_ci_high,null_iou,location_iou,lift,lift_ci_low,beats_location,interpretable_controlled,top1_interpretable,"
                + "location_p,location_q,min_effect\n");
        for (ResultRepository.UnitRow u : units(id, layer)) {
            b.append(String.format(Locale.ROOT, "%d,%d,%s,%s,%.6f,%.6f,%.9g,%b,%s", u.unit(), u.label(), csv(u.labelName()),
                    csv(u.category()), u.iou(), u.iqr(), u.threshold(), u.interpretable(),
                    Arrays.stream(u.topSamples()).mapToObj(Long::toString).reduce((x, y) -> x + " " + y).orElse("")));
            for (Object v : new Object[] {u.iouCiLow(), u.iouCiHigh(), u.nullIou(), u.locationIou(), u.lift(), u.liftCiLow(), u.beatsLocation(),
                    u.interpretableControlled(), u.top1Interpretable()}) {
                b.append(',').append(v == null ? "" : v instanceof Double d ? String.format(Locale.ROOT, "%.6f", d) : v.toString());
            }
            // p- and q-values span many decades: 6 significant digits, not 6 decimals
            for (Object v : new Object[] {u.locationP(), u.locationQ(), u.minEffect()}) {
                b.append(',').append(v == null ? "" : v instanceof Double d ? String.format(Locale.ROOT, "%.6g", d) : v.toString());
            }
            b.append('\n');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A layer's units as JSON, self-describing: the experiment (id, name, who launched it), the
     * layer, the bundle (name and hash), the threshold method with its parameters and the
     * sample counts and seeds, then the unit rows with full double precision.
     */
    public byte[] unitsJson(long id, String layer) {
        try {
            var e = experiments.get(id).orElseThrow(() -> new ExperimentService.NotFound("no experiment " + id));
            ExperimentSpec s = JSON.readValue(e.paramsJson(), ExperimentSpec.class);
            var out = JSON.createObjectNode();
            out.putObject("experiment").put("id", e.id()).put("name", e.name()).put("created_by", e.createdBy());
            out.put("layer", layer);
            out.putObject("bundle").put("name", e.bundleName()).put("hash", s.bundleHash());
            var thr = out.putObject("threshold");
            thr.put("method", s.method());
            if ("quantile".equalsIgnoreCase(s.method())) {
                thr.put("quantile", s.quantile());
            }
            thr.put("samples", s.thresholdSamples()).put("seed", s.thresholdSeed());
            out.putObject("evaluation").put("samples", s.samples()).put("seed", s.seed()).put("top_k", s.topK());
            out.set("units", JSON.valueToTree(units(id, layer)));
            return JSON.writeValueAsBytes(out);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The launch request (REST body) that runs this experiment again with the same parameters. */
    public LaunchRequest launchSpec(long id) {
        var e = experiments.get(id).orElseThrow(() -> new ExperimentService.NotFound("no experiment " + id));
        try {
            ExperimentSpec s = JSON.readValue(e.paramsJson(), ExperimentSpec.class);
            return LaunchRequest.of(s.bundleHash()).name(e.name() + " (again)").layers(s.layers()).samples(s.samples()).seed(s.seed())
                    .thresholdSamples(s.thresholdSamples()).method(s.method()).quantile(s.quantile()).topK(s.topK()).shards(s.shards())
                    .tags(e.tags()).steps(s.steps() == null ? List.of("dissect") : s.steps()).classes(s.classes()).build();
        } catch (IOException ex) {
            throw new IllegalStateException("the stored parameters of experiment " + id + " are unreadable: " + ex.getMessage());
        }
    }

    public byte[] launchSpecJson(long id) {
        try {
            return JSON.writeValueAsBytes(launchSpec(id));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private List<ResultRepository.UnitRow> units(long id, String layer) {
        experiments.get(id).orElseThrow(() -> new ExperimentService.NotFound("no experiment " + id));
        return results.units(id, layer);
    }

    /** A CSV field: quoted when it holds a comma, quote or line break; a leading = + - @ is defused for spreadsheets. */
    static String csv(String s) {
        String v = s == null ? "" : s;
        if (!v.isEmpty() && "=+-@".indexOf(v.charAt(0)) >= 0) {
            v = "'" + v;
        }
        return v.matches(".*[,\"\\n\\r].*") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }
}
