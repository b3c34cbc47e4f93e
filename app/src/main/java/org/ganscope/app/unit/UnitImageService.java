package org.ganscope.app.unit;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.ganscope.activities.BundleResolver;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.dissect.UnitImages;
import org.ganscope.analysis.model.LayerModel;
import org.ganscope.db.ExperimentRepository;
import org.ganscope.db.ResultRepository;
import org.ganscope.workflows.experiment.ExperimentSpec;
import org.springframework.stereotype.Service;

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

    public byte[] strip(long experimentId, String layer, int unit) throws IOException {
        var e = experiments.get(experimentId).orElseThrow(() -> new IllegalArgumentException("no experiment " + experimentId));
        ExperimentSpec spec = JSON.readValue(e.paramsJson(), ExperimentSpec.class);
        var row = results.units(experimentId, layer).stream().filter(u -> u.unit() == unit).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no unit " + unit + " in " + layer));
        Bundle b = bundles.resolve(spec.bundleHash(), spec.bundlePath());
        try (LayerModel m = new LayerModel(b, layer, 1)) {
            var img = UnitImages.strip(m, spec.seed(), row.topSamples(), unit, row.threshold(), 2);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        }
    }
}
