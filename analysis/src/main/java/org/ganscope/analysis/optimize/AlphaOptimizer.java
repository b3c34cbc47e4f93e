package org.ganscope.analysis.optimize;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.Progress;
import org.ganscope.analysis.ort.NativeGate;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.intervene.Region;
import org.ganscope.analysis.intervene.UnitRanking;
import org.ganscope.analysis.model.LayerModel;

/**
 * Gradient-based choice of the units of a class (METHOD.md step 5, as in the paper): a
 * continuous intervention alpha in [0,1]^U; at a region P, x_i = f(alpha k + (1-alpha) r)
 * and x_a = f((1-alpha) r); maximise delta = E[s_c(x_i)] - E[s_c(x_a)] inside P with an
 * L2 penalty: minimise -delta + lambda ||alpha||_2. alpha starts at IoU / max IoU; Adam;
 * clamped to [0,1] after every step. P is, per training image, the tile of the feature
 * grid holding most of the class (else a tile chosen by the sample index). Training and
 * held-out images come from different seeds. Deterministic: fixed data order, no
 * sampling inside the loop.
 */
public final class AlphaOptimizer {
    /** Parameters; {@code k} per unit (e.g. Insertion.constants). */
    public record Params(int classIndex, double[] iou, float[] k, int trainSamples, int heldOutSamples, long seed, int iterations,
            int batch, double learningRate, double lambda, int regionSize) {
    }

    /** delta per iteration, final alpha, and held-out delta of alpha vs the top-n-by-IoU units with n = round(||alpha||_1). */
    public record Result(double[] deltaCurve, double[] lossCurve, float[] alpha, double heldOutDelta, int baselineUnits,
            double baselineHeldOutDelta, double initialHeldOutDelta) {
    }

    private record Data(float[] r, float[] regionMask, float[] footprint, int n) {
    }

    private AlphaOptimizer() {
    }

    public static Result run(Bundle b, String layerName, Params p) {
        return run(b, layerName, p, Progress.NONE);
    }

    /**
     * As above, reporting three phases to {@code progress}: generating the training and
     * held-out images (images), the optimisation (steps) and the held-out evaluation of
     * alpha*, the initial alpha and the top-n units (images, three passes).
     */
    public static Result run(Bundle b, String layerName, Params p, Progress progress) {
        var layer = b.layer(layerName);
        int units = layer.units();
        if (p.iou().length != units || p.k().length != units) {
            throw new AnalysisException("IoU and k need one value per unit (" + units + ")");
        }
        if (p.iterations() < 1 || p.iterations() > 10_000 || p.batch() < 1 || p.batch() > 256) {
            throw new AnalysisException("iterations must be 1..10000 and batch 1..256");
        }
        Data train;
        Data held;
        progress.begin("training and held-out images", (long) p.trainSamples() + p.heldOutSamples(), "images");
        try (LayerModel m = new LayerModel(b, layerName, 16)) {
            train = data(m, p, p.seed(), p.trainSamples(), progress);
            held = data(m, p, p.seed() + 1, p.heldOutSamples(), progress);
        }
        progress.end();
        double max = Arrays.stream(p.iou()).max().orElse(0);
        float[] alpha = new float[units];
        for (int u = 0; u < units; u++) {
            alpha[u] = max > 0 ? (float) (p.iou()[u] / max) : 0.5f;
        }
        float[] init = alpha.clone();
        double[] mAdam = new double[units];
        double[] vAdam = new double[units];
        double[] deltas = new double[p.iterations()];
        double[] losses = new double[p.iterations()];
        try (TorchTail tail = new TorchTail(b, layerName); NDManager mgr = tail.manager().newSubManager()) {
            progress.begin("optimisation", p.iterations(), "steps");
            for (int it = 0; it < p.iterations(); it++) {
                int start = (it * p.batch()) % train.n();
                int bsz = Math.min(p.batch(), train.n() - start);
                try (NativeGate.Pass pass = NativeGate.enter("alpha optimisation step");
                     NDManager sub = mgr.newSubManager(); GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    NDArray a = sub.create(alpha, new Shape(1, units, 1, 1));
                    a.setRequiresGradient(true);
                    NDArray[] d = objective(sub, tail, train, start, bsz, a, p, layer.height(), layer.width(), true);
                    NDArray loss = d[0].neg().add(a.square().sum().add(1e-12f).sqrt().mul((float) p.lambda())); // float scalars: 0-dim float64 would promote
                    gc.backward(loss);
                    float[] g = a.getGradient().toFloatArray();
                    deltas[it] = d[0].getFloat();
                    losses[it] = loss.getFloat();
                    adam(alpha, g, mAdam, vAdam, it + 1, p.learningRate());
                }
                progress.advance(1);
            }
            progress.end();
            progress.begin("held-out evaluation", 3L * held.n(), "images");
            double heldDelta = evaluate(mgr, tail, held, alpha, p, layer.height(), layer.width(), progress);
            double initDelta = evaluate(mgr, tail, held, init, p, layer.height(), layer.width(), progress);
            double l1 = 0;
            for (float v : alpha) {
                l1 += v;
            }
            int n = (int) Math.max(1, Math.round(l1));
            float[] base = new float[units];
            for (int u : UnitRanking.top(p.iou(), n)) {
                base[u] = 1f;
            }
            double baseDelta = evaluate(mgr, tail, held, base, p, layer.height(), layer.width(), progress);
            progress.end();
            return new Result(deltas, losses, alpha, heldDelta, n, baseDelta, initDelta);
        }
    }

    /**
     * The training objective and its gradient on the first training batch, for checks
     * against finite differences. Holds the data and the TorchScript module.
     */
    static final class Probe implements AutoCloseable {
        private final Params p;
        private final Data data;
        private final TorchTail tail;
        private final int h;
        private final int w;

        Probe(Bundle b, String layerName, Params p) {
            this.p = p;
            var layer = b.layer(layerName);
            this.h = layer.height();
            this.w = layer.width();
            try (LayerModel m = new LayerModel(b, layerName, 16)) {
                data = data(m, p, p.seed(), p.trainSamples(), Progress.NONE);
            }
            tail = new TorchTail(b, layerName);
        }

        /** [loss, dloss/dalpha_0, ...]. */
        double[] lossAndGradient(float[] alpha) {
            try (NativeGate.Pass pass = NativeGate.enter("alpha gradient probe");
                 NDManager sub = tail.manager().newSubManager(); GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray a = sub.create(alpha, new Shape(1, alpha.length, 1, 1));
                a.setRequiresGradient(true);
                NDArray d = objective(sub, tail, data, 0, Math.min(p.batch(), data.n()), a, p, h, w, true)[0];
                NDArray loss = d.neg().add(a.square().sum().add(1e-12f).sqrt().mul((float) p.lambda()));
                gc.backward(loss);
                float[] g = a.getGradient().toFloatArray();
                double[] out = new double[g.length + 1];
                out[0] = loss.getFloat();
                for (int i = 0; i < g.length; i++) {
                    out[i + 1] = g[i];
                }
                return out;
            }
        }

        @Override
        public void close() {
            tail.close();
        }
    }

    /**
     * One Adam step on {@code alpha} (moments {@code m}, {@code v} in double, bias-corrected,
     * epsilon 1e-8 after the square root), then alpha clamped to [0, 1]. Hand-written on
     * purpose: DJL's {@code ai.djl.training.optimizer.Adam} (made for a Trainer's
     * {@code ParameterStore}) does not clamp, keeps its moments in float32 NDArrays made by
     * {@code weight.zerosLike()}, i.e. on the weight's manager (here the per-step sub-manager,
     * closed after every step), and folds the bias correction into the learning rate
     * ({@code lr sqrt(1-b2^t)/(1-b1^t)}, epsilon not bias-corrected), so alphas would differ.
     */
    static void adam(float[] alpha, float[] g, double[] m, double[] v, int t, double lr) {
        double b1 = 0.9;
        double b2 = 0.999;
        for (int u = 0; u < alpha.length; u++) {
            m[u] = b1 * m[u] + (1 - b1) * g[u];
            v[u] = b2 * v[u] + (1 - b2) * g[u] * g[u];
            double mh = m[u] / (1 - Math.pow(b1, t));
            double vh = v[u] / (1 - Math.pow(b2, t));
            double x = alpha[u] - lr * mh / (Math.sqrt(vh) + 1e-8);
            alpha[u] = (float) Math.max(0, Math.min(1, x));
        }
    }

    /** Held-out delta of a fixed alpha, in batches, no gradients. */
    private static double evaluate(NDManager mgr, TorchTail tail, Data d, float[] alpha, Params p, int h, int w, Progress progress) {
        double sum = 0;
        int batches = 0;
        for (int s = 0; s < d.n(); s += p.batch()) {
            int bsz = Math.min(p.batch(), d.n() - s);
            try (NativeGate.Pass pass = NativeGate.enter("alpha evaluation"); NDManager sub = mgr.newSubManager()) {
                NDArray a = sub.create(alpha, new Shape(1, alpha.length, 1, 1));
                sum += objective(sub, tail, d, s, bsz, a, p, h, w, false)[0].getFloat() * bsz;
                batches += bsz;
            }
            progress.advance(bsz);
        }
        return sum / batches;
    }

    /** delta = mean over the batch's regions of s_c(x_i) - s_c(x_a). */
    private static NDArray[] objective(NDManager sub, TorchTail tail, Data d, int start, int bsz, NDArray a, Params p, int h, int w,
            boolean training) {
        int units = a.size() > 0 ? (int) a.getShape().get(1) : 0;
        int plane = h * w;
        NDArray r = sub.create(Arrays.copyOfRange(d.r(), start * units * plane, (start + bsz) * units * plane), new Shape(bsz, units, h, w));
        NDArray mask = sub.create(Arrays.copyOfRange(d.regionMask(), start * plane, (start + bsz) * plane), new Shape(bsz, 1, h, w));
        int seg = d.footprint().length / d.n();
        int res = (int) Math.round(Math.sqrt(seg));
        NDArray fp = sub.create(Arrays.copyOfRange(d.footprint(), start * seg, (start + bsz) * seg), new Shape(bsz, res, res));
        NDArray k = sub.create(p.k(), new Shape(1, units, 1, 1));
        NDArray am = a.mul(mask);
        NDArray keep = am.neg().add(1f);
        NDArray ri = r.mul(keep).add(am.mul(k));
        NDArray ra = r.mul(keep);
        NDList out = tail.forward(new NDList(NDArrays.concat(new NDList(ri, ra), 0)), training);
        NDArray sc = out.get(1).get(new NDIndex(":, " + p.classIndex()));
        NDArray fpSum = fp.sum(new int[] {1, 2});
        NDArray si = sc.get(new NDIndex("0:" + bsz)).mul(fp).sum(new int[] {1, 2}).div(fpSum);
        NDArray sa = sc.get(new NDIndex(bsz + ":")).mul(fp).sum(new int[] {1, 2}).div(fpSum);
        return new NDArray[] {si.sub(sa).mean()};
    }

    /** r for samples [0, n) of seed, one region per sample (the tile with most class pixels), its mask and footprint. */
    private static Data data(LayerModel m, Params p, long seed, int n, Progress progress) {
        var layer = m.layer();
        int units = layer.units();
        int plane = layer.pixels();
        int seg = m.segPixels();
        int res = (int) Math.round(Math.sqrt(seg));
        List<Region> tiles = Region.tiles(layer.height(), layer.width(), p.regionSize());
        if (tiles.isEmpty()) {
            throw new AnalysisException("region size " + p.regionSize() + " does not fit the " + layer.height() + "x" + layer.width() + " grid");
        }
        List<int[]> footprints = new ArrayList<>();
        for (Region t : tiles) {
            footprints.add(t.footprint(layer.height(), layer.width(), res));
        }
        float[] r = new float[n * units * plane];
        float[] mask = new float[n * plane];
        float[] fp = new float[n * seg];
        for (int s = 0; s < n; s += m.maxBatch()) {
            int bsz = Math.min(m.maxBatch(), n - s);
            m.generate(seed, s, bsz);
            System.arraycopy(m.activations(), 0, r, s * units * plane, bsz * units * plane);
            int[] labels = m.labels();
            for (int i = 0; i < bsz; i++) {
                int best = (int) ((s + i) % tiles.size());
                int bestCount = 0;
                for (int t = 0; t < tiles.size(); t++) {
                    int c = 0;
                    for (int q : footprints.get(t)) {
                        if (labels[i * seg + q] == p.classIndex()) {
                            c++;
                        }
                    }
                    if (c > bestCount) {
                        bestCount = c;
                        best = t;
                    }
                }
                Region reg = tiles.get(best);
                for (int y = reg.y0(); y < reg.y0() + reg.height(); y++) {
                    for (int x = reg.x0(); x < reg.x0() + reg.width(); x++) {
                        mask[(s + i) * plane + y * layer.width() + x] = 1f;
                    }
                }
                for (int q : footprints.get(best)) {
                    fp[(s + i) * seg + q] = 1f;
                }
            }
            progress.advance(bsz);
        }
        return new Data(r, mask, fp, n);
    }
}
