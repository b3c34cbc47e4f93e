package org.ganscope.analysis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.explain.BeamSearch;
import org.ganscope.analysis.explain.Formula;
import org.ganscope.analysis.explain.HeldOut;
import org.ganscope.analysis.explain.LayerExplainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ganscope explain --bundle DIR --layer L --out DIR [--samples N] [--beam 5] [--length 3] [--quantile 0.005]}:
 * a compositional explanation (formula of up to 3 concepts) of every unit; explain.json.
 * Formulas are searched on the even samples and judged on the odd ones ({@link HeldOut}):
 * per unit the search and held-out IoUs and the held-out gain over the best single concept,
 * and the share of units whose held-out gain is at least 0.02 with a bootstrap interval over
 * the held-out images are printed and written, with how many formulas use AND, AND NOT, OR.
 * With {@code --dissect dissect.json} units are thresholded at that dissection's own
 * thresholds on its evaluation images (its seed, at most its samples), and the agreement of
 * the best single concept with its labels is printed and written.
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
        int samples = Check.between("--samples", this.samples == null ? 500 : this.samples, 2, 100_000);
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
        HeldOut.Score[] h = r.heldOut();
        HeldOut.Summary sum = r.summary();
        // most compositional on the held-out images first
        int[] order = IntStream.range(0, e.length).boxed().sorted(Comparator.comparingDouble((Integer u) -> -h[u].gain()))
                .mapToInt(Integer::intValue).toArray();
        for (int i = 0; i < Math.min(15, order.length); i++) {
            int u = order[i];
            System.out.printf(Locale.ROOT, "  unit %3d  held-out IoU %.3f (single %-18s %.3f, gain %+.3f)  search IoU %.3f (gain %+.3f)  %s%n", u,
                    h[u].iou(), e[u].bestSingle().render(r.conceptNames()), h[u].singleIou(), h[u].gain(), e[u].iou(), e[u].searchGain(),
                    e[u].formula().render(r.conceptNames()));
        }
        System.out.printf(Locale.ROOT, "%s %s: %d units explained in %.1f s; formulas searched on %d samples, judged on %d held out (%s)%n",
                b.name(), layer, e.length, secs, r.searchSamples().length, r.heldOutSamples().length, HeldOut.RULE);
        System.out.printf(Locale.ROOT, "held-out gain >= %.2f: %d of %d units (%.1f%%, 95%% interval %s-%s units = %.1f%%-%.1f%%, Poisson bootstrap"
                + " over the %d held-out images, %d replicates); mean held-out gain %+.4f%n", HeldOut.MIN_GAIN, sum.gained(), sum.units(),
                100 * sum.share(), count(sum.low()), count(sum.high()), 100 * sum.shareLow(), 100 * sum.shareHigh(), sum.images(), sum.replicates(),
                sum.meanGain());
        long negative = Arrays.stream(h).filter(x -> x.gain() < 0).count();
        long searchGained = Arrays.stream(e).filter(x -> x.searchGain() >= HeldOut.MIN_GAIN).count();
        System.out.printf(Locale.ROOT, "held-out gain < 0 (the formula fits the search half only): %d of %d units; on the search half %d of %d units gain >= %.2f%n",
                negative, e.length, searchGained, e.length, HeldOut.MIN_GAIN);
        System.out.printf(Locale.ROOT, "formulas using AND: %d, AND NOT: %d, OR: %d; single concepts: %d (of %d units; %d concepts from %d"
                + " concept group%s)%n", r.using(Formula.Op.AND), r.using(Formula.Op.AND_NOT), r.using(Formula.Op.OR),
                Arrays.stream(e).filter(x -> x.formula().length() == 1).count(), e.length, r.conceptNames().size(), b.manifest().groups().size(),
                b.manifest().groups().size() == 1 ? "" : "s");
        LayerExplainer.Agreement agreement = labels == null ? null : LayerExplainer.agreement(r, labels);
        if (agreement != null) {
            System.out.printf(Locale.ROOT, "at the dissection's thresholds (seed %d, first %d images): best single concept on the search half"
                    + " = dissection label for %d of %d units (%.1f%%)%n", seed, samples, agreement.agree(), agreement.units(),
                    100 * agreement.agreeShare());
        }
        Files.createDirectories(out);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("schema", "ganscope.explain/2").put("bundle", b.name()).put("bundle_hash", b.hash()).put("layer", layer)
                .put("samples", samples).put("beam", beam).put("max_length", length).put("quantile", q).put("seconds", secs);
        root.put("seed", seed).put("thresholds", thr == null ? "quantile" : "dissection");
        ObjectNode split = root.putObject("split").put("rule", HeldOut.RULE);
        split.put("search_samples", r.searchSamples().length).put("held_out_samples", r.heldOutSamples().length);
        ObjectNode ho = root.putObject("held_out");
        ho.put("min_gain", HeldOut.MIN_GAIN).put("units", sum.units()).put("units_gained", sum.gained()).put("share", sum.share());
        number(ho, "units_gained_ci_low", sum.low());
        number(ho, "units_gained_ci_high", sum.high());
        number(ho, "share_ci_low", sum.shareLow());
        number(ho, "share_ci_high", sum.shareHigh());
        ho.put("units_negative", negative).put("search_units_gained", searchGained);
        ho.put("mean_gain", sum.meanGain()).put("interval", "95%: 2.5% and 97.5% Hazen quantiles of the count over " + sum.replicates()
                + " Poisson-bootstrap replicates of the held-out images (weights seeded by seed and sample index); formulas fixed by the search half");
        root.putObject("operators").put("and", r.using(Formula.Op.AND)).put("and_not", r.using(Formula.Op.AND_NOT))
                .put("or", r.using(Formula.Op.OR));
        if (agreement != null) {
            root.put("label_agreement", agreement.agree()).put("label_agreement_share", agreement.agreeShare());
        }
        ArrayNode units = root.putArray("units");
        for (int u = 0; u < e.length; u++) {
            ObjectNode n = units.addObject().put("unit", u).put("formula", e[u].formula().render(r.conceptNames()))
                    .put("best_single", e[u].bestSingle().render(r.conceptNames())).put("search_iou", e[u].iou())
                    .put("search_single_iou", e[u].bestSingleIou()).put("search_gain", e[u].searchGain());
            number(n, "held_out_iou", h[u].iou());
            number(n, "held_out_single_iou", h[u].singleIou());
            number(n, "held_out_gain", h[u].gain());
            n.put("threshold", r.thresholds()[u]).put("formula_code", e[u].formula().code());
            if (labels != null) {
                n.put("dissection_label", labels[u]);
            }
            ArrayNode ex = n.putArray("examples");
            for (long i : r.examples()[u]) {
                ex.add(i);
            }
        }
        json.writeValue(out.resolve("explain.json").toFile(), root);
        System.out.println("wrote " + out.resolve("explain.json"));
        return 0;
    }

    private static String count(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static void number(ObjectNode node, String name, double v) {
        if (Double.isFinite(v)) {
            node.put(name, v);
        } else {
            node.putNull(name);
        }
    }
}
