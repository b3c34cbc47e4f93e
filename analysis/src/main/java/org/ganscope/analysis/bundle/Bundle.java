package org.ganscope.analysis.bundle;

import java.nio.file.Path;

/**
 * A loaded model bundle: its directory, parsed manifest and content hash (the SHA-256
 * of manifest.json, which lists the SHA-256 of every other file, so it addresses the
 * whole bundle). Loading checks every hash; see {@link BundleLoader}.
 */
public record Bundle(Path dir, Manifest manifest, String hash) {
    public Path file(String relative) {
        return dir.resolve(relative);
    }

    public String name() {
        return manifest.name();
    }

    public Manifest.Layer layer(String layerName) {
        return manifest.layer(layerName).orElseThrow(() -> new BundleException("bundle " + manifest.name()
                + " has no layer '" + layerName + "' (layers: "
                + manifest.layers().stream().map(Manifest.Layer::name).toList() + ")"));
    }
}
