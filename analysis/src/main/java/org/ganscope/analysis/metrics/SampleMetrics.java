package org.ganscope.analysis.metrics;

import java.nio.file.Path;
import java.util.Arrays;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.Progress;
import org.ganscope.analysis.bundle.Bundle;

/**
 * Metrics of a generator's samples against the bundle's real data, in the bundle's own
 * feature space: "domain FD" (Frechet distance, SPEC section 6; never called FID unless
 * the features are Inception-v3's) and precision/recall/density/coverage (section 7,
 * k = 5, against the real feature sample, with as many generated samples), and the
 * sliced Wasserstein distance on images (ProGAN's SWD) between the bundle's held-out
 * real images and as many generated ones.
 */
public record SampleMetrics(double domainFd, Prdc prdc, SlicedWasserstein.Result swd, int samples) {
    public static SampleMetrics compute(Bundle b, String layer, int[] ablate, int samples, long seed, int batch) {
        return compute(b, layer, ablate, samples, seed, batch, null);
    }

    /**
     * With {@code featureGraph} (e.g. an Inception-v3 pool-features ONNX graph taking the
     * bundle's images) the real statistics come from the bundle's held-out real images
     * through that network; then the Frechet distance is an FID when the graph is Inception's.
     */
    public static SampleMetrics compute(Bundle b, String layer, int[] ablate, int samples, long seed, int batch, Path featureGraph) {
        return compute(b, layer, ablate, samples, seed, batch, featureGraph, Progress.NONE);
    }

    /** As above, reporting the generated samples to {@code progress}. */
    public static SampleMetrics compute(Bundle b, String layer, int[] ablate, int samples, long seed, int batch, Path featureGraph,
            Progress progress) {
        return measure(b, layer, ablate, samples, seed, batch, featureGraph, progress, 0, 0).metrics();
    }

    /**
     * The metrics with their bootstrap intervals and the real floor ({@link MetricIntervals});
     * {@code reference}: FD on the independent feature network, null when not asked for.
     */
    public record Measured(SampleMetrics metrics, MetricIntervals intervals, ReferenceFd reference) {
    }

    /**
     * The metrics as {@link #compute}, bit-identical, and with {@code replicates > 0} their
     * bootstrap intervals over the generated samples (seeded by {@code intervalSeed}).
     */
    public static Measured measure(Bundle b, String layer, int[] ablate, int samples, long seed, int batch, Path featureGraph,
            Progress progress, int replicates, long intervalSeed) {
        return measure(b, layer, ablate, samples, seed, batch, featureGraph, progress, replicates, intervalSeed, null);
    }

    /**
     * As above, and with {@code referenceSamplesField} non-null also {@link ReferenceFd} ("FD
     * (EfficientNet-Lite0)") of the same generated images, in the same generator pass; where it
     * cannot be measured (see {@link ReferenceFd#prepare}) it is not available with the reason,
     * and the other metrics are measured as without it. {@code referenceSamplesField} names the
     * sample count in errors (e.g. {@code --samples}).
     */
    public static Measured measure(Bundle b, String layer, int[] ablate, int samples, long seed, int batch, Path featureGraph,
            Progress progress, int replicates, long intervalSeed, String referenceSamplesField) {
        ReferenceNetwork net = null;
        String why = null;
        if (referenceSamplesField != null) {
            try {
                net = ReferenceFd.prepare(b, samples, referenceSamplesField);
            } catch (AnalysisException e) { // BundleException is one too
                why = e.getMessage();
            }
        }
        float[] refFeatures = net == null ? null : new float[Math.multiplyExact(samples, net.dim())];
        RealFeatures real = featureGraph == null ? RealFeatures.of(b) : RealFeatures.through(b, featureGraph);
        float[] realImages = RealImages.load(b);
        int s = b.manifest().imageSize();
        int nImages = Math.min(samples, realImages.length / (3 * s * s));
        float[] fakeImages = new float[nImages * 3 * s * s];
        float[] fake = GeneratedFeatures.compute(b, layer, ablate, samples, seed, batch, fakeImages, featureGraph, progress, net, refFeatures);
        SlicedWasserstein.Result swd = SlicedWasserstein.compute(Arrays.copyOf(realImages, fakeImages.length), fakeImages,
                nImages, s, 1234);
        MomentAccumulator moments = new MomentAccumulator(real.dim());
        moments.addAll(fake, samples);
        double fd = Frechet.distance(real.mean(), real.cov(), moments.mean(), moments.cov());
        int n = Math.min(samples, real.sampleCount());
        Prdc prdc = Prdc.compute(real.sample(), real.sampleCount(), Arrays.copyOf(fake, n * real.dim()), n, real.dim(), Prdc.DEFAULT_K);
        MetricIntervals ci = replicates > 0 ? MetricIntervals.bootstrap(real, fake, samples, replicates, intervalSeed) : null;
        ReferenceFd ref = null;
        if (referenceSamplesField != null) {
            try {
                ref = net == null ? ReferenceFd.notAvailable(why) : ReferenceFd.compute(b, net, refFeatures, samples, referenceSamplesField);
            } catch (AnalysisException e) { // e.g. shared statistics changed since prepare: FD n/a, the other metrics stand
                ref = ReferenceFd.notAvailable(e.getMessage());
            }
        }
        return new Measured(new SampleMetrics(fd, prdc, swd, samples), ci, ref);
    }
}
