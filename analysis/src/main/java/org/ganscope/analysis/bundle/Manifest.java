package org.ganscope.analysis.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parsed {@code manifest.json} of a model bundle (schema version 1; the schema is
 * documented in models/README.md). Immutable; every file name is relative to the
 * bundle directory and listed with its SHA-256 in {@link #files()}.
 */
public record Manifest(
        int schemaVersion,
        String name,
        String dataset,
        String variant,
        int zdim,
        int imageSize,
        List<Layer> layers,
        List<ConceptClass> classes,
        Segmenter segmenter,
        Features features,
        RealSample real,
        Map<String, FileEntry> files,
        JsonNode raw) {

    public static final int SCHEMA_VERSION = 1;

    /**
     * A dissectable layer: r = h(z) has {@code units} channels of height x width. f maps r
     * back to the image; when {@code fTakesLatent}, f also takes the sample's z (manifest
     * {@code "f_inputs": ["r", "z"]}, e.g. StyleGAN2, whose later layers are modulated by
     * w = mapping(z)), and callers feed the same z that made r.
     */
    public record Layer(String name, int units, int height, int width, String hFile, String fFile, String torchscript,
                        boolean fTakesLatent) {
        public Layer(String name, int units, int height, int width, String hFile, String fFile, String torchscript) {
            this(name, units, height, width, hFile, fFile, torchscript, false);
        }

        public int pixels() {
            return height * width;
        }
    }

    /** A concept class of the segmenter. Category is object, part, material, or none (class 0). */
    public record ConceptClass(int index, String name, String category, String color) {
    }

    public record Segmenter(String file, int resolution, double pixelAccuracy, double meanIou) {
    }

    public record Features(String file, int dim, String realMean, String realCov, String realSample) {
    }

    /** Held-out real images and label maps, stored as PNG sprite sheets of {@code columns} tiles per row. */
    public record RealSample(String images, String labels, int count, int columns) {
    }

    public record FileEntry(String sha256, long bytes) {
    }

    public Optional<Layer> layer(String layerName) {
        return layers.stream().filter(l -> l.name().equals(layerName)).findFirst();
    }

    public int numClasses() {
        return classes.size();
    }
}
