package org.ganscope.analysis.explain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.Progress;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.dissect.Quantiles;
import org.ganscope.analysis.dissect.Upsampler;
import org.ganscope.analysis.model.LayerModel;

/**
 * Compositional explanations of every unit of a layer over {@code samples} generated
 * images: concept masks from the segmentation, unit masks from the upsampled activation
 * above the unit's upper-quantile threshold (top 0.5% by default), then a beam search per
 * unit, units in parallel. The concepts are the classes of every concept group of the
 * bundle ({@link Concepts}): on a schema 2 bundle a pixel belongs to one concept per group,
 * so AND / AND NOT can gain; on a schema 1 bundle (one group) only OR can.
 *
 * <p>The images are split by {@link HeldOut#RULE}: the beam search (formula and best single
 * concept) sees the search half only; every unit's formula and single concept are then scored
 * on the held-out half, and the share of units whose held-out gain clears
 * {@link HeldOut#MIN_GAIN} gets a bootstrap interval over the held-out images.
 */
public final class LayerExplainer {
    /**
     * @param units per unit the beam search's result on the search half (its IoUs are search-half IoUs)
     * @param heldOut per unit the formula and best single concept scored on the held-out half
     * @param searchSamples the sample indices searched; {@code heldOutSamples} those held out
     * @param examples per unit, the samples (indices from 0 for the seed, either half) where the
     *     unit's mask and its formula's mask overlap most, best first
     */
    public record Result(List<String> conceptNames, BeamSearch.Explanation[] units, HeldOut.Score[] heldOut, HeldOut.Summary summary,
            double[] thresholds, int samples, long[] searchSamples, long[] heldOutSamples, long[][] examples) {
        /** How many units' formulas use {@code op}. */
        public int using(Formula.Op op) {
            return (int) Arrays.stream(units).filter(e -> e.formula().uses(op)).count();
        }
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
        return run(b, layerName, samples, seed, quantile, null, beam, maxLength, Integer.MAX_VALUE, false, true, progress);
    }

    /**
     * As {@link #explain} with given per-unit thresholds, e.g. the dissection's own (its
     * dissect.json "threshold" per unit), on the dissection's evaluation images (same seed,
     * same samples), so a unit's masks are the dissection's.
     */
    public static Result explainAt(Bundle b, String layerName, int samples, long seed, double[] thresholds, int beam, int maxLength) {
        return explainAt(b, layerName, samples, seed, thresholds, beam, maxLength, Progress.NONE);
    }

    /** As above, reporting the samples generated and then the units explained to {@code progress}. */
    public static Result explainAt(Bundle b, String layerName, int samples, long seed, double[] thresholds, int beam, int maxLength,
            Progress progress) {
        return explainAt(b, layerName, samples, seed, thresholds, beam, maxLength, true, progress);
    }

    /**
     * With {@code split = false} (for checks against a dissection of the same images) the search
     * sees every sample and nothing is held out: every single-concept IoU then equals the
     * dissection's IoU of that unit and class; the held-out scores are NaN.
     */
    static Result explainAt(Bundle b, String layerName, int samples, long seed, double[] thresholds, int beam, int maxLength, boolean split,
            Progress progress) {
        if (thresholds.length != b.layer(layerName).units()) {
            throw new AnalysisException("thresholds: " + thresholds.length + " values for the " + b.layer(layerName).units()
                    + " units of " + layerName);
        }
        return run(b, layerName, samples, seed, Double.NaN, thresholds.clone(), beam, maxLength, Integer.MAX_VALUE, false, split, progress);
    }

    /** Exhaustive search (length <= 3) on the first {@code units} units, for checking the beam. */
    static BeamSearch.Explanation[] explainWith(Bundle b, String layerName, int samples, long seed, double quantile, int units) {
        return run(b, layerName, samples, seed, quantile, null, 0, 3, units, true, true, Progress.NONE).units();
    }

    private static Result run(Bundle b, String layerName, int samples, long seed, double quantile, double[] given, int beam, int maxLength,
            int maxUnits, boolean exhaustive, boolean split, Progress progress) {
        if (split && samples < 2) {
            throw new AnalysisException("explain: " + samples + " samples cannot be split into a search and a held-out half (at least 2)");
        }
        var layer = b.layer(layerName);
        int units = Math.min(layer.units(), maxUnits);
        int allUnits = layer.units();
        int hw = layer.pixels();
        Concepts cs = Concepts.of(b.manifest());
        long[] searchIdx = split ? HeldOut.search(samples) : LongStream.range(0, samples).toArray();
        long[] heldIdx = split ? HeldOut.heldOut(samples) : new long[0];
        int[] half = new int[samples]; // per sample: 0 search, 1 held out
        int[] slot = new int[samples]; // per sample: its image position within its half
        for (int k = 0; k < searchIdx.length; k++) {
            slot[(int) searchIdx[k]] = k;
        }
        for (int k = 0; k < heldIdx.length; k++) {
            half[(int) heldIdx[k]] = 1;
            slot[(int) heldIdx[k]] = k;
        }
        int[] halfImages = {searchIdx.length, heldIdx.length};
        float[] acts;
        int seg;
        List<List<BitMask>> concepts = List.of(new ArrayList<>(), new ArrayList<>()); // search half, held-out half
        try (LayerModel m = new LayerModel(b, layerName, 16)) {
            seg = m.segPixels();
            acts = new float[Math.multiplyExact(Math.multiplyExact(samples, allUnits), hw)];
            for (int h = 0; h < 2; h++) {
                for (int c = 0; c < cs.size(); c++) {
                    concepts.get(h).add(new BitMask(Math.multiplyExact(halfImages[h], seg)));
                }
            }
            progress.begin("samples", samples, "img");
            for (int s = 0; s < samples; s += m.maxBatch()) {
                int n = Math.min(m.maxBatch(), samples - s);
                m.generate(seed, s, n);
                System.arraycopy(m.activations(), 0, acts, s * allUnits * hw, n * allUnits * hw);
                for (int g = 0; g < cs.groups(); g++) {
                    int[] labels = m.groupLabels(g);
                    for (int j = 0; j < n; j++) {
                        List<BitMask> into = concepts.get(half[s + j]);
                        int base = slot[s + j] * seg;
                        for (int p = 0; p < seg; p++) {
                            int l = labels[j * seg + p];
                            if (l > 0) {
                                into.get(cs.concept(g, l)).set(base + p);
                            }
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
        HeldOut.Score[] held = new HeldOut.Score[units];
        long[][] examples = new long[units][];
        ThreadLocal<Upsampler> ups = ThreadLocal.withInitial(() -> new Upsampler(layer.height(), layer.width(), res, res));
        ThreadLocal<double[]> planes = ThreadLocal.withInitial(() -> new double[seg]);
        final int segPixels = seg;
        List<BitMask> searchConcepts = concepts.get(0);
        List<BitMask> heldConcepts = concepts.get(1);
        progress.begin("formulas", units, "unit");
        IntStream.range(0, units).parallel().forEach(u -> {
            BitMask[] mask = {new BitMask(halfImages[0] * segPixels), new BitMask(halfImages[1] * segPixels)};
            double[] plane = planes.get();
            for (int i = 0; i < samples; i++) {
                ups.get().apply(acts, (i * allUnits + u) * hw, plane, 0);
                BitMask into = mask[half[i]];
                int base = slot[i] * segPixels;
                for (int p = 0; p < segPixels; p++) {
                    if (plane[p] > thr[u]) {
                        into.set(base + p);
                    }
                }
            }
            out[u] = exhaustive ? BeamSearch.exhaustive(mask[0], searchConcepts, maxLength) : BeamSearch.explain(mask[0], searchConcepts, beam, maxLength);
            held[u] = HeldOut.score(mask[1], heldConcepts, out[u].formula(), out[u].bestSingle(), halfImages[1], segPixels);
            long[] overlap = new long[samples];
            for (int h = 0; h < 2; h++) {
                BitMask f = Formula.mask(out[u].formula(), concepts.get(h));
                long[] idx = h == 0 ? searchIdx : heldIdx;
                for (int k = 0; k < idx.length; k++) {
                    overlap[(int) idx[k]] = mask[h].countAnd(f, k * segPixels, (k + 1) * segPixels);
                }
            }
            examples[u] = examples(overlap);
            progress.advance(1);
        });
        progress.end();
        HeldOut.Summary summary = split ? HeldOut.summarize(held, seed, heldIdx) : HeldOut.summarize(held, seed, heldIdx, 0);
        return new Result(cs.names(), out, held, summary, thr, samples, searchIdx, heldIdx, examples);
    }

    /** Gain of a compound formula that counts as an improvement over the best single label (held-out IoU). */
    public static final double MIN_GAIN = HeldOut.MIN_GAIN;

    /**
     * Explanations against a dissection of the same images and thresholds: {@code agree} =
     * units whose best single concept (on the search half) is the dissection's label (in IQR
     * mode the label is the IQR winner, not the IoU argmax, so they can differ), {@code gained}
     * = units whose formula's held-out IoU exceeds the best single concept's by at least
     * {@link #MIN_GAIN}, their shares of the units and the mean held-out gain.
     */
    public record Agreement(int units, int agree, int gained, double agreeShare, double gainedShare, double meanGain) {
    }

    /** @param dissectionLabel per unit the dissection's label (class index, 1..C-1; concept = label - 1) */
    public static Agreement agreement(Result r, int[] dissectionLabel) {
        int n = r.units().length;
        int agree = 0;
        for (int u = 0; u < n; u++) {
            if (r.units()[u].bestSingle() instanceof Formula.Leaf leaf && leaf.concept() == dissectionLabel[u] - 1) {
                agree++;
            }
        }
        HeldOut.Summary s = r.summary();
        return new Agreement(n, agree, s.gained(), n == 0 ? 0 : (double) agree / n, s.share(), s.meanGain());
    }

    /** The samples with the largest overlap (ties: lower index), at most EXAMPLES, none empty. */
    static long[] examples(long[] overlap) {
        return IntStream.range(0, overlap.length).boxed().filter(i -> overlap[i] > 0)
                .sorted((a, b2) -> overlap[a] != overlap[b2] ? Long.compare(overlap[b2], overlap[a]) : Integer.compare(a, b2))
                .limit(EXAMPLES).mapToLong(i -> i).toArray();
    }
}
