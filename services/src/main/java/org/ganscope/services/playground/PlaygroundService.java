package org.ganscope.services.playground;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.ganscope.activities.BundleResolver;
import org.ganscope.activities.store.ArtifactStore;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.intervene.ClassIou;
import org.ganscope.analysis.intervene.Insertion;
import org.ganscope.analysis.intervene.PaintEdit;
import org.ganscope.analysis.intervene.UnitRanking;
import org.ganscope.analysis.model.LayerModel;
import org.ganscope.services.bundle.BundleSummary;
import org.ganscope.db.StepRepository;
import org.springframework.stereotype.Service;
import org.ganscope.analysis.dissect.UnitImages;

/**
 * The playground's engine (GANPaint-like): the top-n units of a class come from the
 * newest dissection of that bundle and layer (its stored result); an edit runs only f and
 * the segmenter on one image, so it takes milliseconds on a CPU. Layer models and
 * insertion constants are kept for the last few (bundle, layer, class) choices.
 */
@Service
public class PlaygroundService {
    /**
     * An edit's outcome: the panel as PNG (before | after | the change amplified {@code gain} times; below, the class as the
     * segmenter sees it before and after, and where it was lost or gained), the class's share of the painted region
     * before and after, the mean and largest change of the picture (levels of 0..255), the units used.
     */
    public record Edit(byte[] png, double before, double after, long regionPixels, int[] units, long millis, double meanChange,
            int maxChange, int gain) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KEEP = 3;
    private final StepRepository steps;
    private final ArtifactStore store;
    private final BundleResolver bundles;
    private final Map<String, LayerModel> models = lru(KEEP, true);
    private final Map<String, float[]> constants = lru(32, false);

    public PlaygroundService(StepRepository steps, ArtifactStore store, BundleResolver bundles) {
        this.steps = steps;
        this.store = store;
        this.bundles = bundles;
    }

    /** The top-n units of the class by IoU in the newest dissection of this bundle and layer. */
    public int[] topUnits(BundleSummary row, String layer, String className, int n) throws IOException {
        String key = steps.latestResultKey(row.id(), "dissect", layer).orElseThrow(() -> new IllegalArgumentException(
                "no dissection of " + row.name() + " " + layer + " yet: launch one (the playground uses its units)"));
        JsonNode d = JSON.readTree(store.get(key, ".json").orElseThrow(() -> new IllegalArgumentException(
                "the dissection result " + key.substring(0, 12) + " is missing from the artifact store; re-run it")));
        Bundle b = bundles.resolve(row.hash(), row.path());
        return UnitRanking.top(ClassIou.of(b, d, className).iou(), n);
    }

    public Edit paint(BundleSummary row, String layer, long seed, long index, String className, int n, boolean insert, boolean[] mask)
            throws IOException {
        return paint(row, layer, seed, index, className, n, null, insert, mask);
    }

    /**
     * As {@link #paint(BundleSummary, String, long, long, String, int, boolean, boolean[])}, but with the units given
     * ({@code chosen}, e.g. the one unit a unit page opened the playground with) instead of the class's top n; null: the top n.
     */
    public Edit paint(BundleSummary row, String layer, long seed, long index, String className, int n, int[] chosen, boolean insert,
            boolean[] mask) throws IOException {
        if (chosen == null && (n < 1 || n > 512)) {
            throw new IllegalArgumentException("units must be 1..512");
        }
        if (index < 0 || seed < 0) {
            throw new IllegalArgumentException("seed and sample index must be >= 0");
        }
        Bundle b = bundles.resolve(row.hash(), row.path());
        int classIndex = b.manifest().classes().stream().filter(c -> c.name().equals(className)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown class " + className)).index();
        int layerUnits = b.layer(layer).units();
        if (chosen != null && (chosen.length == 0 || java.util.Arrays.stream(chosen).anyMatch(u -> u < 0 || u >= layerUnits))) {
            throw new IllegalArgumentException("units must be numbers from 0 to " + (layerUnits - 1));
        }
        int[] units = chosen != null ? chosen.clone() : topUnits(row, layer, className, n);
        LayerModel m = model(b, layer);
        synchronized (m) {
            float[] k = null;
            if (insert) {
                String ck = b.hash() + "|" + layer + "|" + className + "|" + java.util.Arrays.toString(units);
                synchronized (constants) {
                    k = constants.get(ck);
                }
                if (k == null) {
                    k = Insertion.constants(m, classIndex, units, 64, 77, Insertion.KMode.MEAN);
                    synchronized (constants) {
                        constants.put(ck, k);
                    }
                }
            }
            long t0 = System.nanoTime();
            PaintEdit.Result r = PaintEdit.apply(m, seed, index, classIndex, units, k, mask, 4);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(r.image(), "png", out);
            return new Edit(out.toByteArray(), r.before(), r.after(), r.regionPixels(), units, ms, r.meanChange(), r.maxChange(), r.gain());
        }
    }

    /** Sample {@code index} of {@code seed}, PNG (no overlay), from the layer model the edits use (kept open). */
    public byte[] sample(BundleSummary row, String layer, long seed, long index) throws IOException {
        LayerModel m = model(bundles.resolve(row.hash(), row.path()), layer);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        synchronized (m) {
            ImageIO.write(UnitImages.image(m, seed, index), "png", out);
        }
        return out.toByteArray();
    }

    /** Layer height and width, for the paint grid. */
    public int[] layerSize(BundleSummary row, String layer) {
        var l = bundles.resolve(row.hash(), row.path()).layer(layer);
        return new int[] {l.height(), l.width()};
    }

    private LayerModel model(Bundle b, String layer) {
        String key = b.hash() + "|" + layer;
        synchronized (models) {
            return models.computeIfAbsent(key, x -> new LayerModel(b, layer, 16));
        }
    }

    private static <V> Map<String, V> lru(int size, boolean close) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                if (size() <= size) {
                    return false;
                }
                if (close && eldest.getValue() instanceof LayerModel m) {
                    synchronized (m) {
                        m.close();
                    }
                }
                return true;
            }
        };
    }
}
