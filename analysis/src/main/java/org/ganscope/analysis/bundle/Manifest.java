package org.ganscope.analysis.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parsed {@code manifest.json} of a model bundle (schema versions 1 and 2; both are
 * documented in models/README.md). Immutable; every file name is relative to the
 * bundle directory and listed with its SHA-256 in {@link #files()}. {@link #groups()} are
 * the concept groups: schema 2 lists them (main, object, part, material, colour, ...);
 * a schema 1 bundle (and any imported gandissect-style model) has the one group
 * {@code main}, its {@link #classes()} from the segmenter's {@code probabilities} output.
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
        JsonNode raw,
        List<ConceptGroup> groups,
        ReferenceFeatures referenceFeatures) {

    /** The newest schema version this ganscope reads (it reads every version from 1 up). */
    public static final int SCHEMA_VERSION = 2;

    /** The segmenter output of the main group (schema 1's only output). */
    public static final String MAIN_OUTPUT = "probabilities";

    /** The colour rule this ganscope computes exactly ({@link org.ganscope.analysis.model.ColorRule}). */
    public static final String COLOR_RULE = "broden11-hsv-1";

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

    /**
     * A concept group: its classes (index 0 is the group's "nothing") and how its label map is
     * computed on a generated image: {@code segmenterOutput} names the segmenter output holding
     * the group's probabilities ([B, C, R, R], label = first argmax), or {@code rule} names an
     * exact rule on the image's uint8 RGB (only {@link #COLOR_RULE}); exactly one is set.
     * {@code realLabelSheet} is the real images' label sheet of the group, {@code realPixelShare}
     * the share of real pixels per class as the manifest records it (empty when it does not).
     */
    public record ConceptGroup(String name, List<ConceptClass> classes, String segmenterOutput, String rule,
                               String realLabelSheet, Map<String, Double> realPixelShare) {
        public boolean bySegmenter() {
            return segmenterOutput != null;
        }

        public int numClasses() {
            return classes.size();
        }
    }

    /** A concept class of a group. Category is object, part, material, color, or none (class 0). */
    public record ConceptClass(int index, String name, String category, String color) {
    }

    public record Segmenter(String file, int resolution, double pixelAccuracy, double meanIou) {
    }

    public record Features(String file, int dim, String realMean, String realCov, String realSample) {
    }

    /**
     * The real data's statistics in the metrics' independent feature network (manifest
     * {@code reference_features}, models/features/README.md): mean [D] and covariance [D, D] of
     * {@code realCount} real images, and the features [M, D] of {@code heldOutCount} other real
     * images (the real floor); {@code onnxSha256} is the network's graph they were computed with.
     *
     * <p>Two forms. In-bundle ({@code shared} null): {@code realMean}, {@code realCov} and
     * {@code heldOutSample} are bundle files listed in the manifest's file table. Shared
     * ({@code reference_features.statistics.shared}, schema 2 exports): the three arrays are
     * stored once per (dataset, real seed, network) in {@code models/features/real/<shared>/}
     * beside the network, under the fixed names {@link #SHARED_FILES}, and {@code sharedSha256}
     * holds their SHA-256 by role ({@code real_mean}, {@code real_cov}, {@code held_out_sample});
     * {@code realMean} etc. are then those file names inside that directory.
     */
    public record ReferenceFeatures(String network, String onnxSha256, int dim, String realMean, String realCov, int realCount,
            String heldOutSample, int heldOutCount, String shared, Map<String, String> sharedSha256) {
        /** The file names of the shared statistics inside {@code models/features/real/<key>/}, by role. */
        public static final Map<String, String> SHARED_FILES = Map.of("real_mean", "effnet_features_mean.npy",
                "real_cov", "effnet_features_cov.npy", "held_out_sample", "effnet_features_heldout.npy");

        /** An in-bundle form. */
        public ReferenceFeatures(String network, String onnxSha256, int dim, String realMean, String realCov, int realCount,
                String heldOutSample, int heldOutCount) {
            this(network, onnxSha256, dim, realMean, realCov, realCount, heldOutSample, heldOutCount, null, Map.of());
        }

        /** Whether the arrays are the shared statistics {@link #shared()} rather than bundle files. */
        public boolean isShared() {
            return shared != null;
        }
    }

    /** The reference-feature statistics, empty for a bundle exported before them. */
    public Optional<ReferenceFeatures> reference() {
        return Optional.ofNullable(referenceFeatures);
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

    /** The main group (the first; its classes are {@link #classes()}). */
    public ConceptGroup mainGroup() {
        return groups.get(0);
    }

    public Optional<ConceptGroup> group(String groupName) {
        return groups.stream().filter(g -> g.name().equals(groupName)).findFirst();
    }
}
