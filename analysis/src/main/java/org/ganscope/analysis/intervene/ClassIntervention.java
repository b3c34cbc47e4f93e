package org.ganscope.analysis.intervene;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.IntStream;
import org.ganscope.analysis.Progress;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.model.LayerModel;

/**
 * The causal tests of one class in one layer (METHOD step 4), as JSON: the ablation curve
 * (top-n units by IoU vs n random units, 20 draws by default, with an empirical p-value;
 * n absolute and as shares of the layer) and the insertion of the class's top units into
 * every region of every image, with the effect by the class that was there. All images come
 * from seeds the dissection did not use ({@link #evaluationSeed}).
 * Shared by {@code ganscope intervene} and the workflow's intervene step.
 */
public final class ClassIntervention {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Random selections per n by default: enough for an empirical p-value down to 1/21. */
    public static final int DEFAULT_DRAWS = 20;
    /** Besides absolute n, the curve has n at these shares of the layer's units (rounded, at least 1). */
    public static final double[] SHARES = {0.04, 0.16};

    /**
     * @param samples images for the ablation curve
     * @param ns the n of the curve (those above the layer's unit count are dropped)
     * @param draws random selections per n
     * @param insertUnits how many top units are inserted
     * @param insertSamples images for the insertion (and, with another seed, for k)
     * @param region side of the square regions P, in layer pixels (0: a quarter of the layer)
     */
    public record Params(int samples, long seed, int[] ns, int draws, int insertUnits, int insertSamples, Insertion.KMode kMode,
            int region, int batch) {
        public static Params defaults(int samples, long seed) {
            return new Params(samples, seed, new int[] {1, 2, 5, 10, 20, 50}, DEFAULT_DRAWS, 20, Math.min(samples, 100), Insertion.KMode.MEAN, 0, 16);
        }

        /** A stable text form for content-addressed keys. */
        public String key() {
            return String.format(Locale.ROOT, "samples=%d;seed=%d;images=held-out;ns=%s;shares=%s;draws=%d;insert=%d;insertSamples=%d;k=%s;region=%d",
                    samples, seed, Arrays.toString(ns), Arrays.toString(SHARES), draws, insertUnits, insertSamples, kMode, region);
        }
    }

    private ClassIntervention() {
    }

    /**
     * The first image seed {@code e >= base + 2} such that none of the seeds the causal tests
     * draw images from ({@code e} ablation, {@code e+1} insertion constants, {@code e+2}
     * insertion) is one the dissection used: held-out images for every causal number.
     */
    static long evaluationSeed(long base, long[] used) {
        long e = base + 2;
        while (true) {
            boolean clash = false;
            for (long u : used) {
                clash |= u == e || u == e + 1 || u == e + 2;
            }
            if (!clash) {
                return e;
            }
            e++;
        }
    }

    /** The n of the curve: the given ones within 1..units and the {@link #SHARES} of the units, ascending, distinct. */
    static int[] curveNs(int[] given, int units) {
        IntStream shares = Arrays.stream(SHARES).mapToInt(s -> (int) Math.max(1, Math.round(s * units)));
        return IntStream.concat(Arrays.stream(given), shares).filter(n -> n >= 1 && n <= units).sorted().distinct()
                .toArray();
    }

    public static ObjectNode run(Bundle b, ClassIou c, Params p) {
        return run(b, c, p, Progress.NONE);
    }

    /**
     * As above, reporting three phases to {@code progress}: the ablation curve (edited
     * images), the insertion constants (images) and the insertion (regions).
     */
    public static ObjectNode run(Bundle b, ClassIou c, Params p, Progress progress) {
        String layer = c.layer();
        int units = c.iou().length;
        int[] ns = curveNs(p.ns(), units);
        int region = p.region() > 0 ? p.region() : Math.max(1, b.layer(layer).height() / 4);
        ObjectNode root = JSON.createObjectNode();
        root.put("layer", layer).put("class", c.concept().name()).put("class_index", c.concept().index());
        try (LayerModel m = new LayerModel(b, layer, p.batch())) {
            long t0 = System.nanoTime();
            long eval = evaluationSeed(p.seed(), c.dissectionSeeds());
            AblationCurve.Result curve = AblationCurve.run(m, c.concept().index(), c.iou(), ns, p.samples(), eval, p.draws(), p.seed() + 1,
                    progress);
            ObjectNode ab = root.putObject("ablation");
            ab.put("samples", p.samples()).put("seed", eval).put("random_draws", p.draws()).put("random_seed", p.seed() + 1)
                    .put("images_with_class", curve.imagesWithClass()).put("class_pixels", curve.classPixels())
                    .put("seconds", (System.nanoTime() - t0) / 1e9);
            ArrayNode pts = ab.putArray("points");
            for (AblationCurve.Point pt : curve.points()) {
                ObjectNode o = pts.addObject().put("n", pt.n()).put("top_removed", pt.topRemoved())
                        .put("random_mean", pt.randomMean()).put("random_std", pt.randomStd())
                        .put("share", (double) pt.n() / units).put("p_value", pt.pValue());
                ArrayNode d = o.putArray("random_draws");
                for (double v : pt.randomDraws()) {
                    d.add(v);
                }
            }
            int[] top = UnitRanking.top(c.iou(), Math.min(p.insertUnits(), units));
            t0 = System.nanoTime();
            float[] k = Insertion.constants(m, c.concept().index(), top, p.insertSamples(), eval + 1, p.kMode(), progress);
            Insertion.Result ins = Insertion.run(m, c.concept().index(), top, k, p.insertSamples(), eval + 2, region, progress);
            ObjectNode io = root.putObject("insertion");
            io.put("units", top.length).put("k_seed", eval + 1).put("seed", eval + 2).put("k_mode", p.kMode().name().toLowerCase(Locale.ROOT)).put("region", region)
                    .put("samples", p.insertSamples()).put("regions", ins.regions()).put("effect", ins.insertEffect()).put("ace", ins.ace())
                    .put("seconds", (System.nanoTime() - t0) / 1e9);
            ArrayNode un = io.putArray("unit_indices");
            ArrayNode kv = io.putArray("k");
            for (int j = 0; j < top.length; j++) {
                un.add(top[j]);
                kv.add(k[j]);
            }
            ArrayNode ctx = io.putArray("by_context");
            for (Insertion.ContextRow row : ins.byContext()) {
                ctx.addObject().put("class_before", b.manifest().classes().get(row.classBefore()).name()).put("regions", row.regions())
                        .put("effect", row.meanInsertEffect()).put("ace", row.meanAce());
            }
        }
        return root;
    }
}
