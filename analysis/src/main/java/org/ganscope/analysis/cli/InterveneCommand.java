package org.ganscope.analysis.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.bundle.Manifest;
import org.ganscope.analysis.intervene.ClassIntervention;
import org.ganscope.analysis.intervene.ClassIou;
import org.ganscope.analysis.intervene.Insertion;
import org.ganscope.analysis.report.Charts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ganscope intervene --bundle DIR --dissection dissect.json --class NAME --out DIR}:
 * the ablation curve of a class (top-n units by IoU vs n random units) and the insertion
 * of its top units into every region of every image, with the effect by context.
 * Writes intervene.json.
 */
@Command(name = "intervene", mixinStandardHelpOptions = true, sortOptions = false,
        description = "The ablation curve of a class (top-n units by IoU vs n random units) and the insertion of its top units by context.")
public final class InterveneCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    @Option(names = "--bundle", required = true, paramLabel = "DIR", description = "the bundle directory")
    Path bundle;
    @Option(names = "--dissection", required = true, paramLabel = "dissect.json", description = "a dissection of the bundle (its units' IoU)")
    Path dissection;
    @Option(names = "--class", required = true, paramLabel = "NAME", description = "the class to remove and insert")
    String className;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output directory")
    Path out;
    @Option(names = "--samples", defaultValue = "200", paramLabel = "N", description = "images of the ablation curve (default ${DEFAULT-VALUE})")
    int samples;
    @Option(names = "--seed", defaultValue = "7", paramLabel = "S", description = "seed of the images (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--ns", defaultValue = "1,2,5,10,20,50", paramLabel = "n,...", description = "units ablated (default ${DEFAULT-VALUE})")
    String ns;
    @Option(names = "--draws", paramLabel = "D", description = "random unit sets per n (default " + ClassIntervention.DEFAULT_DRAWS + ")")
    Integer draws;
    @Option(names = "--insert-units", defaultValue = "20", paramLabel = "N", description = "top units inserted (default ${DEFAULT-VALUE})")
    int insertUnits;
    @Option(names = "--insert-samples", paramLabel = "N", description = "images of the insertion (default min(samples, 100))")
    Integer insertSamples;
    @Option(names = "--k", defaultValue = "mean", paramLabel = "mean|p99", description = "the value inserted (default ${DEFAULT-VALUE})")
    String k;
    @Option(names = "--region", paramLabel = "R", description = "side of the inserted square region (default: a quarter of the layer)")
    Integer region;
    @Option(names = "--batch", defaultValue = "16", paramLabel = "B", description = "inference batch (default ${DEFAULT-VALUE})")
    int batch;

    @Override
    public Integer call() throws IOException {
        Bundle b = BundleLoader.load(bundle);
        ClassIou df = ClassIou.read(b, dissection, className);
        String layer = df.layer();
        Manifest.ConceptClass cls = df.concept();
        double[] iou = df.iou();
        Check.between("--samples", samples, 1, 1_000_000);
        int[] ns = Arrays.stream(Check.ints("--ns", this.ns)).filter(n -> n <= iou.length).toArray();
        int draws = Check.between("--draws", this.draws == null ? ClassIntervention.DEFAULT_DRAWS : this.draws, 0, 100);
        Check.between("--insert-units", insertUnits, 1, iou.length);
        int insertSamples = Check.between("--insert-samples", this.insertSamples == null ? Math.min(samples, 100) : this.insertSamples, 1, 1_000_000);
        Insertion.KMode kmode = switch (k) {
            case "mean" -> Insertion.KMode.MEAN;
            case "p99" -> Insertion.KMode.P99;
            default -> throw new UsageException("--k must be mean or p99");
        };
        int region = Check.between("--region", this.region == null ? Math.max(1, b.layer(layer).height() / 4) : this.region, 1, b.layer(layer).height());
        Files.createDirectories(out);

        var params = new ClassIntervention.Params(samples, seed, ns, draws, insertUnits, insertSamples, kmode, region, Check.between("--batch", batch, 2, 512));
        ObjectNode root = JSON.createObjectNode();
        root.put("schema", "ganscope.intervene/1");
        root.putObject("bundle").put("name", b.name()).put("hash", b.hash());
        root.setAll(ClassIntervention.run(b, df, params, ConsoleProgress.forCommand("intervene")));
        var ab = root.get("ablation");
        System.out.printf(Locale.ROOT, "ablation of '%s' in %s, %d images with the class (%d pixels), %.1f s%n", cls.name(), layer,
                ab.get("images_with_class").asLong(), ab.get("class_pixels").asLong(), ab.get("seconds").asDouble());
        System.out.println("    n   top-n removed   random removed (mean +- sd)");
        for (var p : ab.get("points")) {
            System.out.printf(Locale.ROOT, "  %3d   %13.3f   %8.3f +- %.3f%n", p.get("n").asInt(), p.get("top_removed").asDouble(),
                    p.get("random_mean").asDouble(), p.get("random_std").asDouble());
        }
        var io = root.get("insertion");
        System.out.printf(Locale.ROOT, "insertion of %d '%s' units (k = %s) into %d regions of %dx%d: effect %+.4f, ACE %+.4f, %.1f s%n",
                io.get("units").asInt(), cls.name(), io.get("k_mode").asText(), io.get("regions").asLong(), region, region,
                io.get("effect").asDouble(), io.get("ace").asDouble(), io.get("seconds").asDouble());
        System.out.println("  class at P before    regions   insertion effect   ACE");
        for (var row : io.get("by_context")) {
            System.out.printf(Locale.ROOT, "  %-18s %9d   %+16.4f   %+.4f%n", row.get("class_before").asText(), row.get("regions").asLong(),
                    row.get("effect").asDouble(), row.get("ace").asDouble());
        }
        JSON.writeValue(out.resolve("intervene.json").toFile(), root);
        figures(root, out);
        System.out.println("wrote " + out.resolve("intervene.json") + ", ablation.png and insertion.png");
        return 0;
    }

    /** ablation.png (top-n vs random, with the random draws' spread) and insertion.png (effect by context). */
    private static void figures(ObjectNode root, Path out) throws IOException {
        var pts = root.get("ablation").get("points");
        int n = pts.size();
        double[] x = new double[n];
        double[] top = new double[n];
        double[] rnd = new double[n];
        double[] sd = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = pts.get(i).get("n").asDouble();
            top[i] = pts.get(i).get("top_removed").asDouble();
            rnd[i] = pts.get(i).get("random_mean").asDouble();
            sd[i] = pts.get(i).get("random_std").asDouble();
        }
        String cls = root.get("class").asText();
        Charts.lines(out.resolve("ablation.png"), "Removing '" + cls + "' units (" + root.get("layer").asText() + ")",
                "units ablated (n)", "fraction of class pixels removed",
                List.of(new Charts.Series("top-n by IoU", x, top, null),
                        new Charts.Series("n random units", x, rnd, sd)), true);
        var ctx = root.get("insertion").get("by_context");
        List<String> labels = new ArrayList<>();
        double[] v = new double[ctx.size()];
        for (int i = 0; i < ctx.size(); i++) {
            labels.add(ctx.get(i).get("class_before").asText() + " (" + ctx.get(i).get("regions").asInt() + ")");
            v[i] = ctx.get(i).get("effect").asDouble();
        }
        Charts.bars(out.resolve("insertion.png"), "Inserting '" + cls + "' units: effect by what was there",
                "mean change of p(" + cls + ") in the region", labels, v);
    }
}
