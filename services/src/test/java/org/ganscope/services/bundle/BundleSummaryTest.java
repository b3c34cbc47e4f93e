package org.ganscope.services.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.ganscope.db.BundleRepository.BundleRow;
import org.junit.jupiter.api.Test;

class BundleSummaryTest {
    @Test
    void layersAndClassesComeFromTheManifestWithoutTheUnlabeledClass() {
        String manifest = """
                {"layers": [{"name": "layer1", "units": 8}, {"name": "layer2", "units": 16}],
                 "classes": [{"name": "-", "index": 0}, {"name": "sky", "index": 1}, {"name": "tree", "index": 2}]}""";
        BundleSummary b = BundleSummary.of(new BundleRow(7, "ab12", "outdoor-base-s100", "outdoor", "base", "bundles/outdoor-base-s100", manifest));
        assertEquals(List.of("layer1", "layer2"), b.layers());
        assertEquals(List.of("sky", "tree"), b.classes());
        assertEquals(7, b.id());
        assertEquals("outdoor-base-s100", b.name());
        assertEquals("ab12", b.hash());
        assertEquals("bundles/outdoor-base-s100", b.path());
    }

    @Test
    void aManifestWithoutLayersOrClassesGivesNone() {
        BundleSummary b = BundleSummary.of(new BundleRow(1, "cd34", "x", "d", "v", "p", "{\"classes\": []}"));
        assertEquals(List.of(), b.layers());
        assertEquals(List.of(), b.classes());
        assertEquals(List.of(), BundleSummary.of(new BundleRow(1, "cd34", "x", "d", "v", "p", "not json")).layers());
    }
}
