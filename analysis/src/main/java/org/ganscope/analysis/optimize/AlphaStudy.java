package org.ganscope.analysis.optimize;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.stream.IntStream;
import org.ganscope.analysis.Progress;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.intervene.ClassIou;
import org.ganscope.analysis.intervene.Insertion;
import org.ganscope.analysis.intervene.UnitRanking;
import org.ganscope.analysis.model.LayerModel;

/**
 * METHOD step 5 as JSON: insertion constants for every unit of the layer, the
 * gradient-based alpha optimisation (objective per iteration, final alpha) and the held-out
 * causal effect of alpha* against the top-n units by IoU with the same total alpha. Shared by
 * {@code ganscope optimize-alpha} and the workflow's optimize step.
 */
public final class AlphaStudy {
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Params(int trainSamples, int heldOutSamples, long seed, int iterations, int batch, double lr, double lambda, int region) {
        public static Params defaults(int samples, long seed) {
            return new Params(Math.min(samples, 64), Math.min(samples, 64), seed, 60, 8, 0.05, 0.01, 0);
        }

        public String key() {
            return "train=" + trainSamples + ";heldOut=" + heldOutSamples + ";seed=" + seed + ";it=" + iterations + ";batch=" + batch
                    + ";lr=" + lr + ";lambda=" + lambda + ";region=" + region;
        }
    }

    private AlphaStudy() {
    }

    public static ObjectNode run(Bundle b, ClassIou c, Params p) {
        return run(b, c, p, Progress.NONE);
    }

    /**
     * As above, reporting to {@code progress} the insertion constants (images) and then the
     * optimiser's phases ({@link AlphaOptimizer#run(Bundle, String, AlphaOptimizer.Params, Progress)}).
     */
    public static ObjectNode run(Bundle b, ClassIou c, Params p, Progress progress) {
        var layer = b.layer(c.layer());
        float[] k;
        try (LayerModel m = new LayerModel(b, c.layer(), 16)) {
            k = Insertion.constants(m, c.concept().index(), IntStream.range(0, layer.units()).toArray(), p.trainSamples(), p.seed() + 5,
                    Insertion.KMode.MEAN, progress);
        }
        int region = p.region() > 0 ? p.region() : Math.max(1, layer.height() / 4);
        AlphaOptimizer.Params ap = new AlphaOptimizer.Params(c.concept().index(), c.iou(), k, p.trainSamples(), p.heldOutSamples(), p.seed(),
                p.iterations(), p.batch(), p.lr(), p.lambda(), region);
        long t0 = System.nanoTime();
        AlphaOptimizer.Result r = AlphaOptimizer.run(b, c.layer(), ap, progress);
        double secs = (System.nanoTime() - t0) / 1e9;
        double l1 = 0;
        for (float v : r.alpha()) {
            l1 += v;
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("schema", "ganscope.alpha/1").put("bundle", b.name()).put("bundle_hash", b.hash()).put("layer", c.layer())
                .put("class", c.concept().name()).put("iterations", r.deltaCurve().length).put("lambda", p.lambda())
                .put("learning_rate", p.lr()).put("seconds", secs).put("alpha_l1", l1).put("held_out_delta", r.heldOutDelta())
                .put("initial_held_out_delta", r.initialHeldOutDelta()).put("baseline_units", r.baselineUnits())
                .put("baseline_held_out_delta", r.baselineHeldOutDelta());
        ArrayNode curve = root.putArray("delta_curve");
        for (double v : r.deltaCurve()) {
            curve.add(v);
        }
        ArrayNode loss = root.putArray("loss_curve");
        for (double v : r.lossCurve()) {
            loss.add(v);
        }
        ArrayNode al = root.putArray("alpha");
        double[] alpha = new double[r.alpha().length];
        for (int i = 0; i < alpha.length; i++) {
            al.add(r.alpha()[i]);
            alpha[i] = r.alpha()[i];
        }
        ArrayNode top = root.putArray("top_units_by_alpha");
        for (int u : UnitRanking.byIou(alpha)) {
            if (top.size() >= 20) {
                break;
            }
            top.add(u);
        }
        return root;
    }
}
