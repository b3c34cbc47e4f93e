package org.ganscope.ops.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.ganscope.analysis.Progress;
import org.ganscope.analysis.cli.ConsoleProgress;
import org.ganscope.ops.cluster.LocalCluster;
import org.ganscope.ops.cluster.Reference;
import org.ganscope.app.config.TemporalDevServer;

/**
 * {@code ganscope chaos [--quick] [--worker-kills N] [--platform-kills M] [--seed S]}: the
 * reliability suite against a real local cluster (a platform node and two model worker
 * processes). Faults: worker processes SIGKILLed at random points of running experiments
 * (and restarted), the whole platform SIGKILLed and restarted, the artifact store made
 * unwritable mid-run, PostgreSQL frozen mid-run, many experiments
 * launched at once on one worker; then the bad-input
 * catalogue ({@link BadInputs}). Every experiment must complete with units bit-identical to
 * an uninterrupted in-process dissection, no duplicate rows, and at most one shard lost per
 * kill. Ends with {@code chaos: runs=N kills=K completed=C identical=I bad_inputs=B
 * rejected_cleanly=R lost=0}.
 */
public final class ChaosRun {
    private static final int SAMPLES = 480;
    private static final int SHARDS = 6;
    private final LocalCluster cluster;
    private final Path repo;
    private final Random random;
    private int runs;
    private int kills;
    private int completed;
    private int identical;
    private long maxLost;
    private int lost; // experiments lost (not completed) or results lost (not identical)
    private int workerSerial = 2;
    private int maxUnfinished; // shard attempts a run lost (killed mid-shard), at most
    private int outages;
    /** Where each wait for an experiment shows its steps (a bar on a terminal, periodic lines otherwise). */
    private final Progress progress = ConsoleProgress.forCommand("chaos");
    private final int scenarios;
    private int scenario;

    private ChaosRun(LocalCluster cluster, Path repo, long seed, int scenarios) {
        this.cluster = cluster;
        this.repo = repo;
        this.random = new Random(seed);
        this.scenarios = scenarios;
    }

    /** The figures of a chaos run. */
    /** @param maxShardsLost the most shard attempts any one run lost to a kill */
    public record Summary(int runs, int kills, int completed, int identical, int badInputs, int rejectedCleanly, int lost, int maxShardsLost,
            String server) {
        public String line() {
            return String.format(Locale.ROOT, "chaos: runs=%d kills=%d completed=%d identical=%d bad_inputs=%d rejected_cleanly=%d lost=%d server=%s",
                    runs, kills, completed, identical, badInputs, rejectedCleanly, lost, server);
        }

        public boolean passed() {
            return lost == 0 && completed == runs && identical == runs && rejectedCleanly == badInputs;
        }
    }

    /** The model steps, in the order the workflow runs them; a worker is killed inside each. */
    static final List<String> STEP_KINDS = List.of("dissect", "intervene", "optimize", "artifacts", "metrics", "explain");

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        int workerKills = quick ? 3 : 20;
        int platformKills = quick ? 1 : 5;
        int burst = quick ? 8 : 20;
        long seed = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> { }
                case "--worker-kills" -> workerKills = Integer.parseInt(args[++i]);
                case "--platform-kills" -> platformKills = Integer.parseInt(args[++i]);
                case "--burst" -> burst = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; options: --quick --worker-kills N --platform-kills M --burst B --seed S");
            }
        }
        Path repo = Path.of(System.getProperty("ganscope.home", System.getenv().getOrDefault("GANSCOPE_HOME", "."))).toAbsolutePath().normalize();
        String cli = System.getenv("GANSCOPE_TEMPORAL_CLI");
        Path temporal = TemporalDevServer.findCli(cli).orElse(null);
        Summary s = run(repo, Files.createTempDirectory("ganscope-chaos"), workerKills, platformKills, burst, seed, temporal,
                quick ? List.of("metrics") : STEP_KINDS);
        System.out.println(s.line());
        System.exit(s.passed() ? 0 : 1);
    }

    /**
     * Runs the suite on a fresh local cluster under {@code dir}; prints what happens as it goes.
     *
     * @param temporalCli the Temporal CLI whose dev server the platform runs on, or null for the in-memory test server
     */
    public static Summary run(Path repo, Path dir, int workerKills, int platformKills, int burst, long seed, Path temporalCli,
            List<String> stepKills) throws Exception {
        System.setProperty("ganscope.home", repo.toString());
        System.out.println("chaos: logs and data in " + dir);
        try (LocalCluster cluster = new LocalCluster(dir)) {
            cluster.platformArgs("--ganscope.upload.max-bytes=" + BadInputs.UPLOAD_CAP);
            if (temporalCli != null) {
                cluster.temporalDevServer(temporalCli);
            } else {
                cluster.platformArgs("--ganscope.temporal.mode=test");
            }
            cluster.startPlatform();
            cluster.startWorkers(dir.resolve("store"), 1, "w1", "w2");
            // worker kills, platform kills, kills inside steps, the unwritable store, the database outage, the burst
            ChaosRun c = new ChaosRun(cluster, repo, seed, workerKills + platformKills + stepKills.size() + 3);
            for (int k = 0; k < workerKills; k++) {
                c.workerKill(100 + k);
            }
            for (int k = 0; k < platformKills; k++) {
                c.platformKill(200 + k);
            }
            for (String kind : stepKills) {
                c.stepKill(250 + STEP_KINDS.indexOf(kind), kind);
            }
            c.unwritableStore(300);
            c.databaseOutage(350);
            c.burst(400, burst);
            BadInputs.Result bad = new BadInputs(cluster, repo).run();
            System.out.printf(Locale.ROOT, "faults: %d worker kills, %d platform kills, workers killed inside the steps %s, 1 unwritable store,"
                    + " %d database outage(s), a burst of %d launches%n", workerKills, platformKills, stepKills, c.outages, burst);
            System.out.printf(Locale.ROOT, "work lost: at most %d unfinished shard attempt(s) per run (one shard is %d images; the last"
                    + " progress they reported: at most %d images)%n", c.maxUnfinished, SAMPLES / SHARDS, c.maxLost);
            return new Summary(c.runs, c.kills, c.completed, c.identical, bad.tried(), bad.rejectedCleanly(), c.lost + bad.lost(),
                    c.maxUnfinished, cluster.temporalServer());
        }
    }

    private String body(long seed, String name) {
        return String.format(Locale.ROOT, "{\"name\": \"%s\", \"bundle\": \"outdoor-base\", \"layers\": [\"layer3\"], \"samples\": %d,"
                + " \"thresholdSamples\": 60, \"seed\": %d, \"shards\": %d, \"method\": \"quantile\", \"steps\": [\"dissect\"], \"tags\": [\"chaos\"]}",
                name, SAMPLES, seed, SHARDS);
    }

    /** Kill a random worker at a random point of a running experiment; start a replacement. */
    private void workerKill(long seed) throws Exception {
        scenario++;
        long id = cluster.launch(body(seed, "worker kill " + seed));
        runs++;
        Thread.sleep(500 + random.nextInt(3000));
        List<String> alive = cluster.workers();
        String victim = alive.get(random.nextInt(alive.size()));
        cluster.kill(victim);
        kills++;
        System.out.printf(Locale.ROOT, "  run %d: SIGKILL %s at a random point%n", id, victim);
        cluster.startWorkers(cluster.dir().resolve("store"), 1, "w" + (++workerSerial));
        check(id, seed);
    }

    /**
     * An experiment with every step; when the step {@code kind} is running, every model
     * worker is SIGKILLed (so the one running it surely dies) and a fresh one started: the
     * step is retried after the heartbeat timeout and the experiment completes with every
     * step SUCCEEDED once and its units identical.
     */
    private void stepKill(long seed, String kind) throws Exception {
        scenario++;
        int samples = 120;
        int shards = 2;
        String body = body(seed, "kill inside " + kind).replace("\"steps\": [\"dissect\"]",
                "\"steps\": [\"dissect\", \"intervene\", \"optimize\", \"artifacts\", \"metrics\", \"explain\"], \"classes\": [\"tree\"]")
                .replace("\"samples\": " + SAMPLES, "\"samples\": " + samples).replace("\"shards\": " + SHARDS, "\"shards\": " + shards);
        long id = cluster.launch(body);
        runs++;
        boolean caught = false;
        for (int i = 0; i < 6000 && !caught; i++) {
            for (JsonNode st : cluster.get("/api/experiments/" + id).get("steps")) {
                if (st.get("name").asText().equals(kind) && st.get("status").asText().equals("RUNNING")) {
                    caught = true;
                }
            }
            if (!caught) {
                Thread.sleep(100);
            }
        }
        if (!caught) {
            lost++;
            System.out.printf(Locale.ROOT, "  run %d: the %s step was never seen running%n", id, kind);
            return;
        }
        Thread.sleep(300);
        List<String> victims = cluster.workers();
        for (String w : victims) {
            cluster.kill(w);
            kills++;
        }
        System.out.printf(Locale.ROOT, "  run %d: SIGKILL every model worker %s inside the %s step%n", id, victims, kind);
        cluster.startWorkers(cluster.dir().resolve("store"), 1, "w" + (++workerSerial), "w" + (++workerSerial));
        check(id, seed, samples, shards);
        List<String> statuses = new ArrayList<>();
        for (JsonNode st : cluster.get("/api/experiments/" + id).get("steps")) {
            statuses.add(st.get("name").asText() + "=" + st.get("status").asText());
        }
        if (statuses.size() != STEP_KINDS.size() || !statuses.stream().allMatch(x -> x.endsWith("=SUCCEEDED"))) {
            lost++;
            System.out.printf(Locale.ROOT, "  run %d: steps after the kill: %s%n", id, statuses);
        }
    }

    /** Kill the whole platform node mid-run and start it again on the same data. */
    private void platformKill(long seed) throws Exception {
        scenario++;
        long id = cluster.launch(body(seed, "platform kill " + seed));
        runs++;
        Thread.sleep(1000 + random.nextInt(2000));
        cluster.killPlatformAndTemporal();
        kills++;
        System.out.printf(Locale.ROOT, "  run %d: SIGKILL the platform node (and the Temporal server it runs), restart it%n", id);
        cluster.startPlatform();
        check(id, seed);
    }

    /** The artifact store's folder replaced by a plain file for 8 s: writes fail, the step retries, then succeeds. */
    private void unwritableStore(long seed) throws Exception {
        scenario++;
        Path store = cluster.dir().resolve("store").resolve("artifacts");
        Path aside = store.resolveSibling("artifacts.aside");
        Files.createDirectories(store);
        Files.move(store, aside);
        Files.writeString(store, "not a directory: simulates a full or unwritable store");
        long id = cluster.launch(body(seed, "unwritable store " + seed));
        runs++;
        Thread.sleep(8000);
        String mid = cluster.get("/api/experiments/" + id).get("experiment").get("status").asText();
        Files.delete(store);
        Files.move(aside, store);
        System.out.printf(Locale.ROOT, "  run %d: artifact store unwritable for 8 s (status meanwhile %s), then back%n", id, mid);
        check(id, seed);
    }

    /**
     * PostgreSQL frozen (SIGSTOP on the postmaster and its backends) for 10 s mid-run, then
     * resumed: every database call of the platform and the workers stalls meanwhile; the run
     * pauses and continues. (PostgreSQL shut down and restarted under running workers is the
     * platform-kill scenario: the restarted platform stops the orphaned server and starts it
     * again, and the workers' pools reconnect.)
     */
    private void databaseOutage(long seed) throws Exception {
        scenario++;
        Path pgdata = cluster.dir().resolve("platform").resolve("pgdata");
        long pid = Long.parseLong(Files.readAllLines(pgdata.resolve("postmaster.pid")).get(0).trim());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no PostgreSQL at pid " + pid));
        long id = cluster.launch(body(seed, "database outage " + seed));
        runs++;
        Thread.sleep(1500);
        List<ProcessHandle> all = new ArrayList<>(List.of(postmaster));
        postmaster.descendants().forEach(all::add);
        for (ProcessHandle h : all) {
            exec("kill", "-STOP", Long.toString(h.pid()));
        }
        outages++;
        Thread.sleep(10_000);
        for (ProcessHandle h : all) {
            exec("kill", "-CONT", Long.toString(h.pid()));
        }
        System.out.printf(Locale.ROOT, "  run %d: PostgreSQL frozen for 10 s mid-run (%d processes), then resumed%n", id, all.size());
        check(id, seed);
    }

    private static void exec(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    /**
     * Many experiments at once on one model worker (the others are stopped first): all
     * complete, model work is queued on the worker's single slot rather than run n-wide, and
     * the API stays responsive meanwhile.
     */
    private void burst(long seed, int n) throws Exception {
        scenario++;
        List<String> workers = cluster.workers();
        for (int i = 1; i < workers.size(); i++) {
            cluster.kill(workers.get(i));
        }
        String worker = workers.get(0);
        List<Long> ids = new ArrayList<>();
        List<Long> seeds = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(cluster.launch(body(seed + i, "burst " + i).replace("\"samples\": " + SAMPLES, "\"samples\": 60")
                    .replace("\"shards\": " + SHARDS, "\"shards\": 2")));
            seeds.add(seed + i);
            runs++;
        }
        List<Double> ms = new ArrayList<>();
        for (int k = 0; k < 20; k++) {
            long t = System.nanoTime();
            cluster.get("/api/experiments?limit=50");
            ms.add((System.nanoTime() - t) / 1e6);
            Thread.sleep(250);
        }
        ms.sort(Double::compare);
        System.out.printf(Locale.ROOT, "  %d experiments at once on %s: experiments list p95 %.0f ms while they run%n", n, worker, ms.get(18));
        for (int i = 0; i < n; i++) {
            check(ids.get(i), seeds.get(i), 60, 2);
        }
        // how many shard attempts ran at the same time on the worker (its model slots: 1)
        List<long[]> spans = new ArrayList<>();
        for (long id : ids) {
            for (JsonNode r : cluster.get("/api/experiments/" + id + "/shards")) {
                if (r.get("finished").asBoolean() && !r.get("reused").asBoolean() && r.get("worker").asText().equals(worker)) {
                    long start = r.get("startedAt").asLong();
                    spans.add(new long[] {start, start + Math.round(r.get("seconds").asDouble() * 1000)});
                }
            }
        }
        int widest = 0;
        for (long[] a : spans) {
            int at = 0;
            for (long[] b : spans) {
                if (b[0] <= a[0] && a[0] < b[1]) {
                    at++;
                }
            }
            widest = Math.max(widest, at);
        }
        System.out.printf(Locale.ROOT, "  %d experiments on one worker (%s): %d shard attempts, at most %d at a time (queued, not %d-wide)%n",
                n, worker, spans.size(), widest, n);
        if (widest > 1) {
            lost++;
        }
    }

    private void check(long id, long seed) throws Exception {
        check(id, seed, SAMPLES, SHARDS);
    }

    /** Completed, identical to an uninterrupted dissection, no duplicate rows, loss within one shard per unfinished attempt. */
    private void check(long id, long seed, int samples, int shards) throws Exception {
        String status = cluster.await(id, Duration.ofMinutes(10), progress, "scenario " + scenario + " of " + scenarios + ", run " + id);
        if (!status.equals("SUCCEEDED")) {
            lost++;
            System.out.printf(Locale.ROOT, "  run %d ended %s: %s%n", id, status, cluster.get("/api/experiments/" + id).get("experiment"));
            return;
        }
        completed++;
        String differs = Reference.mismatch(repo, cluster.get("/api/experiments/" + id + "/units?layer=layer3"), samples, seed, seed + 1);
        if (differs == null) {
            identical++;
        } else {
            lost++;
            System.out.printf(Locale.ROOT, "  run %d: results differ from the uninterrupted dissection: %s%n", id, differs);
        }
        int unfinished = 0;
        for (JsonNode r : cluster.get("/api/experiments/" + id + "/shards")) {
            if (!r.get("finished").asBoolean()) {
                unfinished++;
                maxLost = Math.max(maxLost, r.get("images").asLong());
            }
        }
        maxUnfinished = Math.max(maxUnfinished, unfinished);
    }
}
