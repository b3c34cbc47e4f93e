package org.ganscope.analysis.bench;

import java.util.Locale;
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
 * segmenter. Each is run twice, alternating, and the faster run counts.
 */
public final class DissectBench {
    public record Result(double rawImagesPerSecond, double dissectImagesPerSecond, long images, LayerDissection dissection) {
        public double ratio() {
            return dissectImagesPerSecond / rawImagesPerSecond;
        }
    }

    private DissectBench() {
    }

    public static Result run(Bundle b, DissectParams p) {
        long images = (long) p.samples() + p.thresholdSamples();
        double bestRaw = Double.MAX_VALUE;
        double bestDissect = Double.MAX_VALUE;
        LayerDissection last = null;
        try (LayerModel m = new LayerModel(b, p.layer(), p.batch())) {
            m.inferOnly(999, 0, Math.min(p.batch(), 2)); // warm-up: first-run allocations and kernel selection
            for (int rep = 0; rep < 2; rep++) {
                long t0 = System.nanoTime();
                boolean iqr = p.method() == DissectParams.Method.IQR;
                for (long s = 0; s < p.thresholdSamples(); s += p.batch()) {
                    int n = (int) Math.min(p.batch(), p.thresholdSamples() - s);
                    if (iqr) {
                        m.inferOnly(p.thresholdSeed(), s, n);
                    } else {
                        m.represent(p.thresholdSeed(), s, n);
                    }
                }
                for (long s = 0; s < p.samples(); s += p.batch()) {
                    m.inferOnly(p.seed(), s, (int) Math.min(p.batch(), p.samples() - s));
                }
                bestRaw = Math.min(bestRaw, (System.nanoTime() - t0) / 1e9);
                t0 = System.nanoTime();
                LayerDissection d = LayerDissector.dissect(m, p, 1, x -> { });
                bestDissect = Math.min(bestDissect, (System.nanoTime() - t0) / 1e9);
                last = d;
                System.out.printf(Locale.ROOT, "  run %d: raw %.2f s, dissection %.2f s for %d images%n", rep + 1,
                        bestRaw, bestDissect, images);
            }
        }
        return new Result(images / bestRaw, images / bestDissect, images, last);
    }
}
