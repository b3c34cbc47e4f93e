package org.ganscope.services.bundle;

import java.nio.file.Path;
import java.util.List;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleCatalog;
import org.ganscope.analysis.bundle.BundleLoader;
import org.ganscope.db.BundleRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import java.util.ArrayList;
import org.springframework.beans.factory.annotation.Value;

/** Registers the bundles found under the default roots (the demo zoo, ~/.ganscope/bundles) at start. */
@Service
public class BundleService {
    private static final Logger LOG = LoggerFactory.getLogger(BundleService.class);
    private final BundleRepository bundles;
    private final Path uploaded;

    public BundleService(BundleRepository bundles, @Value("${ganscope.data-dir}") String dataDir) {
        this.bundles = bundles;
        this.uploaded = Path.of(dataDir, "bundles");
    }

    @EventListener(ApplicationReadyEvent.class)
    public void registerDefaults() {
        List<Path> roots = new ArrayList<>(BundleCatalog.defaultRoots());
        roots.add(uploaded); // uploads
        for (Path p : BundleCatalog.find(roots)) {
            try {
                register(p);
            } catch (AnalysisException e) {
                LOG.warn("skipping bundle {}: {}", p, e.getMessage());
            }
        }
    }

    public long register(Path dir) {
        Bundle b = BundleLoader.load(dir);
        long id = bundles.register(b.hash(), b.name(), b.manifest().dataset(), b.manifest().variant(), b.dir().toString(),
                b.manifest().raw().toString());
        LOG.info("bundle {} registered ({})", b.name(), b.hash().substring(0, 12));
        return id;
    }

    /** Every registered bundle, by dataset and name. */
    public List<BundleSummary> all() {
        return bundles.all().stream().map(BundleSummary::of).toList();
    }
}
