package org.ganscope.ops.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.analysis.dissect.DissectParams;
import org.ganscope.analysis.dissect.LayerDissection;
import org.ganscope.analysis.dissect.LayerDissector;

/**
 * The uninterrupted reference for the fault tests and the chaos suite: a layer's quantile
 * dissection of outdoor-base-s100 computed in process, compared unit by unit (threshold, IoU,
 * label, exactly) with the units a platform returned.
 */
public final class Reference {
    private Reference() {
    }

    /** Null when {@code units} (the REST unit rows of layer3) equal the in-process dissection, else what differs. */
    public static String mismatch(Path repo, JsonNode units, int samples, long seed, long thresholdSeed) {
        return mismatch(repo, "layer3", units, samples, seed, thresholdSeed);
    }

    /** As above for {@code layer}. */
    public static String mismatch(Path repo, String layer, JsonNode units, int samples, long seed, long thresholdSeed) {
        Bundle b = BundleLoader.load(repo.resolve("models/bundles/outdoor-base-s100"));
        LayerDissection direct = LayerDissector.dissect(b, DissectParams.defaults(layer, samples, seed).withThresholdSet(60, thresholdSeed)
                .withMethod(DissectParams.Method.QUANTILE, 0.01).withBatch(16), 1, x -> { });
        if (units.size() != direct.units()) {
            return units.size() + " unit rows instead of " + direct.units() + " (duplicates or missing rows)";
        }
        for (int u = 0; u < units.size(); u++) {
            JsonNode row = units.get(u);
            if (direct.report().thresholds()[u] != row.get("threshold").asDouble() || direct.report().bestIou()[u] != row.get("iou").asDouble()
                    || direct.report().bestLabel()[u] != row.get("label").asInt()) {
                return "unit " + u + " differs: " + row + " vs threshold " + direct.report().thresholds()[u] + ", IoU "
                        + direct.report().bestIou()[u] + ", label " + direct.report().bestLabel()[u];
            }
        }
        return null;
    }
}
