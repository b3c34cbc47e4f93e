package org.ganscope.activities;

import org.ganscope.activities.store.ArtifactStore;
import org.ganscope.db.ResultRepository;
import org.ganscope.db.StepRepository;

/**
 * What every model-work activity uses, shared by all of a worker's activities: one bundle
 * cache (each bundle is hashed and checked once per worker), the artifact store, and the
 * step and result repositories.
 */
public record ModelWork(BundleResolver bundles, ArtifactStore store, StepRepository steps, ResultRepository results) {
}
