package org.ganscope.analysis.metrics;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import org.ganscope.analysis.Progress;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.Manifest;
import org.ganscope.analysis.intervene.Edits;
import org.ganscope.analysis.ort.Graph;
import org.ganscope.analysis.ort.OrtRuntime;
import org.ganscope.analysis.sample.Latents;

/**
 * Feature vectors of generated images for Frechet-distance-style metrics: z(seed, i) ->
 * h_L -> [optional ablation of units] -> f_L -> the bundle's feature network. Returns
 * float features [samples][dim], row i for sample i.
 */
public final class GeneratedFeatures {
    private GeneratedFeatures() {
    }

    public static float[] compute(Bundle b, String layerName, int[] ablate, int samples, long seed, int batch) {
        return compute(b, layerName, ablate, samples, seed, batch, null);
    }

    /** As above; also copies the first images (as many as {@code images} holds, [n][3][S][S]) into {@code images}. */
    public static float[] compute(Bundle b, String layerName, int[] ablate, int samples, long seed, int batch, float[] images) {
        return compute(b, layerName, ablate, samples, seed, batch, images, null);
    }

    /** As above with another feature network (an ONNX graph taking the bundle's images), or the bundle's when null. */
    public static float[] compute(Bundle b, String layerName, int[] ablate, int samples, long seed, int batch, float[] images,
            Path featureGraph) {
        return compute(b, layerName, ablate, samples, seed, batch, images, featureGraph, Progress.NONE);
    }

    /** As above, reporting the generated samples to {@code progress}. */
    public static float[] compute(Bundle b, String layerName, int[] ablate, int samples, long seed, int batch, float[] images,
            Path featureGraph, Progress progress) {
        return compute(b, layerName, ablate, samples, seed, batch, images, featureGraph, progress, null, null);
    }

    /**
     * As above; with {@code reference} non-null the same images also go through that network
     * (the metrics' independent features), into {@code referenceOut} [samples][reference.dim()].
     */
    public static float[] compute(Bundle b, String layerName, int[] ablate, int samples, long seed, int batch, float[] images,
            Path featureGraph, Progress progress, ReferenceNetwork reference, float[] referenceOut) {
        Manifest m = b.manifest();
        Manifest.Layer layer = b.layer(layerName);
        Path fg = featureGraph != null ? featureGraph : b.file(m.features().file());
        int dim;
        try (Graph probe = new Graph(fg.getFileName().toString(), fg)) {
            dim = (int) probe.outputItemShape(0)[0];
        }
        int rSize = layer.units() * layer.pixels();
        int s = m.imageSize();
        float[] out = new float[Math.multiplyExact(samples, dim)];
        boolean arena = OrtRuntime.arenaFor((long) batch * 3 * s * s * Float.BYTES);
        try (Graph h = new Graph(layer.hFile(), b.file(layer.hFile()), arena);
             Graph f = new Graph(layer.fFile(), b.file(layer.fFile()), arena);
             Graph feat = new Graph(fg.getFileName().toString(), fg, arena);
             Graph ref = reference == null ? null : reference.open(arena)) {
            int refDim = reference == null ? 0 : reference.dim();
            if (ref != null && referenceOut.length != (long) samples * refDim) {
                throw new IllegalArgumentException("referenceOut holds " + referenceOut.length + " floats, need " + samples + " x " + refDim);
            }
            FloatBuffer rv = ref == null ? null : Graph.directFloats((long) batch * refDim);
            FloatBuffer z = Graph.directFloats((long) batch * m.zdim());
            FloatBuffer r = Graph.directFloats((long) batch * rSize);
            FloatBuffer x = Graph.directFloats((long) batch * 3 * s * s);
            FloatBuffer fv = Graph.directFloats((long) batch * dim);
            float[] heap = ablate.length > 0 ? new float[batch * rSize] : null;
            progress.begin("generated samples", samples, "img");
            for (int start = 0; start < samples; start += batch) {
                int n = Math.min(batch, samples - start);
                Latents.fillBatch(seed, start, n, m.zdim(), z);
                h.run(z, n, r);
                if (heap != null) {
                    r.position(0);
                    r.get(heap, 0, n * rSize);
                    Edits.ablate(heap, n, layer.units(), layer.pixels(), ablate);
                    r.position(0);
                    r.put(heap, 0, n * rSize);
                    r.position(0);
                }
                f.runTailSubBatched(r, z, n, Graph.defaultSubBatch(), x);
                if (images != null && (long) start * 3 * s * s < images.length) {
                    int len = (int) Math.min((long) n * 3 * s * s, images.length - (long) start * 3 * s * s);
                    x.position(0);
                    x.get(images, start * 3 * s * s, len);
                    x.position(0);
                }
                feat.runSubBatched(x, n, Graph.defaultSubBatch(), fv);
                fv.position(0);
                fv.get(out, start * dim, n * dim);
                fv.position(0);
                if (ref != null) {
                    ReferenceNetwork.run(ref, x, s, n, rv);
                    rv.position(0);
                    rv.get(referenceOut, start * refDim, n * refDim);
                    rv.position(0);
                }
                progress.advance(n);
            }
            progress.end();
        }
        return out;
    }
}
