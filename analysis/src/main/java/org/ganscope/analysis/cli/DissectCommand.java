package org.ganscope.analysis.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.dissect.BenjaminiHochberg;
import org.ganscope.analysis.dissect.DissectHtml;
import org.ganscope.analysis.dissect.DissectJson;
import org.ganscope.analysis.dissect.GroupDissection;
import org.ganscope.analysis.dissect.DissectParams;
import org.ganscope.analysis.dissect.LayerDissection;
import org.ganscope.analysis.dissect.LayerDissector;
import org.ganscope.analysis.dissect.UnitImages;
import org.ganscope.analysis.model.LayerModel;
import org.ganscope.analysis.dissect.UnitControls;
import org.ganscope.analysis.ort.OrtRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ganscope dissect --bundle DIR --layer L --samples N --seed S --out DIR}: dissects
 * one layer of a bundle and writes dissect.json (schema in {@link DissectJson}), a static
 * report.html and units/unit_NNNN.png image strips for the best units.
 */
@Command(name = "dissect", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Dissect one layer of a bundle: dissect.json, report.html and image strips of the best units.")
public final class DissectCommand implements Callable<Integer> {
    @Option(names = "--bundle", required = true, paramLabel = "DIR", description = "the bundle directory")
    Path bundle;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output directory")
    Path out;
    @Option(names = "--shards", defaultValue = "1", description = "shards of the evaluation set (merged exactly; default ${DEFAULT-VALUE})")
    int shards;
    @Option(names = "--images", defaultValue = "64", description = "image strips of the best units (default ${DEFAULT-VALUE})")
    int images;
    @Mixin
    Params params;

    /** The dissection's parameters, shared with the commands that dissect on the way. */
    static final class Params {
        @Option(names = "--layer", required = true, paramLabel = "L", description = "the layer to dissect")
        String layer;
        @Option(names = "--samples", defaultValue = "1000", paramLabel = "N", description = "evaluation images (default ${DEFAULT-VALUE})")
        int samples;
        @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "seed of the evaluation images (default ${DEFAULT-VALUE})")
        long seed;
        @Option(names = "--method", defaultValue = "iqr", paramLabel = "iqr|quantile", description = "unit thresholds (default ${DEFAULT-VALUE})")
        String method;
        @Option(names = "--quantile", defaultValue = "0.01", paramLabel = "Q", description = "quantile mode: top share of activations (default ${DEFAULT-VALUE})")
        double quantile;
        @Option(names = "--threshold-samples", paramLabel = "N", description = "images of the threshold pass (default: the engine's)")
        Integer thresholdSamples;
        @Option(names = "--threshold-seed", paramLabel = "S", description = "seed of the threshold images (default: seed + 1)")
        Long thresholdSeed;
        @Option(names = "--top-k", paramLabel = "K", description = "top images kept per unit (default: the engine's)")
        Integer topK;
        @Option(names = "--batch", paramLabel = "B", description = "inference batch (default: the engine's)")
        Integer batch;

        DissectParams build() {
            DissectParams p = DissectParams.defaults(layer, Check.between("--samples", samples, 1, DissectParams.MAX_SAMPLES), seed);
            p = p.withMethod(Check.method(method), Check.between("--quantile", quantile, Double.MIN_VALUE, 1 - 1e-12));
            p = p.withThresholdSet(Check.between("--threshold-samples", thresholdSamples == null ? p.thresholdSamples() : thresholdSamples, 1,
                    DissectParams.MAX_THRESHOLD_SAMPLES), thresholdSeed == null ? seed + 1 : thresholdSeed);
            p = p.withTopK(Check.between("--top-k", topK == null ? p.topK() : topK, 1, 100));
            return p.withBatch(Check.between("--batch", batch == null ? p.batch() : batch, 1, 512));
        }
    }

    @Option(names = "--concept-groups", description = "also label every unit per concept group and against the unrealistic regions "
            + "(concept_groups.json; one more pass over the evaluation images; always on for schema 2 bundles)")
    boolean conceptGroups;

    @Override
    public Integer call() throws IOException {
        DissectParams p = params.build();
        Check.between("--shards", shards, 1, Integer.MAX_VALUE);
        Check.between("--images", images, 0, 100_000);
        Bundle b = BundleLoader.load(bundle);
        b.layer(p.layer());
        System.out.println(OrtRuntime.get().describe());
        long t0 = System.nanoTime();
        LayerDissection d = LayerDissector.dissect(b, p, shards, done -> {
        }, ConsoleProgress.forCommand("dissect"));
        double secs = (System.nanoTime() - t0) / 1e9;
        write(d, b, out, images);
        System.out.printf(Locale.ROOT, "%s %s: %d units, %d samples in %.1f s (%.1f images/s incl. threshold pass)%n",
                b.name(), p.layer(), d.units(), d.images(), secs, (d.images() + p.thresholdSamples()) / secs);
        countLines(d).forEach(System.out::println);
        if (conceptGroups || b.manifest().groups().size() > 1) {
            writeGroups(b, d, p, out);
        }
        System.out.println("wrote " + out.resolve("dissect.json") + " and " + out.resolve("report.html"));
        return 0;
    }

    /**
     * Every unit against every concept group of the bundle (schema 1: the main group) and the
     * derived "unrealistic" concept, at the dissection's thresholds on its evaluation images;
     * concept_groups.json holds per group and unit the best class and its IoU, the overall label
     * (the best of the bundle's groups) and the IoU with the unrealistic regions.
     */
    static void writeGroups(Bundle b, LayerDissection d, DissectParams p, Path out) throws IOException {
        GroupDissection g;
        try (LayerModel m = new LayerModel(b, p.layer(), p.batch())) {
            g = GroupDissection.run(m, d.report().thresholds(), p.seed(), p.samples(), p.batch(), ConsoleProgress.forCommand("dissect"));
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("schema", "ganscope.concept-groups/1");
        root.put("bundle", b.name());
        root.put("bundle_hash", b.hash());
        root.put("layer", p.layer());
        root.put("samples", p.samples());
        root.put("seed", p.seed());
        root.put("iou_rule", "per group, the class of highest IoU at the dissection's unit thresholds; overall: the best of all groups");
        root.put("unrealistic_rule", "pixels whose largest main-group segmenter probability is below " + GroupDissection.CONFIDENCE);
        ArrayNode units = root.putArray("units");
        for (int u = 0; u < d.units(); u++) {
            ObjectNode un = units.addObject();
            un.put("unit", u);
            un.put("overall", g.overallName(u));
            un.put("overall_iou", g.overallIou()[u]);
            for (GroupDissection.Group gr : g.groups()) {
                ObjectNode o = un.putObject(gr.name());
                o.put("label", gr.classes().get(gr.label()[u]));
                o.put("iou", gr.iou()[u]);
            }
            un.put("unrealistic_iou", g.unrealistic().iou()[u]);
        }
        json.writerWithDefaultPrettyPrinter().writeValue(out.resolve("concept_groups.json").toFile(), root);
        StringBuilder line = new StringBuilder("  concept groups (units whose best class has IoU > 0.05):");
        for (GroupDissection.Group gr : g.groups()) {
            long n = Arrays.stream(gr.iou()).filter(v -> v > 0.05).count();
            line.append(' ').append(gr.name()).append(' ').append(n);
        }
        long[] won = new long[g.groups().size()];
        for (int u = 0; u < d.units(); u++) {
            won[g.overallGroup()[u]]++;
        }
        line.append("; overall label from");
        for (int k = 0; k < won.length; k++) {
            line.append(' ').append(g.groups().get(k).name()).append(' ').append(won[k]);
        }
        double[] unreal = g.unrealistic().iou();
        String top = IntStream.range(0, unreal.length).boxed().sorted(Comparator.comparingDouble((Integer u) -> -unreal[u]).thenComparingInt(u -> u))
                .limit(5).map(u -> u + String.format(Locale.ROOT, " (%.3f)", unreal[u])).reduce((x, y) -> x + ", " + y).orElse("");
        line.append("; units most on unrealistic regions (IoU): ").append(top);
        System.out.println(line.append("; wrote ").append(out.resolve("concept_groups.json")));
    }

    /**
     * The counts as printed: the controlled count first (docs/CONTROLS.md), the SPEC count one
     * line below as "without control", the decision step by step, per class (controlled /
     * without control) and the top-1% rule. Without controls only the SPEC count, so named.
     */
    static List<String> countLines(LayerDissection d) {
        List<String> out = new java.util.ArrayList<>();
        var c = d.controls();
        int n = d.report().nInterpretable();
        if (c == null) {
            out.add(String.format(Locale.ROOT, "  Interpretable units without control (no controls counted): %d of %d %s", n, d.units(),
                    d.interpretableByCategory()));
            return out;
        }
        double[] all = c.countInterval().get(UnitControls.TOTAL);
        double[] ctl = c.controlledCountInterval().get(UnitControls.TOTAL);
        out.add(String.format(Locale.ROOT, "  Interpretable units (controlled): %d of %d %s, 95%% bootstrap interval %.0f-%.0f",
                c.controlledTotal(), d.units(), d.controlledByCategory(), ctl[0], ctl[1]));
        out.add(String.format(Locale.ROOT, "  without control (SPEC: IQR > 0.01, IoU > 0.05): %d of %d %s, 95%% bootstrap interval %.0f-%.0f",
                n, d.units(), d.interpretableByCategory(), all[0], all[1]));
        int[] f = c.funnel(d.report());
        double[][] fi = c.funnelInterval();
        out.add(String.format(Locale.ROOT, "  the decision: %d [%.0f-%.0f] pass the SPEC rule -> %d [%.0f-%.0f] of them beat their location"
                + " baseline at p <= %.2f uncorrected -> %d [%.0f-%.0f] after Benjamini-Hochberg at q = %.2f over %d units -> %d [%.0f-%.0f]"
                + " with the minimum effect (lift >= %.2f, IoU >= %.0fx null IoU) = the controlled count (95%% bootstrap intervals)",
                f[0], fi[0][0], fi[0][1], f[1], fi[1][0], fi[1][1], BenjaminiHochberg.Q, f[2], fi[2][0], fi[2][1], BenjaminiHochberg.Q,
                d.units(), f[3], fi[3][0], fi[3][1], UnitControls.MIN_LIFT, UnitControls.NULL_RATIO));
        Map<String, Integer> byClass = d.interpretableByClass();
        Map<String, Integer> ctlClass = d.controlledByClass();
        if (!byClass.isEmpty()) {
            StringBuilder line = new StringBuilder("  by class (controlled / without control):");
            for (var e : byClass.entrySet()) {
                line.append(' ').append(e.getKey()).append(' ').append(ctlClass.getOrDefault(e.getKey(), 0)).append('/').append(e.getValue());
            }
            out.add(line.toString());
        }
        out.add(String.format(Locale.ROOT, "  top-1%% quantile rule (without control): %d %s", c.topRuleTotal(), withoutTotal(c.topRuleByCategory())));
        return out;
    }

    private static Map<String, Integer> withoutTotal(Map<String, Integer> m) {
        Map<String, Integer> out = new LinkedHashMap<>(m);
        out.remove(UnitControls.TOTAL);
        return out;
    }

    static void write(LayerDissection d, Bundle b, Path out, int images) throws IOException {
        try {
            Files.createDirectories(out.resolve("units"));
        } catch (IOException e) {
            throw new AnalysisException("cannot create output directory " + out + ": " + e.getMessage());
        }
        DissectJson.write(d, out.resolve("dissect.json"));
        var r = d.report();
        Set<Integer> imaged = new LinkedHashSet<>();
        IntStream.range(0, d.units()).boxed()
                .sorted(Comparator.comparingDouble((Integer u) -> -r.bestIou()[u]).thenComparingInt(u -> u))
                .limit(images).forEach(imaged::add);
        if (!imaged.isEmpty()) {
            try (LayerModel m = new LayerModel(b, d.layer().name(), 1)) {
                for (int u : imaged) {
                    var img = UnitImages.strip(m, d.params().seed(), d.topK().indices(u), u, r.thresholds()[u], 1);
                    ImageIO.write(img, "png", out.resolve(String.format(Locale.ROOT, "units/unit_%04d.png", u)).toFile());
                }
            }
        }
        DissectHtml.write(d, imaged, out.resolve("report.html"));
    }
}
