package org.ganscope.analysis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.explain.BeamSearch;
import org.ganscope.analysis.explain.LayerExplainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ganscope explain --bundle DIR --layer L --out DIR [--samples N] [--beam 5] [--length 3] [--quantile 0.005]}:
 * a compositional explanation (formula of up to 3 concepts) of every unit; explain.json.
 * With {@code --dissect dissect.json} units are thresholded at that dissection's own
 * thresholds on its evaluation images (its seed, at most its samples), and the agreement of
 * the best single concept with its labels and the share of units whose best formula gains
 * at least 0.02 IoU are printed and written.
 */
@Command(name = "explain", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Compositional explanations (formulas of up to --length concepts) of every unit of a layer; explain.json.")
public final class ExplainCommand implements Callable<Integer> {
    @Option(names = "--bundle", required = true, paramLabel = "DIR", description = "the bundle directory")
    Path bundle;
    @Option(names = "--layer", required = true, paramLabel = "L", description = "the layer explained")
    String layer;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output directory")
    Path out;
    @Option(names = "--samples", paramLabel = "N", description = "images (default 500; with --dissect at most the dissection's)")
    Integer samples;
    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "seed of the images (default ${DEFAULT-VALUE}; with --dissect the dissection's)")
    long seed;
    @Option(names = "--beam", defaultValue = "5", paramLabel = "B", description = "beam width (default ${DEFAULT-VALUE})")
    int beam;
    @Option(names = "--length", defaultValue = "3", paramLabel = "L", description = "longest formula (default ${DEFAULT-VALUE})")
    int length;
    @Option(names = "--quantile", defaultValue = "0.005", paramLabel = "Q", description = "unit thresholds without --dissect: top share (default ${DEFAULT-VALUE})")
    double quantile;
    @Option(names = "--dissect", paramLabel = "dissect.json", description = "threshold units at this dissection's thresholds, on its images")
    Path dissect;

    @Override
    public Integer call() throws IOException {
        Bundle b = BundleLoader.load(bundle);
        b.layer(layer);
        int samples = Check.between("--samples", this.samples == null ? 500 : this.samples, 1, 100_000);
        int beam = Check.between("--beam", this.beam, 1, 100);
        int length = Check.between("--length", this.length, 1, 6);
        double q = Check.between("--quantile", quantile, 1e-9, 0.5);
        JsonNode dissection = dissect == null ? null : new ObjectMapper().readTree(dissect.toFile());
        long seed = this.seed;
        int[] labels = null;
        double[] thr = null;
        if (dissection != null) {
            if (!dissection.path("layer").path("name").asText().equals(layer) || !dissection.path("bundle").path("hash").asText().equals(b.hash())) {
                throw new UsageException("--dissect: " + dissect + " is a dissection of " + dissection.path("bundle").path("name").asText()
                        + " " + dissection.path("layer").path("name").asText() + ", not of " + b.name() + " " + layer);
            }
            seed = dissection.get("params").get("seed").asLong();
            int dissected = dissection.get("params").get("samples").asInt();
            samples = Math.min(this.samples == null ? dissected : samples, dissected);
            var units = dissection.get("units");
            thr = new double[units.size()];
            labels = new int[units.size()];
            for (int u = 0; u < thr.length; u++) {
                thr[u] = units.get(u).get("threshold").asDouble();
                labels[u] = units.get(u).get("label").asInt();
            }
        }
        long t0 = System.nanoTime();
        var progress = ConsoleProgress.forCommand("explain");
        LayerExplainer.Result r = thr == null ? LayerExplainer.explain(b, layer, samples, seed, q, beam, length, progress)
                : LayerExplainer.explainAt(b, layer, samples, seed, thr, beam, length, progress);
        double secs = (System.nanoTime() - t0) / 1e9;
        BeamSearch.Explanation[] e = r.units();
        int[] order = IntStream.range(0, e.length).boxed().sorted(Comparator.comparingDouble((Integer u) -> -e[u].iou()))
                .mapToInt(Integer::intValue).toArray();
        for (int i = 0; i < Math.min(15, order.length); i++) {
            int u = order[i];
            System.out.printf(Locale.ROOT, "  unit %3d  IoU %.3f (single %-10s %.3f, gain %+.3f)  %s%n", u, e[u].iou(),
                    e[u].bestSingle().render(r.conceptNames()), e[u].bestSingleIou(), e[u].gain(), e[u].formula().render(r.conceptNames()));
        }
        double meanGain = IntStream.range(0, e.length).mapToDouble(u -> e[u].gain()).average().orElse(0);
        System.out.printf(Locale.ROOT, "%s %s: %d units explained over %d samples in %.1f s; mean gain over the best single label %+.4f%n",
                b.name(), layer, e.length, samples, secs, meanGain);
        LayerExplainer.Agreement agreement = labels == null ? null : LayerExplainer.agreement(r, labels);
        if (agreement != null) {
            System.out.printf(Locale.ROOT, "at the dissection's thresholds (seed %d, first %d images): best single concept = dissection label for %d of %d"
                    + " units (%.1f%%); best formula gains >= %.2f IoU over the best single label for %d units (%.1f%%)%n", seed, samples,
                    agreement.agree(), agreement.units(), 100 * agreement.agreeShare(), LayerExplainer.MIN_GAIN, agreement.gained(),
                    100 * agreement.gainedShare());
        }
        Files.createDirectories(out);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("schema", "ganscope.explain/1").put("bundle", b.name()).put("bundle_hash", b.hash()).put("layer", layer)
                .put("samples", samples).put("beam", beam).put("max_length", length).put("quantile", q).put("seconds", secs);
        root.put("seed", seed).put("thresholds", thr == null ? "quantile" : "dissection");
        if (agreement != null) {
            root.put("label_agreement", agreement.agree()).put("label_agreement_share", agreement.agreeShare())
                    .put("compound_gain_min", LayerExplainer.MIN_GAIN).put("compound_gain_units", agreement.gained())
                    .put("compound_gain_share", agreement.gainedShare());
        }
        ArrayNode units = root.putArray("units");
        for (int u = 0; u < e.length; u++) {
            units.addObject().put("unit", u).put("formula", e[u].formula().render(r.conceptNames())).put("iou", e[u].iou())
                    .put("best_single", e[u].bestSingle().render(r.conceptNames())).put("best_single_iou", e[u].bestSingleIou())
                    .put("gain", e[u].gain()).put("threshold", r.thresholds()[u]).put("formula_code", e[u].formula().code());
            if (labels != null) {
                ((ObjectNode) units.get(u)).put("dissection_label", labels[u]);
            }
            ArrayNode ex = units.get(u).withArray("examples");
            for (long i : r.examples()[u]) {
                ex.add(i);
            }
        }
        json.writeValue(out.resolve("explain.json").toFile(), root);
        System.out.println("wrote " + out.resolve("explain.json"));
        return 0;
    }
}
