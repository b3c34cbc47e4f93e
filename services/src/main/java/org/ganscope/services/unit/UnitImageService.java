package org.ganscope.services.unit;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Arrays;
import java.util.function.Function;

/**
 * Unit cards: a unit's top images with its thresholded activation as a heat-map overlay,
 * rendered on demand from the sample indices and threshold recorded in Postgres (images
 * are never stored: sample i of a seed is recomputed from its index).
 */
@Service
public class UnitImageService {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ExperimentRepository experiments;
    private final ResultRepository results;
    private final BundleResolver bundles;

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
        ExperimentSpec spec = spec(experimentId);
        var row = results.units(experimentId, layer).stream().filter(u -> u.unit() == unit).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no unit " + unit + " in " + layer));
        long[] top = Arrays.copyOf(row.topSamples(), Math.min(maxImages, row.topSamples().length));
        return render(spec, layer, m -> UnitImages.strip(m, spec.seed(), top, unit, row.threshold(), scale));
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
        Bundle b = bundles.resolve(spec.bundleHash(), spec.bundlePath());
        try (LayerModel m = new LayerModel(b, layer, 1)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(draw.apply(m), "png", out);
            return out.toByteArray();
        }
    }
}
