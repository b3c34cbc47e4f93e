package org.ganscope.ops.bench;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.ganscope.db.BundleRepository;
import org.ganscope.db.Database;
import org.ganscope.db.EmbeddedDatabase;
import org.ganscope.db.ExperimentRepository;
import org.ganscope.analysis.Progress;
import org.ganscope.analysis.cli.ConsoleProgress;

/**
 * {@code ganscope bench grid [--experiments 10000] [--reps 200]}: fills a fresh embedded
 * PostgreSQL with N experiments (names, tags, statuses, parameters and six steps each, like
 * real ones) and
 * times what the dashboard's experiments grid does to show a page: the page query (50
 * rows, the grid's page size) plus the count, for the first page, a deep page, a search, a
 * status filter and a tag filter. Prints p50/p95 per case and ends with
 * {@code grid_p95_ms=X experiments=N} (the goal is under 200 ms).
 */
public final class GridBench {
    private GridBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = 10_000;
        int reps = 200;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--experiments" -> n = Integer.parseInt(args[i + 1]);
                case "--reps" -> reps = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; options: --experiments N --reps R");
            }
        }
        Path dir = Files.createTempDirectory("ganscope-bench-grid");
        try (EmbeddedDatabase pg = EmbeddedDatabase.start(dir.resolve("pg"), 0);
             HikariDataSource ds = Database.connect(pg.jdbcUrl("postgres"), "postgres", pg.superuserPassword(), 4)) {
            Database.migrate(ds);
            long bundle = new BundleRepository(ds).register("0".repeat(64), "outdoor-base-s100", "outdoor", "base", "/bundles/outdoor-base-s100", "{}");
            long t0 = System.nanoTime();
            fill(ds, bundle, n);
            System.out.printf(Locale.ROOT, "filled %d experiments in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
            ExperimentRepository repo = new ExperimentRepository(ds);
            Map<String, ExperimentRepository.Query> cases = new LinkedHashMap<>();
            cases.put("first page", new ExperimentRepository.Query(null, null, null, null, null, "created", false));
            cases.put("search 'trees 77'", new ExperimentRepository.Query("trees 77", null, null, null, null, "created", false));
            cases.put("status FAILED", new ExperimentRepository.Query(null, "FAILED", null, null, null, "created", false));
            cases.put("tag 'sweep-3'", new ExperimentRepository.Query(null, null, null, null, "sweep-3", "created", false));
            double worst = 0;
            Progress progress = ConsoleProgress.forCommand("bench grid");
            for (var e : cases.entrySet()) {
                worst = Math.max(worst, measure(e.getKey(), repo, e.getValue(), 0, reps, progress));
            }
            worst = Math.max(worst, measure("deep page (offset n/2)", repo, cases.get("first page"), n / 2, reps, progress));
            System.out.printf(Locale.ROOT, "grid_p95_ms=%.1f experiments=%d%n", worst, n);
        }
    }

    private static void fill(HikariDataSource ds, long bundle, int n) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO experiments (name, bundle_id, params, status, notes, created_by, created_at) "
                    + "SELECT 'trees ' || i || ' of sweep ' || (i % 17), " + bundle + ", "
                    + "jsonb_build_object('samples', 1000 + i % 5 * 1000, 'seed', i, 'layers', jsonb_build_array('layer' || (1 + i % 4))), "
                    + "(ARRAY['QUEUED','RUNNING','SUCCEEDED','SUCCEEDED','SUCCEEDED','FAILED','CANCELLED'])[1 + i % 7], "
                    + "CASE WHEN i % 10 = 0 THEN 'note about run ' || i ELSE '' END, 'bench', now() - (i || ' seconds')::interval "
                    + "FROM generate_series(1, " + n + ") AS i");
            // six steps each, as a default experiment has: the page query reads their progress and timing per row
            st.execute("INSERT INTO steps (experiment_id, name, layer, status, attempt, progress_done, progress_total, started_at, finished_at) "
                    + "SELECT e.id, s.name, CASE WHEN s.k = 0 THEN 'layer2' ELSE '' END, "
                    + "CASE WHEN e.status = 'QUEUED' THEN 'QUEUED' ELSE e.status END, CASE WHEN e.status = 'QUEUED' THEN 0 ELSE 1 END, 40, 80, "
                    + "CASE WHEN e.status = 'QUEUED' THEN NULL ELSE e.created_at + (s.k || ' minutes')::interval END, "
                    + "CASE WHEN e.status = 'SUCCEEDED' THEN e.created_at + ((s.k + 1) || ' minutes')::interval END "
                    + "FROM experiments e CROSS JOIN (VALUES (0, 'dissect'), (1, 'metrics'), (2, 'explain'), (3, 'intervene'), (4, 'optimize'),"
                    + " (5, 'artifacts')) AS s(k, name)");
            st.execute("INSERT INTO experiment_tags (experiment_id, tag) SELECT id, 'sweep-' || (id % 17) FROM experiments");
            st.execute("INSERT INTO experiment_tags (experiment_id, tag) SELECT id, 'demo' FROM experiments WHERE id % 3 = 0");
            st.execute("ANALYZE");
        }
    }

    /** Page (50 rows) plus count, as the grid's data provider calls them; returns p95 in ms. */
    private static double measure(String name, ExperimentRepository repo, ExperimentRepository.Query q, int offset, int reps,
            Progress progress) {
        double[] ms = new double[reps];
        int rows = 0;
        progress.begin(name, reps + reps / 10, "page loads");
        for (int i = -reps / 10; i < reps; i++) {
            long t = System.nanoTime();
            rows = repo.list(q, offset, 50).size();
            repo.count(q);
            if (i >= 0) {
                ms[i] = (System.nanoTime() - t) / 1e6;
            }
            progress.advance(1);
        }
        progress.end();
        Arrays.sort(ms);
        double p50 = ms[reps / 2];
        double p95 = ms[(int) Math.ceil(reps * 0.95) - 1];
        System.out.printf(Locale.ROOT, "  %-24s rows %2d   p50 %6.2f ms   p95 %6.2f ms%n", name, rows, p50, p95);
        return p95;
    }
}
