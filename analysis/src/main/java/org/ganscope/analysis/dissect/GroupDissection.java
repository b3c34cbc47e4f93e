package org.ganscope.analysis.dissect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ganscope.analysis.Progress;
import org.ganscope.analysis.bundle.Manifest;
import org.ganscope.analysis.model.LayerModel;

/**
 * A layer's units against every concept group of a schema 2 bundle, at given unit
 * thresholds (the dissection's own, so the main group's IoUs are the dissection's): per
 * group and unit the class of highest IoU (SPEC's IoU over the data set, {@link Scores#iou};
 * ties to the lower class; class 0, the group's "nothing", never wins) and that IoU; the
 * overall label is the best of all groups. Counted with {@link EvalShard}'s exact kernel on
 * each group's label maps, in one pass over the images.
 *
 * <p>Beside the bundle's groups, every dissection has the derived concept
 * {@link #UNREALISTIC}: pixels the segmenter cannot label with confidence (largest main
 * probability below {@link #CONFIDENCE}), so units that draw what the segmenter cannot
 * recognise (artifacts) are found like any concept. It is reported as its own group and
 * takes no part in the overall label.
 */
public record GroupDissection(List<Group> groups, int[] overallGroup, int[] overallLabel, double[] overallIou, Group unrealistic) {
    /** The derived concept's group name and its class (class 0: "realistic"). */
    public static final String UNREALISTIC = "unrealistic";
    /** A pixel is unrealistic when the segmenter's largest main-group probability is below this. */
    public static final float CONFIDENCE = 0.5f;

    /** One group's result: {@code label[u]} a class index of the group (0: no class overlaps the unit), {@code iou[u]}. */
    public record Group(String name, List<String> classes, int[] label, double[] iou) {
    }

    public static GroupDissection run(LayerModel model, double[] thresholds, long seed, int samples, int batch, Progress progress) {
        List<Manifest.ConceptGroup> groups = model.groups();
        var layer = model.layer();
        int res = (int) Math.round(Math.sqrt(model.segPixels()));
        EvalShard.Kernel kernel = new EvalShard.Kernel(layer.height(), layer.width(), res);
        EvalShard[] shards = new EvalShard[groups.size() + 1];
        for (int g = 0; g < groups.size(); g++) {
            shards[g] = new EvalShard(thresholds, groups.get(g).numClasses(), 1);
        }
        shards[groups.size()] = new EvalShard(thresholds, 2, 1);
        progress.begin("concept groups", samples, "img");
        for (long s = 0; s < samples; s += batch) {
            int b = (int) Math.min(batch, samples - s);
            model.generate(seed, s, b);
            float[] r = model.activations();
            EvalShard.checkFinite(r, b * layer.units() * layer.pixels(), seed, s);
            for (int g = 0; g < groups.size(); g++) {
                shards[g].add(kernel, r, model.groupLabels(g), b, s);
            }
            shards[groups.size()].add(kernel, r, model.unrealistic(CONFIDENCE), b, s);
            progress.advance(b);
        }
        progress.end();
        int units = thresholds.length;
        List<Group> out = new ArrayList<>();
        int[] bestGroup = new int[units];
        int[] bestLabel = new int[units];
        double[] bestIou = new double[units];
        Arrays.fill(bestIou, -1);
        for (int g = 0; g < groups.size(); g++) {
            Manifest.ConceptGroup group = groups.get(g);
            Group result = best(shards[g], group.name(), group.classes().stream().map(Manifest.ConceptClass::name).toList());
            for (int u = 0; u < units; u++) {
                if (result.iou()[u] > bestIou[u]) {
                    bestIou[u] = result.iou()[u];
                    bestGroup[u] = g;
                    bestLabel[u] = result.label()[u];
                }
            }
            out.add(result);
        }
        Group unrealistic = best(shards[groups.size()], UNREALISTIC, List.of("realistic", UNREALISTIC));
        return new GroupDissection(List.copyOf(out), bestGroup, bestLabel, bestIou, unrealistic);
    }

    /** Per unit the class (1..C-1) of highest IoU of a group's counts; 0 with IoU 0 when none overlaps. */
    private static Group best(EvalShard shard, String name, List<String> classes) {
        ThresholdTally t = shard.tally();
        long[] classPixels = shard.classPixels();
        int units = t.units();
        int[] label = new int[units];
        double[] iou = new double[units];
        for (int u = 0; u < units; u++) {
            long area = 0;
            for (int c = 0; c < classes.size(); c++) {
                area += t.intersection(u, c);
            }
            for (int c = 1; c < classes.size(); c++) {
                double v = Scores.iou(area, classPixels[c], t.intersection(u, c));
                if (v > iou[u]) {
                    iou[u] = v;
                    label[u] = c;
                }
            }
        }
        return new Group(name, classes, label, iou);
    }

    /** The overall label of unit {@code u} as {@code group:class} ({@code class} alone for the main group). */
    public String overallName(int u) {
        Group g = groups.get(overallGroup[u]);
        String c = g.classes().get(overallLabel[u]);
        return overallGroup[u] == 0 ? c : g.name() + ":" + c;
    }
}
