package org.ganscope.analysis.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import org.ganscope.analysis.Progress;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.dissect.DissectParams;
import org.ganscope.analysis.dissect.LayerDissection;
import org.ganscope.analysis.dissect.LayerDissector;
import org.ganscope.analysis.model.LayerModel;

/**
 * Raw inference vs full dissection, measured side by side in one process: the same
 * bundle, layer, batch and images. Raw = exactly the graph runs the dissection makes,
 * and nothing else: on the threshold set h alone (quantile mode) or h, f and the
 * segmenter (IQR mode, which needs labels), on the evaluation set h, f and the
 * segmenter. Each is run twice, alternating, and the faster run counts. Besides wall time,
 * the process CPU time (all threads, ONNX Runtime's included) of each run is kept: on a
 * machine shared with other work the CPU-time ratio is the steadier figure.
 */
public final class DissectBench {
    public record Result(double rawImagesPerSecond, double dissectImagesPerSecond, long images, LayerDissection dissection,
            double rawCpuSeconds, double dissectCpuSeconds) {
        public double ratio() {
            return dissectImagesPerSecond / rawImagesPerSecond;
        }

        /** Raw inference's CPU time over the dissection's (1 = statistics cost no CPU). */
        public double cpuRatio() {
            return rawCpuSeconds / dissectCpuSeconds;
        }
    }

    private static double cpuSeconds() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof OperatingSystemMXBean s ? s.getProcessCpuTime() / 1e9 : Double.NaN;
    }

    private DissectBench() {
    }

    public static Result run(Bundle b, DissectParams p) {
        return run(b, p, Progress.NONE);
    }

    /** As above, reporting each run's images to {@code progress} (raw runs as one phase each, the dissection's own phases). */
    public static Result run(Bundle b, DissectParams p, Progress progress) {
        long images = (long) p.samples() + p.thresholdSamples();
        double bestRaw = Double.MAX_VALUE;
        double bestDissect = Double.MAX_VALUE;
        double rawCpu = Double.MAX_VALUE;
        double dissectCpu = Double.MAX_VALUE;
        LayerDissection last = null;
        try (LayerModel m = new LayerModel(b, p.layer(), p.batch())) {
            m.inferOnly(999, 0, Math.min(p.batch(), 2)); // warm-up: first-run allocations and kernel selection
            for (int rep = 0; rep < 2; rep++) {
                long t0 = System.nanoTime();
                double c0 = cpuSeconds();
                boolean iqr = p.method() == DissectParams.Method.IQR;
                progress.begin("raw inference, run " + (rep + 1), images, "img");
                for (long s = 0; s < p.thresholdSamples(); s += p.batch()) {
                    int n = (int) Math.min(p.batch(), p.thresholdSamples() - s);
                    if (iqr) {
                        m.inferOnly(p.thresholdSeed(), s, n);
                    } else {
                        m.represent(p.thresholdSeed(), s, n);
                    }
                    progress.advance(n);
                }
                for (long s = 0; s < p.samples(); s += p.batch()) {
                    int n = (int) Math.min(p.batch(), p.samples() - s);
                    m.inferOnly(p.seed(), s, n);
                    progress.advance(n);
                }
                progress.end();
                double raw = (System.nanoTime() - t0) / 1e9;
                double rc = cpuSeconds() - c0;
                t0 = System.nanoTime();
                c0 = cpuSeconds();
                LayerDissection d = LayerDissector.dissect(m, p, 1, x -> { }, progress);
                double dis = (System.nanoTime() - t0) / 1e9;
                double dc = cpuSeconds() - c0;
                bestRaw = Math.min(bestRaw, raw);
                bestDissect = Math.min(bestDissect, dis);
                rawCpu = Math.min(rawCpu, rc);
                dissectCpu = Math.min(dissectCpu, dc);
                last = d;
                System.out.printf(Locale.ROOT, "  run %d: raw %.2f s (%.2f CPU s), dissection %.2f s (%.2f CPU s) for %d images%n", rep + 1,
                        raw, rc, dis, dc, images);
            }
        }
        return new Result(images / bestRaw, images / bestDissect, images, last, rawCpu, dissectCpu);
    }
}
