package org.ganscope.analysis.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.dissect.ArrayDissection;
import org.ganscope.analysis.dissect.DissectionReport;
import org.ganscope.analysis.dissect.IqrSelection;
import org.ganscope.analysis.dissect.Quantiles;
import org.ganscope.analysis.io.Npy;
import org.ganscope.analysis.io.NpyArray;
import org.ganscope.analysis.io.NpyArray.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ganscope dissect-arrays --activations A.npy --segmentation S.npy --classes C
 * --method iqr|quantile [--quantile Q] --out result.json}: exact dissection statistics
 * (SPEC sections 1-5) of activations {@code [N,U,h,w]} (float32/float64) against labels
 * {@code [N,H,W]} (int32/int64/uint8 in {@code [0,C)}); thresholds and IoU over this one
 * set of arrays. {@code Q} (quantile mode) defaults to 0.01, the top 1 %.
 */
@Command(name = "dissect-arrays", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Exact dissection of .npy activations [N,U,h,w] against a .npy segmentation [N,H,W] (iqr or quantile thresholds).")
public final class DissectArraysCommand implements Callable<Integer> {
    @Option(names = "--activations", required = true, paramLabel = "A.npy", description = "float32/float64 [N, U, h, w]")
    Path actsPath;
    @Option(names = "--segmentation", required = true, paramLabel = "S.npy", description = "int32/int64/uint8 [N, H, W], labels in [0, C)")
    Path segPath;
    @Option(names = "--classes", required = true, paramLabel = "C", description = "number of classes, label 0 included")
    int classes;
    @Option(names = "--method", required = true, paramLabel = "iqr|quantile", description = "unit thresholds")
    String method;
    @Option(names = "--quantile", paramLabel = "Q", description = "quantile mode: the top share, strictly between 0 and 1 (default 0.01)")
    Double quantile;
    @Option(names = "--out", required = true, paramLabel = "result.json", description = "where the statistics go")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (classes < 2) {
            throw new UsageException("--classes must be at least 2 (label 0 plus one label), got " + classes);
        }
        if (!method.equals("iqr") && !method.equals("quantile")) {
            throw new UsageException("--method must be 'iqr' or 'quantile', got '" + method + "'");
        }
        double q = Quantiles.DEFAULT_Q;
        if (quantile != null) {
            if (method.equals("iqr")) {
                throw new UsageException("--quantile applies only to --method quantile");
            }
            if (!(quantile > 0 && quantile < 1)) {
                throw new UsageException("--quantile must be strictly between 0 and 1, got " + quantile);
            }
            q = quantile;
        }

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
