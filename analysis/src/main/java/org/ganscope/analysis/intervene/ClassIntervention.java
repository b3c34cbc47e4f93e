package org.ganscope.analysis.intervene;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Locale;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.model.LayerModel;

/**
 * The causal tests of one class in one layer (METHOD step 4), as JSON: the ablation curve
 * (top-n units by IoU vs n random units, several draws) and the insertion of the class's
 * top units into every region of every image, with the effect by the class that was there.
 * Shared by {@code ganscope intervene} and the workflow's intervene step.
 */
public final class ClassIntervention {
    private static final ObjectMapper JSON = new ObjectMapper();

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
            return new Params(samples, seed, new int[] {1, 2, 5, 10, 20, 50}, 5, 20, Math.min(samples, 100), Insertion.KMode.MEAN, 0, 16);
        }

        /** A stable text form for content-addressed keys. */
        public String key() {
            return String.format(Locale.ROOT, "samples=%d;seed=%d;ns=%s;draws=%d;insert=%d;insertSamples=%d;k=%s;region=%d", samples, seed,
                    Arrays.toString(ns), draws, insertUnits, insertSamples, kMode, region);
        }
    }

    private ClassIntervention() {
    }

    public static ObjectNode run(Bundle b, ClassIou c, Params p) {
        String layer = c.layer();
        int units = c.iou().length;
        int[] ns = Arrays.stream(p.ns()).filter(n -> n >= 1 && n <= units).toArray();
        int region = p.region() > 0 ? p.region() : Math.max(1, b.layer(layer).height() / 4);
        ObjectNode root = JSON.createObjectNode();
        root.put("layer", layer).put("class", c.concept().name()).put("class_index", c.concept().index());
        try (LayerModel m = new LayerModel(b, layer, p.batch())) {
            long t0 = System.nanoTime();
            AblationCurve.Result curve = AblationCurve.run(m, c.concept().index(), c.iou(), ns, p.samples(), p.seed(), p.draws(), p.seed() + 1);
            ObjectNode ab = root.putObject("ablation");
            ab.put("samples", p.samples()).put("seed", p.seed()).put("random_draws", p.draws())
                    .put("images_with_class", curve.imagesWithClass()).put("class_pixels", curve.classPixels())
                    .put("seconds", (System.nanoTime() - t0) / 1e9);
            ArrayNode pts = ab.putArray("points");
            for (AblationCurve.Point pt : curve.points()) {
                ObjectNode o = pts.addObject().put("n", pt.n()).put("top_removed", pt.topRemoved())
                        .put("random_mean", pt.randomMean()).put("random_std", pt.randomStd());
                ArrayNode d = o.putArray("random_draws");
                for (double v : pt.randomDraws()) {
                    d.add(v);
                }
            }
            int[] top = UnitRanking.top(c.iou(), Math.min(p.insertUnits(), units));
            t0 = System.nanoTime();
            float[] k = Insertion.constants(m, c.concept().index(), top, p.insertSamples(), p.seed() + 2, p.kMode());
            Insertion.Result ins = Insertion.run(m, c.concept().index(), top, k, p.insertSamples(), p.seed() + 3, region);
            ObjectNode io = root.putObject("insertion");
            io.put("units", top.length).put("k_mode", p.kMode().name().toLowerCase(Locale.ROOT)).put("region", region)
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
