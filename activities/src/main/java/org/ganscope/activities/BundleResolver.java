package org.ganscope.activities;

import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleLoader;

/** Loads bundles on a worker, checks they are the bundle the experiment was launched on, caches them by hash. */
public final class BundleResolver {
    private final ConcurrentHashMap<String, Bundle> cache = new ConcurrentHashMap<>();

    public Bundle resolve(String hash, String path) {
        Bundle cached = cache.get(hash);
        if (cached != null) {
            return cached;
        }
        Bundle b = BundleLoader.load(Path.of(path));
        if (!b.hash().equals(hash)) {
            throw new AnalysisException("bundle at " + path + " has hash " + b.hash().substring(0, 12) + "..., but the experiment was launched on "
                    + hash.substring(0, Math.min(12, hash.length())) + "...: bundles are immutable, register the new one instead");
        }
        cache.put(hash, b);
        return b;
    }
}
