package org.ganscope.services.unit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.ganscope.activities.BundleResolver;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.dissect.UnitImages;
import org.ganscope.analysis.explain.Formula;
import org.ganscope.analysis.explain.FormulaImages;
import org.ganscope.analysis.model.LayerModel;
import org.ganscope.db.ExperimentRepository;
import org.ganscope.db.ResultRepository;
import org.ganscope.workflows.experiment.ExperimentSpec;
import org.springframework.stereotype.Service;
import java.awt.image.BufferedImage;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unit cards: a unit's top images with its thresholded activation as a heat-map overlay,
 * rendered on demand from the sample indices and threshold recorded in Postgres (images
 * are never stored: sample i of a seed is recomputed from its index).
 *
 * <p>Two caches make a gallery of a 128-unit layer fast: the layer's model stays open between
 * requests (opening its ONNX sessions costs more than rendering a unit's strip; one model per
 * bundle and layer, used by one request at a time, closed after five idle minutes), and
 * rendered strips are kept by their content (bundle hash, layer, seed, top samples, unit,
 * threshold, size), so a re-opened page or a re-run of the same dissection shows them at once
 * and a retried dissection with other results never sees a stale one. A gallery asks for its
 * first cards ahead ({@link #prefetch}), so they render while the browser is still building the
 * page.
 */
@Service
public class UnitImageService {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger log = LoggerFactory.getLogger(UnitImageService.class);
    private final ExperimentRepository experiments;
    private final ResultRepository results;
    private final BundleResolver bundles;
    private final Cache<String, SharedModel> models = Caffeine.newBuilder().maximumSize(4).expireAfterAccess(Duration.ofMinutes(5))
            .<String, SharedModel>removalListener((k, m, cause) -> {
                if (m != null) {
                    m.close();
                }
            }).build();
    private final Cache<String, byte[]> strips = Caffeine.newBuilder().maximumWeight(64L << 20)
            .<String, byte[]>weigher((k, png) -> png.length).build();
    private final ExecutorService prefetcher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "unit-strip-prefetch");
        t.setDaemon(true);
        return t;
    });

    public UnitImageService(ExperimentRepository experiments, ResultRepository results, BundleResolver bundles) {
        this.experiments = experiments;
        this.results = results;
        this.bundles = bundles;
    }

    /** A unit's top images (from its dissection) with its thresholded activation overlaid, PNG. */
    public byte[] strip(long experimentId, String layer, int unit) throws IOException {
        return strip(experimentId, layer, unit, Integer.MAX_VALUE, 2);
    }

    /** The first {@code maxImages} top images at magnification {@code scale}. */
    public byte[] strip(long experimentId, String layer, int unit, int maxImages, int scale) throws IOException {
        return strip(spec(experimentId), results.units(experimentId, layer), layer, unit, maxImages, scale);
    }

    /**
     * Renders the strips of {@code units} (in this order) into the cache in the background, so the
     * first cards of a gallery are ready when the browser asks for them; a failure is logged, the
     * browser's own request then reports it.
     */
    public void prefetch(long experimentId, String layer, List<Integer> units, int maxImages, int scale) {
        if (units.isEmpty()) {
            return;
        }
        prefetcher.execute(() -> {
            try {
                ExperimentSpec spec = spec(experimentId);
                List<ResultRepository.UnitRow> rows = results.units(experimentId, layer);
                for (int unit : units) {
                    strip(spec, rows, layer, unit, maxImages, scale);
                }
            } catch (Exception e) {
                log.debug("prefetching unit strips of experiment {} {}: {}", experimentId, layer, e.toString());
            }
        });
    }

    /**
     * Top image {@code k} of the unit (0 = strongest) alone, nearest-neighbour magnified {@code scale} times, with the
     * thresholded activation outlined as in the strip: cut from the unit's strip of its first {@code images} top images,
     * which is rendered once and kept, so the page's other tiles come from the same rendering.
     */
    public byte[] tile(long experimentId, String layer, int unit, int k, int images, int scale) throws IOException {
        if (k < 0 || k >= images) {
            throw new IllegalArgumentException("top image " + k + " of " + images);
        }
        ExperimentSpec spec = spec(experimentId);
        List<ResultRepository.UnitRow> rows = results.units(experimentId, layer);
        byte[] strip = strip(spec, rows, layer, unit, images, scale);
        String key = spec.bundleHash() + "|" + layer + "|" + spec.seed() + "|" + unit + "|" + images + "|" + scale + "|" + k + "|"
                + java.util.Arrays.hashCode(strip);
        try {
            return strips.get(key, x -> {
                try {
                    BufferedImage all = ImageIO.read(new java.io.ByteArrayInputStream(strip));
                    int t = all.getHeight();
                    if ((k + 1) * t > all.getWidth()) {
                        throw new IllegalArgumentException("unit " + unit + " has fewer than " + (k + 1) + " top images");
                    }
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    ImageIO.write(all.getSubimage(k * t, 0, t, t), "png", out);
                    return out.toByteArray();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Renders the unit's strip for {@link #tile} in the background, so the unit page's images are ready when asked for. */
    public void prefetchTiles(long experimentId, String layer, int unit, int images, int scale) {
        prefetcher.execute(() -> {
            try {
                strip(spec(experimentId), results.units(experimentId, layer), layer, unit, images, scale);
            } catch (Exception e) {
                log.debug("prefetching unit {} of experiment {} {}: {}", unit, experimentId, layer, e.toString());
            }
        });
    }

    /**
     * A histogram of the unit's activation, bilinearly upsampled to image size as its mask is, over every pixel of the
     * first {@code samples} evaluation images; {@code threshold} is the dissection's.
     *
     * @param edges bins + 1 bin edges
     * @param above the share of pixels above the threshold
     */
    public record Histogram(double[] edges, long[] counts, double threshold, double above, int samples) {
    }

    private final Cache<String, Histogram> histograms = Caffeine.newBuilder().maximumSize(256).build();

    public Histogram histogram(long experimentId, String layer, int unit, int samples, int bins) throws IOException {
        ExperimentSpec spec = spec(experimentId);
        var row = results.units(experimentId, layer).stream().filter(u -> u.unit() == unit).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no unit " + unit + " in " + layer));
        String key = spec.bundleHash() + "|" + layer + "|" + spec.seed() + "|" + unit + "|" + samples + "|" + bins + "|" + row.threshold();
        Histogram cached = histograms.getIfPresent(key);
        if (cached != null) {
            return cached;
        }
        double[][] values = new double[1][];
        render(spec, layer, m -> {
            var l = m.layer();
            int s = m.bundle().manifest().imageSize();
            org.ganscope.analysis.dissect.Upsampler up = new org.ganscope.analysis.dissect.Upsampler(l.height(), l.width(), s, s);
            double[] all = new double[samples * s * s];
            double[] heat = new double[s * s];
            for (int i = 0; i < samples; i++) {
                m.represent(spec.seed(), i, 1);
                up.apply(m.activations(), unit * l.pixels(), heat, 0);
                System.arraycopy(heat, 0, all, i * s * s, s * s);
            }
            values[0] = all;
            return new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        });
        double[] v = values[0];
        double lo = Math.min(row.threshold(), Arrays.stream(v).min().orElse(0));
        double hi = Math.max(row.threshold(), Arrays.stream(v).max().orElse(1));
        if (hi <= lo) {
            hi = lo + 1;
        }
        double[] edges = new double[bins + 1];
        for (int b = 0; b <= bins; b++) {
            edges[b] = lo + (hi - lo) * b / bins;
        }
        long[] counts = new long[bins];
        long above = 0;
        for (double x : v) {
            counts[Math.min(bins - 1, (int) ((x - lo) / (hi - lo) * bins))]++;
            if (x > row.threshold()) {
                above++;
            }
        }
        Histogram h = new Histogram(edges, counts, row.threshold(), (double) above / v.length, samples);
        histograms.put(key, h);
        return h;
    }

    @PreDestroy
    void stop() {
        prefetcher.shutdownNow();
        models.invalidateAll();
        models.cleanUp();
    }

    private byte[] strip(ExperimentSpec spec, List<ResultRepository.UnitRow> rows, String layer, int unit, int maxImages, int scale)
            throws IOException {
        var row = rows.stream().filter(u -> u.unit() == unit).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no unit " + unit + " in " + layer));
        long[] top = Arrays.copyOf(row.topSamples(), Math.min(maxImages, row.topSamples().length));
        String key = String.join("|", spec.bundleHash(), layer, String.valueOf(spec.seed()), Arrays.toString(top), String.valueOf(unit),
                Double.toString(row.threshold()), String.valueOf(scale));
        try {
            return strips.get(key, k -> {
                try {
                    return render(spec, layer, m -> UnitImages.strip(m, spec.seed(), top, unit, row.threshold(), scale));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * A unit's explanation examples: the images where its mask and its formula's mask
     * overlap most, the formula's region bright and the unit's mask outlined, PNG.
     */
    public byte[] explanationStrip(long experimentId, String layer, int unit) throws IOException {
        ExperimentSpec spec = spec(experimentId);
        var row = results.explanations(experimentId, layer).stream().filter(u -> u.unit() == unit).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no explanation of unit " + unit + " in " + layer));
        if (row.formulaCode() == null) {
            throw new IllegalArgumentException("this explanation was recorded without example images; re-run the explain step");
        }
        Formula f = Formula.parse(row.formulaCode());
        return render(spec, layer, m -> FormulaImages.strip(m, spec.seed(), row.examples(), unit, row.threshold(), f, 2));
    }

    private ExperimentSpec spec(long experimentId) throws IOException {
        var e = experiments.get(experimentId).orElseThrow(() -> new IllegalArgumentException("no experiment " + experimentId));
        return JSON.readValue(e.paramsJson(), ExperimentSpec.class);
    }

    private byte[] render(ExperimentSpec spec, String layer, Function<LayerModel, BufferedImage> draw)
            throws IOException {
        SharedModel shared = models.get(spec.bundleHash() + "|" + layer,
                k -> new SharedModel(new LayerModel(bundles.resolve(spec.bundleHash(), spec.bundlePath()), layer, 1)));
        BufferedImage image = shared.use(draw);
        if (image == null) { // closed (evicted) while this request waited for it: render on a model of its own
            try (LayerModel m = new LayerModel(bundles.resolve(spec.bundleHash(), spec.bundlePath()), layer, 1)) {
                image = draw.apply(m);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    /** An open layer model, used by one request at a time (its buffers are per model); closed when the cache lets it go. */
    private static final class SharedModel {
        private final LayerModel model;
        private boolean closed;

        SharedModel(LayerModel model) {
            this.model = model;
        }

        /** {@code draw} on the model, or null when it was closed meanwhile. */
        synchronized BufferedImage use(Function<LayerModel, BufferedImage> draw) {
            return closed ? null : draw.apply(model);
        }

        synchronized void close() {
            if (!closed) {
                closed = true;
                model.close();
            }
        }
    }
}
