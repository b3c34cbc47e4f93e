package org.ganscope.analysis.explain;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.Progress;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.Manifest;
import org.ganscope.analysis.dissect.Quantiles;
import org.ganscope.analysis.dissect.Upsampler;
import org.ganscope.analysis.model.LayerModel;

/**
 * Compositional explanations of every unit of a layer over {@code samples} generated
 * images: concept masks from the segmentation, unit masks from the upsampled activation
 * above the unit's upper-quantile threshold (top 0.5% by default), then a beam search per
 * unit, units in parallel. The concepts are the classes of every concept group of the
 * bundle: first the main group's (concept i = class i + 1, named by the class), then each
 * further group's, named {@code group:class} (e.g. {@code part:door}, {@code color:red}), so
 * on a schema 2 bundle a pixel belongs to several concepts and AND / AND NOT can gain.
 */
public final class LayerExplainer {
    /**
     * @param examples per unit, the samples (indices from 0 for the seed) where the unit's
     *     mask and its formula's mask overlap most, best first
     */
    public record Result(List<String> conceptNames, BeamSearch.Explanation[] units, double[] thresholds, int samples, long[][] examples) {
    }

    /** How many example images are kept per unit. */
    public static final int EXAMPLES = 6;

    private LayerExplainer() {
    }

    public static Result explain(Bundle b, String layerName, int samples, long seed, double quantile, int beam, int maxLength) {
        return explain(b, layerName, samples, seed, quantile, beam, maxLength, Progress.NONE);
    }

    /** As above, reporting the samples generated and then the units explained to {@code progress}. */
    public static Result explain(Bundle b, String layerName, int samples, long seed, double quantile, int beam, int maxLength,
            Progress progress) {
        return run(b, layerName, samples, seed, quantile, null, beam, maxLength, Integer.MAX_VALUE, false, progress);
    }

    /**
     * As {@link #explain} with given per-unit thresholds, e.g. the dissection's own (its
     * dissect.json "threshold" per unit): on the dissection's evaluation images (same seed,
     * same samples) every single-concept IoU then equals the dissection's IoU of that unit
     * and class, so a length-1 formula is the dissection's own measurement.
     */
    public static Result explainAt(Bundle b, String layerName, int samples, long seed, double[] thresholds, int beam, int maxLength) {
        return explainAt(b, layerName, samples, seed, thresholds, beam, maxLength, Progress.NONE);
    }

    /** As above, reporting the samples generated and then the units explained to {@code progress}. */
    public static Result explainAt(Bundle b, String layerName, int samples, long seed, double[] thresholds, int beam, int maxLength,
            Progress progress) {
        if (thresholds.length != b.layer(layerName).units()) {
            throw new AnalysisException("thresholds: " + thresholds.length + " values for the " + b.layer(layerName).units()
                    + " units of " + layerName);
        }
        return run(b, layerName, samples, seed, Double.NaN, thresholds.clone(), beam, maxLength, Integer.MAX_VALUE, false, progress);
    }

    /** Exhaustive search (length <= 3) on the first {@code units} units, for checking the beam. */
    static BeamSearch.Explanation[] explainWith(Bundle b, String layerName, int samples, long seed, double quantile, int units) {
        return run(b, layerName, samples, seed, quantile, null, 0, 3, units, true, Progress.NONE).units();
    }

    private static Result run(Bundle b, String layerName, int samples, long seed, double quantile, double[] given, int beam, int maxLength,
            int maxUnits, boolean exhaustive, Progress progress) {
        var layer = b.layer(layerName);
        int units = Math.min(layer.units(), maxUnits);
        int allUnits = layer.units();
        int hw = layer.pixels();
        List<Manifest.ConceptGroup> groups = b.manifest().groups();
        int[] firstConcept = new int[groups.size()]; // concept index of class 1 of each group
        List<String> names = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            firstConcept[g] = names.size();
            for (Manifest.ConceptClass c : groups.get(g).classes().subList(1, groups.get(g).numClasses())) {
                names.add(g == 0 ? c.name() : groups.get(g).name() + ":" + c.name());
            }
        }
        float[] acts;
        int seg;
        List<BitMask> concepts = new ArrayList<>();
        try (LayerModel m = new LayerModel(b, layerName, 16)) {
            seg = m.segPixels();
            acts = new float[Math.multiplyExact(Math.multiplyExact(samples, allUnits), hw)];
            for (int c = 0; c < names.size(); c++) {
                concepts.add(new BitMask(Math.multiplyExact(samples, seg)));
            }
            progress.begin("samples", samples, "img");
            for (int s = 0; s < samples; s += m.maxBatch()) {
                int n = Math.min(m.maxBatch(), samples - s);
                m.generate(seed, s, n);
                System.arraycopy(m.activations(), 0, acts, s * allUnits * hw, n * allUnits * hw);
                for (int g = 0; g < groups.size(); g++) {
                    int[] labels = m.groupLabels(g);
                    int offset = firstConcept[g] - 1;
                    for (int i = 0; i < n * seg; i++) {
                        if (labels[i] > 0) {
                            concepts.get(offset + labels[i]).set(s * seg + i);
                        }
                    }
                }
                progress.advance(n);
            }
            progress.end();
        }
        double[] thr = given != null ? given : Quantiles.thresholds(acts, samples, allUnits, hw, quantile);
        int res = (int) Math.round(Math.sqrt(seg));
        BeamSearch.Explanation[] out = new BeamSearch.Explanation[units];
        long[][] examples = new long[units][];
        ThreadLocal<Upsampler> ups = ThreadLocal.withInitial(() -> new Upsampler(layer.height(), layer.width(), res, res));
        ThreadLocal<double[]> planes = ThreadLocal.withInitial(() -> new double[seg]);
        final int segPixels = seg;
        progress.begin("formulas", units, "unit");
        IntStream.range(0, units).parallel().forEach(u -> {
            BitMask mask = new BitMask(samples * segPixels);
            double[] plane = planes.get();
            for (int i = 0; i < samples; i++) {
                ups.get().apply(acts, (i * allUnits + u) * hw, plane, 0);
                for (int p = 0; p < segPixels; p++) {
                    if (plane[p] > thr[u]) {
                        mask.set(i * segPixels + p);
                    }
                }
            }
            out[u] = exhaustive ? BeamSearch.exhaustive(mask, concepts, maxLength) : BeamSearch.explain(mask, concepts, beam, maxLength);
            examples[u] = examples(mask, Formula.mask(out[u].formula(), concepts), samples, segPixels);
            progress.advance(1);
        });
        progress.end();
        return new Result(List.copyOf(names), out, thr, samples, examples);
    }

    /** Gain of a compound formula that counts as an improvement over the best single label (IoU). */
    public static final double MIN_GAIN = 0.02;

    /**
     * Explanations against a dissection of the same images and thresholds: {@code agree} =
     * units whose best single concept is the dissection's label (always all units but ties
     * in quantile mode; in IQR mode the label is the IQR winner, not the IoU argmax, so they
     * can differ), {@code gained} = units whose best formula's IoU exceeds the best single
     * label's by at least {@link #MIN_GAIN}, and their shares of the units.
     */
    public record Agreement(int units, int agree, int gained, double agreeShare, double gainedShare, double meanGain) {
    }

    /** @param dissectionLabel per unit the dissection's label (class index, 1..C-1; concept = label - 1) */
    public static Agreement agreement(Result r, int[] dissectionLabel) {
        int n = r.units().length;
        int agree = 0;
        int gained = 0;
        double sum = 0;
        for (int u = 0; u < n; u++) {
            var e = r.units()[u];
            if (e.bestSingle() instanceof Formula.Leaf leaf && leaf.concept() == dissectionLabel[u] - 1) {
                agree++;
            }
            if (e.gain() >= MIN_GAIN) {
                gained++;
            }
            sum += e.gain();
        }
        return new Agreement(n, agree, gained, n == 0 ? 0 : (double) agree / n, n == 0 ? 0 : (double) gained / n, n == 0 ? 0 : sum / n);
    }

    /** The samples with the largest overlap of unit and formula masks (ties: lower index), at most EXAMPLES, none empty. */
    static long[] examples(BitMask unit, BitMask formula, int samples, int segPixels) {
        long[] overlap = new long[samples];
        for (int i = 0; i < samples; i++) {
            overlap[i] = unit.countAnd(formula, i * segPixels, (i + 1) * segPixels);
        }
        return IntStream.range(0, samples).boxed().filter(i -> overlap[i] > 0)
                .sorted((a, b2) -> overlap[a] != overlap[b2] ? Long.compare(overlap[b2], overlap[a]) : Integer.compare(a, b2))
                .limit(EXAMPLES).mapToLong(i -> i).toArray();
    }
}
