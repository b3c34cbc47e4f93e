package org.ganscope.activities;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.ganscope.activities.store.ArtifactStore;
import org.ganscope.db.ResultRepository;
import org.ganscope.db.ShardRunRepository;
import org.ganscope.db.StepRepository;

/**
 * What every model-work activity uses, shared by all of a worker's activities: one bundle
 * cache (each bundle is hashed and checked once per worker), the artifact store, the
 * repositories, and the worker's name (recorded with each shard attempt it runs).
 */
public record ModelWork(BundleResolver bundles, ArtifactStore store, StepRepository steps, ResultRepository results,
        ShardRunRepository shardRuns, String worker) {

    /** This process's default worker name: pid@host, as Temporal names workers. */
    public static String defaultWorkerName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return ProcessHandle.current().pid() + "@" + host;
    }
}
