package org.ganscope.analysis.intervene;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.Manifest;

/**
 * A dissection (dissect.json) read back for a causal step: its layer, one class's IoU per
 * unit, and the seeds whose images it used (evaluation and threshold set), which a causal
 * evaluation must not reuse.
 */
public record ClassIou(String layer, Manifest.ConceptClass concept, double[] iou, long[] dissectionSeeds) {
    public static ClassIou read(Bundle b, Path file, String className) {
        JsonNode d;
        try {
            d = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new AnalysisException("cannot read dissection " + file + ": " + e.getMessage());
        }
        return of(b, d, className);
    }

    /** From a parsed dissect.json; refuses a dissection of another bundle and unknown classes. */
    public static ClassIou of(Bundle b, JsonNode d, String className) {
        String hash = d.path("bundle").path("hash").asText();
        if (!b.hash().equals(hash)) {
            throw new AnalysisException("the dissection was made on bundle " + d.path("bundle").path("name").asText()
                    + " (hash " + hash + "), not on " + b.name());
        }
        String layer = d.path("layer").path("name").asText();
        Manifest.ConceptClass cls = b.manifest().classes().stream().filter(c -> c.name().equals(className)).findFirst()
                .orElseThrow(() -> new AnalysisException("unknown class '" + className + "'; classes: "
                        + b.manifest().classes().stream().skip(1).map(Manifest.ConceptClass::name).toList()));
        if (cls.index() == 0) {
            throw new AnalysisException("class 0 (unlabeled) cannot be intervened on");
        }
        double[] iou = new double[b.layer(layer).units()];
        JsonNode rows = d.path("iou");
        for (int u = 0; u < iou.length; u++) {
            iou[u] = rows.path(u).path(cls.index()).asDouble();
        }
        JsonNode p = d.path("params");
        long[] seeds = p.has("seed") && p.has("threshold_seed") ? new long[] {p.get("seed").asLong(), p.get("threshold_seed").asLong()}
                : new long[0];
        return new ClassIou(layer, cls, iou, seeds);
    }
}
