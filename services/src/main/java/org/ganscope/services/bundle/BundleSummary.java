package org.ganscope.services.bundle;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.ganscope.db.BundleRepository.BundleRow;

/**
 * A registered model bundle: its name, content hash, dataset and variant, where it lies,
 * its manifest (JSON), and the names of its layers and concept classes from the manifest.
 *
 * @param classes the concept classes without class 0 (unlabeled); empty, as {@code layers}, if the manifest has none
 */
public record BundleSummary(long id, String name, String hash, String dataset, String variant, String path, String manifestJson,
        List<String> layers, List<String> classes) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static BundleSummary of(BundleRow r) {
        return new BundleSummary(r.id(), r.name(), r.hash(), r.dataset(), r.variant(), r.path(), r.manifestJson(),
                names(r.manifestJson(), "layers", 0), names(r.manifestJson(), "classes", 1));
    }

    private static List<String> names(String manifestJson, String field, int skip) {
        try {
            List<String> out = new ArrayList<>();
            JSON.readTree(manifestJson).get(field).forEach(l -> out.add(l.get("name").asText()));
            return List.copyOf(out.subList(Math.min(skip, out.size()), out.size()));
        } catch (Exception e) {
            return List.of();
        }
    }
}
