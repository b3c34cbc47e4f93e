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
 */
public record GroupDissection(List<Group> groups, int[] overallGroup, int[] overallLabel, double[] overallIou) {

    /** One group's result: {@code label[u]} a class index of the group (0: no class overlaps the unit), {@code iou[u]}. */
    public record Group(String name, List<String> classes, int[] label, double[] iou) {
    }

    public static GroupDissection run(LayerModel model, double[] thresholds, long seed, int samples, int batch, Progress progress) {
        List<Manifest.ConceptGroup> groups = model.groups();
        var layer = model.layer();
        int res = (int) Math.round(Math.sqrt(model.segPixels()));
        EvalShard.Kernel kernel = new EvalShard.Kernel(layer.height(), layer.width(), res);
        EvalShard[] shards = new EvalShard[groups.size()];
        for (int g = 0; g < groups.size(); g++) {
            shards[g] = new EvalShard(thresholds, groups.get(g).numClasses(), 1);
        }
        progress.begin("concept groups", samples, "img");
        for (long s = 0; s < samples; s += batch) {
            int b = (int) Math.min(batch, samples - s);
            model.generate(seed, s, b);
            float[] r = model.activations();
            EvalShard.checkFinite(r, b * layer.units() * layer.pixels(), seed, s);
            for (int g = 0; g < groups.size(); g++) {
                shards[g].add(kernel, r, model.groupLabels(g), b, s);
            }
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
            ThresholdTally t = shards[g].tally();
            long[] classPixels = shards[g].classPixels();
            int[] label = new int[units];
            double[] iou = new double[units];
            for (int u = 0; u < units; u++) {
                long area = 0;
                for (int c = 0; c < group.numClasses(); c++) {
                    area += t.intersection(u, c);
                }
                for (int c = 1; c < group.numClasses(); c++) {
                    double v = Scores.iou(area, classPixels[c], t.intersection(u, c));
                    if (v > iou[u]) {
                        iou[u] = v;
                        label[u] = c;
                    }
                }
                if (iou[u] > bestIou[u]) {
                    bestIou[u] = iou[u];
                    bestGroup[u] = g;
                    bestLabel[u] = label[u];
                }
            }
            out.add(new Group(group.name(), group.classes().stream().map(Manifest.ConceptClass::name).toList(), label, iou));
        }
        return new GroupDissection(List.copyOf(out), bestGroup, bestLabel, bestIou);
    }

    /** The overall label of unit {@code u} as {@code group:class} ({@code class} alone for the main group). */
    public String overallName(int u) {
        Group g = groups.get(overallGroup[u]);
        String c = g.classes().get(overallLabel[u]);
        return overallGroup[u] == 0 ? c : g.name() + ":" + c;
    }
}
