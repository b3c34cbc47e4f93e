package org.ganscope.analysis.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.dissect.ArrayDissection;
import org.ganscope.analysis.dissect.DissectionReport;
import org.ganscope.analysis.dissect.IqrSelection;
import org.ganscope.analysis.dissect.Quantiles;
import org.ganscope.analysis.io.Npy;
import org.ganscope.analysis.io.NpyArray;
import org.ganscope.analysis.io.NpyArray.DType;

/**
 * {@code ganscope dissect-arrays --activations A.npy --segmentation S.npy --classes C
 * --method iqr|quantile [--quantile Q] --out result.json}: exact dissection statistics
 * (SPEC sections 1-5) of activations {@code [N,U,h,w]} (float32/float64) against labels
 * {@code [N,H,W]} (int32/int64/uint8 in {@code [0,C)}); thresholds and IoU over this one
 * set of arrays. {@code Q} (quantile mode) defaults to 0.01, the top 1 %.
 */
public final class DissectArraysCommand implements Command {
    private static final List<String> OPTIONS =
            List.of("activations", "segmentation", "classes", "method", "quantile", "out");

    @Override
    public String name() {
        return "dissect-arrays";
    }

    @Override
    public String summary() {
        return "exact dissection of .npy activations against a .npy segmentation (iqr or quantile thresholds)";
    }

    @Override
    public int run(String[] args) throws Exception {
        Args a = Args.parse(args, 1, OPTIONS, List.of());
        if (!a.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + a.positional().get(0) + "'");
        }
        Path actsPath = Path.of(a.require("activations"));
        Path segPath = Path.of(a.require("segmentation"));
        int classes = parseClasses(a.require("classes"));
        String method = a.require("method");
        if (!method.equals("iqr") && !method.equals("quantile")) {
            throw new UsageException("--method must be 'iqr' or 'quantile', got '" + method + "'");
        }
        double q = Quantiles.DEFAULT_Q;
        if (a.get("quantile", null) != null) {
            if (method.equals("iqr")) {
                throw new UsageException("--quantile applies only to --method quantile");
            }
            q = parseQuantile(a.get("quantile", null));
        }
        Path out = Path.of(a.require("out"));

        NpyArray acts = Npy.read(actsPath);
        NpyArray seg = Npy.read(segPath);
        int[] as = checkActivations(actsPath, acts);
        int[] ss = checkSegmentation(segPath, seg, as[0]);
        int[] labels = labels(segPath, seg, classes, ss);
        ArrayDissection d = acts.dtype() == DType.F4
                ? ArrayDissection.of(acts.floatData(), as[0], as[1], as[2], as[3], labels, ss[1], ss[2], classes)
                : ArrayDissection.of(acts.doubleData(), as[0], as[1], as[2], as[3], labels, ss[1], ss[2], classes);

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("method", method);
        DissectionReport report;
        IqrSelection selection = null;
        if (method.equals("quantile")) {
            json.put("quantile", q);
            report = d.quantileReport(q);
        } else {
            ArrayDissection.IqrResult r = d.iqr();
            selection = r.selection();
            report = r.report();
        }
        json.put("num_classes", classes);
        json.put("shapes", Map.of("activations", as, "segmentation", ss));
        json.put("thresholds", report.thresholds());
        json.put("iou", report.iou());
        json.put("iqr", report.iqr());
        json.put("best_label", report.bestLabel());
        json.put("best_iou", report.bestIou());
        json.put("best_iqr", report.bestIqr());
        json.put("interpretable", report.interpretable());
        json.put("n_interpretable", report.nInterpretable());
        json.put("label_undetermined", report.labelUndetermined());
        if (selection != null) {
            json.put("max_iqr", selection.maxIqr());
            json.put("level_index", selection.chosenLevel());
            json.put("iqr_levels", selection.levels());
        }
        write(out, json);
        System.out.println("wrote " + out + ": " + as[1] + " units, " + report.nInterpretable()
                + " interpretable (" + method + ")");
        return 0;
    }

    private static int parseClasses(String v) {
        try {
            int c = Integer.parseInt(v.trim());
            if (c < 2) {
                throw new UsageException("--classes must be at least 2 (label 0 plus one label), got " + c);
            }
            return c;
        } catch (NumberFormatException e) {
            throw new UsageException("--classes must be an integer, got '" + v + "'");
        }
    }

    private static double parseQuantile(String v) {
        double q;
        try {
            q = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--quantile must be a number in (0,1), got '" + v + "'");
        }
        if (!(q > 0 && q < 1)) {
            throw new UsageException("--quantile must be strictly between 0 and 1, got " + v);
        }
        return q;
    }

    /** Returns {N, U, h, w}; checks dtype, rank, sizes and finiteness. */
    private static int[] checkActivations(Path file, NpyArray acts) {
        if (acts.dtype() != DType.F4 && acts.dtype() != DType.F8) {
            throw new AnalysisException(file + ": activations must be float32 or float64, found " + acts.describe());
        }
        if (acts.rank() != 4) {
            throw new AnalysisException(file + ": activations must have shape [N, U, h, w], found " + acts.describe());
        }
        int[] s = acts.shape();
        for (int x : s) {
            if (x == 0) {
                throw new AnalysisException(file + ": activations are empty, shape " + NpyArray.shapeString(s));
            }
        }
        int plane = s[2] * s[3];
        if (acts.dtype() == DType.F4) {
            float[] v = acts.floatData();
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i])) {
                    throw nonFinite(file, v[i], i, s, plane);
                }
            }
        } else {
            double[] v = acts.doubleData();
            for (int i = 0; i < v.length; i++) {
                if (!Double.isFinite(v[i])) {
                    throw nonFinite(file, v[i], i, s, plane);
                }
            }
        }
        return s;
    }

    private static AnalysisException nonFinite(Path file, double v, int i, int[] s, int plane) {
        int n = i / (s[1] * plane);
        int u = (i / plane) % s[1];
        int y = (i % plane) / s[3];
        int x = i % s[3];
        return new AnalysisException(file + ": activation " + v + " at [" + n + ", " + u + ", " + y + ", " + x
                + "] is not finite");
    }

    /** Returns {N, H, W}; checks dtype, rank, N and size. */
    private static int[] checkSegmentation(Path file, NpyArray seg, int images) {
        DType t = seg.dtype();
        if (t != DType.I4 && t != DType.I8 && t != DType.U1) {
            throw new AnalysisException(file + ": segmentation must be int32, int64 or uint8, found " + seg.describe());
        }
        if (seg.rank() != 3) {
            throw new AnalysisException(file + ": segmentation must have shape [N, H, W], found " + seg.describe());
        }
        int[] s = seg.shape();
        if (s[0] != images) {
            throw new AnalysisException(file + ": segmentation has N=" + s[0] + " images but the activations have N="
                    + images);
        }
        if (s[1] == 0 || s[2] == 0) {
            throw new AnalysisException(file + ": segmentation is empty, shape " + NpyArray.shapeString(s));
        }
        return s;
    }

    /** The labels as int, each checked to lie in {@code [0, classes)}. */
    private static int[] labels(Path file, NpyArray seg, int classes, int[] s) {
        int n = seg.size();
        int[] out = new int[n];
        int[] i4 = seg.dtype() == DType.I4 ? seg.intData() : null;
        long[] i8 = seg.dtype() == DType.I8 ? seg.longData() : null;
        byte[] u1 = seg.dtype() == DType.U1 ? seg.byteData() : null;
        for (int i = 0; i < n; i++) {
            long v = i4 != null ? i4[i] : i8 != null ? i8[i] : u1[i] & 0xff;
            if (v < 0 || v >= classes) {
                int plane = s[1] * s[2];
                throw new AnalysisException(file + ": label " + v + " at [" + (i / plane) + ", " + (i % plane) / s[2]
                        + ", " + (i % s[2]) + "] is outside [0, " + classes + ") (--classes " + classes + ")");
            }
            out[i] = (int) v;
        }
        return out;
    }

    private static void write(Path out, Map<String, Object> json) {
        try {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), json);
        } catch (IOException e) {
            throw new AnalysisException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }
}
