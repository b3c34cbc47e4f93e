package org.ganscope.analysis.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.ganscope.analysis.artifacts.ArtifactScores;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleCatalog;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.dissect.DissectParams;
import org.ganscope.analysis.dissect.LayerDissection;
import org.ganscope.analysis.dissect.LayerDissector;
import org.ganscope.analysis.intervene.AblationCurve;
import org.ganscope.analysis.intervene.Insertion;
import org.ganscope.analysis.intervene.UnitRanking;
import org.ganscope.analysis.metrics.SampleMetrics;
import org.ganscope.analysis.model.LayerModel;

/**
 * {@code ganscope reproduce [--samples N] [ROOT]}: measures the five phenomena of
 * METHOD.md section 5 on the demo bundles and reports each claim with its numbers and
 * whether it holds. Ends with {@code phenomena reproduced: K of 5}.
 */
public final class ReproduceCommand implements Command {
    private static final String MIDDLE = "layer3";

    @Override
    public String name() {
        return "reproduce";
    }

    @Override
    public String summary() {
        return "[--samples N] [ROOT]: the paper's five phenomena measured on the demo bundles";
    }

    private record Row(String claim, String numbers, boolean holds) {
    }

    @Override
    public int run(String[] args) {
        Args a = Args.parse(args, 1, List.of("samples", "seed"), List.of());
        int samples = a.intValue("samples", 500, 50, 100_000);
        long seed = a.longValue("seed", 0);
        List<Path> roots = a.positional().isEmpty() ? BundleCatalog.defaultRoots() : a.positional().stream().map(Path::of).toList();
        List<Bundle> bundles = BundleCatalog.find(roots).stream().map(BundleLoader::load)
                .filter(b -> !b.manifest().dataset().equals("perf")).toList();
        if (bundles.isEmpty()) {
            throw new UsageException("no demo bundles under " + roots);
        }
        List<Row> rows = new ArrayList<>();
        long t0 = System.nanoTime();

        // 1. interpretable units exist, far more in middle layers than in the first
        Map<String, LayerDissection> middle = new LinkedHashMap<>();
        StringBuilder n1 = new StringBuilder();
        int first = 0;
        int mid = 0;
        boolean categories = true;
        for (Bundle b : bundles) {
            LayerDissection d1 = dissect(b, b.manifest().layers().get(0).name(), samples, seed);
            LayerDissection d3 = dissect(b, MIDDLE, samples, seed);
            middle.put(b.name(), d3);
            first += d1.report().nInterpretable();
            mid += d3.report().nInterpretable();
            n1.append(String.format(Locale.ROOT, "%s %d->%d; ", b.name(), d1.report().nInterpretable(), d3.report().nInterpretable()));
            System.out.printf(Locale.ROOT, "  dissected %s: layer1 %d, %s %d %s%n", b.name(), d1.report().nInterpretable(), MIDDLE,
                    d3.report().nInterpretable(), d3.interpretableByCategory());
        }
        long withCategories = middle.values().stream().flatMap(d -> d.interpretableByCategory().entrySet().stream())
                .filter(e -> e.getValue() > 0).map(Map.Entry::getKey).distinct().count();
        rows.add(new Row("interpretable units exist, far more in a middle layer than in the first (>= 3x), of >= 2 categories",
                n1 + "categories seen: " + withCategories, mid >= 3 * Math.max(1, first) && withCategories >= 2));

        // 2. ablating the top 20 units of a class removes most of it; 20 random units remove little
        Bundle outdoor = best(bundles, "outdoor", middle).orElse(bundles.get(0));
        StringBuilder n2 = new StringBuilder(outdoor.name() + ": ");
        int tested = 0;
        int removed = 0;
        try (LayerModel m = new LayerModel(outdoor, MIDDLE, 16)) {
            for (String cls : List.of("tree", "window", "door")) {
                var c = classOf(outdoor, cls);
                if (c < 0) {
                    continue;
                }
                double[] iou = iouOf(middle.get(outdoor.name()), c);
                // images of seed + 8: neither the dissection's (seed) nor its threshold set's (seed + 1)
                AblationCurve.Result r = AblationCurve.run(m, c, iou, new int[] {20}, samples / 2, seed + 8,
                        org.ganscope.analysis.intervene.ClassIntervention.DEFAULT_DRAWS, seed + 2);
                if (r.imagesWithClass() == 0) {
                    continue;
                }
                var pt = r.points().get(0);
                n2.append(String.format(Locale.ROOT, "%s top-20 %.2f vs random %.2f (sd %.2f, %d draws, p = %.3f); ", cls, pt.topRemoved(),
                        pt.randomMean(), pt.randomStd(), pt.randomDraws().length, pt.pValue()));
                tested++;
                if (pt.topRemoved() >= 0.5 && pt.randomMean() <= 0.25) {
                    removed++;
                }
            }
        }
        rows.add(new Row("for most of tree, window, door: removing the class's top 20 units removes most (>= 50%) of it, 20 random units little (<= 25%)",
                n2.toString(), tested > 0 && 2 * removed > tested));

        // 3. inserting door units makes doors on buildings, almost none in the sky
        String n3;
        boolean context;
        int door = classOf(outdoor, "door");
        try (LayerModel m = new LayerModel(outdoor, MIDDLE, 16)) {
            int[] units = UnitRanking.top(iouOf(middle.get(outdoor.name()), door), 20);
            float[] k = Insertion.constants(m, door, units, samples, seed + 3, Insertion.KMode.MEAN);
            Insertion.Result r = Insertion.run(m, door, units, k, Math.min(100, samples), seed + 4, 4);
            Map<String, Double> byContext = new LinkedHashMap<>();
            for (var row : r.byContext()) {
                byContext.put(outdoor.manifest().classes().get(row.classBefore()).name(), row.meanInsertEffect());
            }
            double onBuildings = List.of("building", "wall", "roof", "window").stream().filter(byContext::containsKey)
                    .mapToDouble(byContext::get).max().orElse(Double.NaN);
            double sky = byContext.getOrDefault("sky", Double.NaN);
            n3 = String.format(Locale.ROOT, "%s: best building-part context %.4f, sky %.4f; all: %s", outdoor.name(), onBuildings, sky,
                    fmt(byContext));
            context = onBuildings > 0.01 && onBuildings > 3 * Math.max(sky, 0.0);
        }
        rows.add(new Row("inserting door units makes doors on buildings (effect > 0.01), >= 3x more than in the sky", n3, context));

        // 4. ablating the worst artifact units improves FD more than ablating random units
        ArtifactScores.Result scores = ArtifactScores.compute(outdoor, MIDDLE, samples, seed + 5, 30, 32);
        SampleMetrics base = SampleMetrics.compute(outdoor, MIDDLE, new int[0], samples, seed + 6, 32);
        SampleMetrics worst = SampleMetrics.compute(outdoor, MIDDLE, ArtifactScores.worst(scores, 20), samples, seed + 6, 32);
        double random = 0;
        for (int dr = 0; dr < 3; dr++) {
            random += SampleMetrics.compute(outdoor, MIDDLE, UnitRanking.random(outdoor.layer(MIDDLE).units(), 20, seed + 7 + dr), samples,
                    seed + 6, 32).domainFd() / 3;
        }
        rows.add(new Row("ablating the 20 worst artifact units improves domain FD, more than 20 random units",
                String.format(Locale.ROOT, "%s: FD %.3f -> %.3f (worst 20) vs %.3f (random 20, mean of 3)", outdoor.name(), base.domainFd(),
                        worst.domainFd(), random), worst.domainFd() < base.domainFd() && worst.domainFd() < random));

        // 5. a better-trained variant (lower FD) has more interpretable units
        StringBuilder n5 = new StringBuilder();
        boolean better = true;
        for (String ds : bundles.stream().map(b -> b.manifest().dataset()).distinct().toList()) {
            List<Bundle> variants = bundles.stream().filter(b -> b.manifest().dataset().equals(ds)).toList();
            if (variants.size() < 2) {
                continue;
            }
            Map<String, Double> fd = new LinkedHashMap<>();
            for (Bundle b : variants) {
                fd.put(b.name(), SampleMetrics.compute(b, MIDDLE, new int[0], samples, seed + 6, 32).domainFd());
            }
            String bestFd = fd.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
            String mostUnits = variants.stream().max(Comparator.comparingInt((Bundle b) -> middle.get(b.name()).report().nInterpretable()))
                    .orElseThrow().name();
            for (Bundle b : variants) {
                n5.append(String.format(Locale.ROOT, "%s FD %.3f units %d; ", b.name(), fd.get(b.name()), middle.get(b.name()).report().nInterpretable()));
            }
            better &= bestFd.equals(mostUnits);
        }
        rows.add(new Row("per dataset, the variant with the lowest domain FD has the most interpretable units (" + MIDDLE + ")",
                n5.toString(), better && n5.length() > 0));

        int k = 0;
        System.out.println();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            k += r.holds() ? 1 : 0;
            System.out.printf(Locale.ROOT, "%d. %s%n   %s%n   -> %s%n", i + 1, r.claim(), r.numbers(), r.holds() ? "REPRODUCED" : "NOT reproduced");
        }
        System.out.printf(Locale.ROOT, "(%d samples per measurement, %.0f s)%n", samples, (System.nanoTime() - t0) / 1e9);
        System.out.println("phenomena reproduced: " + k + " of " + rows.size());
        return 0;
    }

    private static LayerDissection dissect(Bundle b, String layer, int samples, long seed) {
        return LayerDissector.dissect(b, DissectParams.defaults(layer, samples, seed), 1, x -> { });
    }

    /** The dataset's variant with the most interpretable middle-layer units. */
    private static Optional<Bundle> best(List<Bundle> bundles, String dataset, Map<String, LayerDissection> middle) {
        return bundles.stream().filter(b -> b.manifest().dataset().equals(dataset))
                .max(Comparator.comparingInt((Bundle b) -> middle.get(b.name()).report().nInterpretable()));
    }

    private static int classOf(Bundle b, String name) {
        return b.manifest().classes().stream().filter(c -> c.name().equals(name)).mapToInt(c -> c.index()).findFirst().orElse(-1);
    }

    private static double[] iouOf(LayerDissection d, int c) {
        return IntStream.range(0, d.units()).mapToDouble(u -> d.report().iou()[u][c]).toArray();
    }

    private static String fmt(Map<String, Double> m) {
        StringBuilder s = new StringBuilder();
        m.forEach((k, v) -> s.append(String.format(Locale.ROOT, "%s %.3f, ", k, v)));
        return s.toString();
    }
}
