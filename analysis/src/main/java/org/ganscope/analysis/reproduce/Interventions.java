package org.ganscope.analysis.reproduce;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.Progress;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.dissect.Upsampler;
import org.ganscope.analysis.intervene.Edits;
import org.ganscope.analysis.intervene.AblationCurve;
import org.ganscope.analysis.intervene.Region;
import org.ganscope.analysis.metrics.Frechet;
import org.ganscope.analysis.metrics.GeneratedFeatures;
import org.ganscope.analysis.metrics.ReferenceFd;
import org.ganscope.analysis.metrics.ReferenceNetwork;
import org.ganscope.analysis.model.LayerModel;

/**
 * The measurements of reproduce v3, each for many unit sets on the same images (h_L once per
 * image, f_L and the segmenter per set): unit activation sizes, class removal by ablation,
 * insertion effects per image and context group, and FD (EfficientNet-Lite0) with sets ablated.
 */
public final class Interventions {
    private Interventions() {
    }

    /** Per unit, its activation averaged over pixels and {@code samples} images of {@code seed}. */
    public static double[] meanActivation(LayerModel m, int samples, long seed) {
        int units = m.layer().units();
        int hw = m.layer().pixels();
        double[] out = new double[units];
        for (long s = 0; s < samples; s += m.maxBatch()) {
            int b = (int) Math.min(m.maxBatch(), samples - s);
            m.represent(seed, s, b);
            float[] r = m.activations();
            for (int i = 0; i < b; i++) {
                for (int u = 0; u < units; u++) {
                    double t = 0;
                    for (int p = 0, o = (i * units + u) * hw; p < hw; p++) {
                        t += r[o + p];
                    }
                    out[u] += t / hw;
                }
            }
        }
        for (int u = 0; u < units; u++) {
            out[u] /= samples;
        }
        return out;
    }

    /** Per unit, its upsampled activation averaged over the pixels labelled {@code cls} in {@code samples} images (Insertion's k, MEAN mode, for every unit). */
    public static float[] meanInsideClass(LayerModel m, int cls, int samples, long seed) {
        var layer = m.layer();
        int units = layer.units();
        int seg = m.segPixels();
        int res = (int) Math.round(Math.sqrt(seg));
        Upsampler up = new Upsampler(layer.height(), layer.width(), res, res);
        double[] plane = new double[seg];
        double[] sum = new double[units];
        long count = 0;
        for (long s = 0; s < samples; s += m.maxBatch()) {
            int b = (int) Math.min(m.maxBatch(), samples - s);
            m.generate(seed, s, b);
            int[] labels = m.labels();
            float[] r = m.activations();
            for (int i = 0; i < b; i++) {
                int lo = i * seg;
                boolean any = false;
                for (int p = 0; p < seg && !any; p++) {
                    any = labels[lo + p] == cls;
                }
                if (!any) {
                    continue;
                }
                for (int u = 0; u < units; u++) {
                    up.apply(r, (i * units + u) * layer.pixels(), plane, 0);
                    for (int p = 0; p < seg; p++) {
                        if (labels[lo + p] == cls) {
                            sum[u] += plane[p];
                            if (u == 0) {
                                count++;
                            }
                        }
                    }
                }
            }
        }
        if (count == 0) {
            throw new AnalysisException("class " + cls + " does not occur in " + samples + " generated images of seed " + seed);
        }
        float[] k = new float[units];
        for (int u = 0; u < units; u++) {
            k[u] = (float) (sum[u] / count);
        }
        return k;
    }

    /**
     * Ablation: the images of {@code seed} are scanned in order (at most {@code maxScan}) until
     * {@code images} contain class {@code cls}; for each set, its units are zeroed at every pixel
     * and the fraction of the class's pixels (over those images) that disappears is returned.
     * {@code imagesUsed[0]} receives how many images contained the class.
     */
    public static double[] removed(LayerModel m, int cls, int[][] sets, int images, int maxScan, long seed, int[] imagesUsed,
            Progress progress) {
        int units = m.layer().units();
        int hw = m.layer().pixels();
        int seg = m.segPixels();
        int batch = m.maxBatch();
        float[] orig = new float[batch * units * hw];
        float[] edit = new float[orig.length];
        boolean[] has = new boolean[batch];
        long before = 0;
        long[] after = new long[sets.length];
        int found = 0;
        progress.begin("ablation (" + sets.length + " unit sets)", images, "images with the class");
        for (long s = 0; s < maxScan && found < images; s += batch) {
            int b = (int) Math.min(batch, maxScan - s);
            m.generate(seed, s, b);
            System.arraycopy(m.activations(), 0, orig, 0, b * units * hw);
            int[] labels = m.labels();
            int here = 0;
            for (int i = 0; i < b; i++) {
                long c = AblationCurve.count(labels, i * seg, seg, cls);
                has[i] = c > 0 && found + here < images;
                if (has[i]) {
                    before += c;
                    here++;
                }
            }
            if (here == 0) {
                continue;
            }
            for (int k = 0; k < sets.length; k++) {
                System.arraycopy(orig, 0, edit, 0, b * units * hw);
                Edits.ablate(edit, b, units, hw, sets[k]);
                m.renderEdited(edit, b);
                int[] la = m.labels();
                for (int i = 0; i < b; i++) {
                    if (has[i]) {
                        after[k] += AblationCurve.count(la, i * seg, seg, cls);
                    }
                }
            }
            found += here;
            progress.advance(here);
        }
        progress.end();
        imagesUsed[0] = found;
        double[] out = new double[sets.length];
        for (int k = 0; k < sets.length; k++) {
            out[k] = before == 0 ? Double.NaN : (double) (before - after[k]) / before;
        }
        return out;
    }

    /**
     * Insertion by image: in each of {@code images} images of {@code seed}, every tile (side
     * {@code regionSize} on the feature grid) whose majority class before the edit is in one of
     * the {@code groups} is edited once per set (the set's units set to its constants
     * {@code k[set][j]} inside the tile) and the segmenter's probability of {@code cls} inside the
     * tile's footprint is compared with the unedited image. Returns {@code effect[set][group][image]},
     * the sum of the tiles' effects (mean over the footprint's pixels), and {@code tiles[group][image]}
     * in the last entry's slot via {@link ByImage}.
     */
    public static ByImage insertion(LayerModel m, int cls, int[][] sets, float[][] k, List<Set<Integer>> groups, int images, long seed,
            int regionSize, Progress progress) {
        var layer = m.layer();
        int u = layer.units();
        int hw = layer.pixels();
        int seg = m.segPixels();
        int res = (int) Math.round(Math.sqrt(seg));
        int classes = m.numClasses();
        List<Region> regions = Region.tilesOf(layer, regionSize);
        double[][][] effect = new double[sets.length][groups.size()][images];
        double[][] tiles = new double[groups.size()][images];
        float[] orig = new float[u * hw];
        float[] edit = new float[m.maxBatch() * u * hw];
        float[] before = new float[seg];
        int[] labels0 = new int[seg];
        progress.begin("insertion (" + sets.length + " unit sets)", images, "images");
        for (int img = 0; img < images; img++) {
            m.generate(seed, img, 1);
            System.arraycopy(m.activations(), 0, orig, 0, u * hw);
            System.arraycopy(m.labels(), 0, labels0, 0, seg);
            FloatBuffer pr = m.probabilities();
            for (int p = 0; p < seg; p++) {
                before[p] = pr.get(cls * seg + p);
            }
            List<int[]> eligible = new ArrayList<>(); // {region index, group}
            for (int t = 0; t < regions.size(); t++) {
                int[] votes = new int[classes];
                for (int p : regions.get(t).footprint(layer.height(), layer.width(), res)) {
                    votes[labels0[p]]++;
                }
                int ctx = 0;
                for (int c = 1; c < classes; c++) {
                    if (votes[c] > votes[ctx]) {
                        ctx = c;
                    }
                }
                for (int g = 0; g < groups.size(); g++) {
                    if (groups.get(g).contains(ctx)) {
                        eligible.add(new int[] {t, g});
                        tiles[g][img]++;
                        break;
                    }
                }
            }
            int per = m.maxBatch();
            for (int s = 0; s < sets.length; s++) {
                for (int c0 = 0; c0 < eligible.size(); c0 += per) {
                    int cnt = Math.min(per, eligible.size() - c0);
                    for (int j = 0; j < cnt; j++) {
                        System.arraycopy(orig, 0, edit, j * u * hw, u * hw);
                        Edits.setInRegion(edit, j, u, layer.height(), layer.width(), sets[s], k[s], 1f, regions.get(eligible.get(c0 + j)[0]));
                    }
                    m.renderEdited(edit, cnt);
                    FloatBuffer probs = m.probabilities();
                    for (int j = 0; j < cnt; j++) {
                        int[] fp = regions.get(eligible.get(c0 + j)[0]).footprint(layer.height(), layer.width(), res);
                        double d = 0;
                        for (int p : fp) {
                            d += probs.get((j * classes + cls) * seg + p) - before[p];
                        }
                        effect[s][eligible.get(c0 + j)[1]][img] += d / fp.length;
                    }
                }
            }
            progress.advance(1);
        }
        progress.end();
        return new ByImage(effect, tiles);
    }

    /** {@code effect[set][group][image]}: summed tile effects; {@code tiles[group][image]}: how many tiles. */
    public record ByImage(double[][][] effect, double[][] tiles) {
        /** The mean effect per tile of a set in a group (ratio of sums over images). */
        public double mean(int set, int group) {
            double s = 0;
            double n = 0;
            for (int i = 0; i < tiles[group].length; i++) {
                s += effect[set][group][i];
                n += tiles[group][i];
            }
            return n == 0 ? Double.NaN : s / n;
        }
    }

    /**
     * FD (EfficientNet-Lite0) of {@code samples} images of {@code seed}, once per set with its units
     * ablated (an empty set: none); {@link ReferenceFd#prepare} refuses fewer samples than the
     * feature dimension, naming {@code samplesField}.
     */
    public static double[] referenceFds(Bundle b, String layer, int[][] sets, int samples, long seed, int batch, String samplesField,
            Progress progress) {
        ReferenceNetwork net = ReferenceFd.prepare(b, samples, samplesField);
        Frechet.Prepared real = ReferenceFd.realPrepared(b, net);
        double[] out = new double[sets.length];
        float[] f = new float[Math.multiplyExact(samples, net.dim())];
        Progress quiet = new Progress() {
            @Override
            public void begin(String phase, long total, String unit) {
            }

            @Override
            public void advance(long n) {
                progress.advance(n);
            }

            @Override
            public void end() {
            }
        };
        progress.begin("FD (EfficientNet-Lite0) of " + sets.length + " unit set(s)", (long) sets.length * samples, "images");
        for (int s = 0; s < sets.length; s++) {
            GeneratedFeatures.compute(b, layer, sets[s], samples, seed, batch, null, null, quiet, net, f);
            Frechet.Stats gen = Frechet.Stats.of(f, samples, net.dim());
            out[s] = real.distance(gen.mean(), gen.cov());
        }
        progress.end();
        return out;
    }

}
