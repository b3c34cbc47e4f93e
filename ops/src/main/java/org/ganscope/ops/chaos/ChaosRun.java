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
    private int cancels;
    private int cancelledClean;
    private int zombies;
    private int sigterms;
    private int torn;
    private int healed;
    private int shardsLostBeyond;
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

    /**
     * The figures of a chaos run.
     *
     * @param maxShardsLost the most shard attempts any one run lost to a kill
     * @param shardsLostBeyond shard attempts lost beyond one per process killed or frozen under the run (over all runs)
     * @param emptyHints bad-input probes whose expected message was empty (they would pass any message)
     */
    public record Summary(int runs, int kills, int completed, int identical, int badInputs, int rejectedCleanly, int lost, int maxShardsLost,
            String server, int cancels, int cancelledClean, int zombies, int sigterms, int outages, int torn, int healed, int shardsLostBeyond,
            int emptyHints) {
        public String line() {
            return String.format(Locale.ROOT, "chaos: runs=%d kills=%d completed=%d identical=%d bad_inputs=%d rejected_cleanly=%d"
                    + " cancels=%d cancelled_clean=%d zombies=%d sigterms=%d outages=%d torn=%d healed=%d lost=%d server=%s",
                    runs, kills, completed, identical, badInputs, rejectedCleanly, cancels, cancelledClean, zombies, sigterms, outages, torn, healed,
                    lost, server);
        }

        public boolean passed() {
            return lost == 0 && completed == runs && identical == runs && rejectedCleanly == badInputs && cancelledClean == cancels
                    && healed == torn
                    && shardsLostBeyond == 0 && emptyHints == 0;
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
        List<String> stepKills = quick ? List.of("metrics") : STEP_KINDS;
        List<String> cancelKinds = quick ? List.of("dissect") : STEP_KINDS;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> { }
                case "--step-kills" -> stepKills = stepKinds(args[++i]);
                case "--cancels" -> cancelKinds = stepKinds(args[++i]);
                case "--worker-kills" -> workerKills = Integer.parseInt(args[++i]);
                case "--platform-kills" -> platformKills = Integer.parseInt(args[++i]);
                case "--burst" -> burst = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; options: --quick --worker-kills N --platform-kills M --burst B --seed S --step-kills KINDS --cancels KINDS"
                        + " (KINDS: a comma list of " + String.join(",", STEP_KINDS) + ", or none)");
            }
        }
        Path repo = Path.of(System.getProperty("ganscope.home", System.getenv().getOrDefault("GANSCOPE_HOME", "."))).toAbsolutePath().normalize();
        String cli = System.getenv("GANSCOPE_TEMPORAL_CLI");
        Path temporal = TemporalDevServer.findCli(cli).orElse(null);
        Summary s = run(repo, Files.createTempDirectory("ganscope-chaos"), workerKills, platformKills, burst, seed, temporal,
                stepKills, cancelKinds, !quick);
        System.out.println(s.line());
        System.exit(s.passed() ? 0 : 1);
    }

    /** A comma list of step kinds ("none": empty), each checked. */
    private static List<String> stepKinds(String list) {
        if (list.equals("none")) {
            return List.of();
        }
        List<String> kinds = List.of(list.split(","));
        for (String k : kinds) {
            if (!STEP_KINDS.contains(k)) {
                throw new IllegalArgumentException("unknown step kind '" + k + "'; kinds: " + String.join(",", STEP_KINDS) + " or none");
            }
        }
        return kinds;
    }

    /**
     * Runs the suite on a fresh local cluster under {@code dir}; prints what happens as it goes.
     *
     * @param temporalCli the Temporal CLI whose dev server the platform runs on, or null for the in-memory test server
     */
    public static Summary run(Path repo, Path dir, int workerKills, int platformKills, int burst, long seed, Path temporalCli,
            List<String> stepKills) throws Exception {
        return run(repo, dir, workerKills, platformKills, burst, seed, temporalCli, stepKills, List.of("dissect"), false);
    }

    /**
     * As above, also cancelling an experiment inside each step kind of {@code cancelKinds}, a
     * double-submitted launch, a two-layer experiment and a SIGTERMed worker; with {@code slow}
     * also a worker frozen past its heartbeat timeout (zombie) and the Temporal server frozen
     * for 30 s (the full run; each waits out real timeouts).
     */
    public static Summary run(Path repo, Path dir, int workerKills, int platformKills, int burst, long seed, Path temporalCli,
            List<String> stepKills, List<String> cancelKinds, boolean slow) throws Exception {
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
            ChaosRun c = new ChaosRun(cluster, repo, seed, workerKills + platformKills + stepKills.size() + 3 + cancelKinds.size() + 4
                    + (slow ? 3 : 0));
            for (int k = 0; k < workerKills; k++) {
                c.workerKill(100 + k);
            }
            for (int k = 0; k < platformKills; k++) {
                c.platformKill(200 + k);
            }
            for (String kind : stepKills) {
                c.stepKill(250 + STEP_KINDS.indexOf(kind), kind);
            }
            for (String kind : cancelKinds) {
                c.cancelInside(500 + STEP_KINDS.indexOf(kind), kind);
            }
            c.doubleLaunch(520);
            c.twoLayers(540);
            c.sigterm(560);
            c.tornResult(570);
            if (slow) {
                c.zombie(580);
                c.temporalOutage(600);
                c.databaseDownPastRetries(620);
            }
            c.unwritableStore(300);
            c.databaseOutage(350);
            c.burst(400, burst);
            BadInputs.Result bad = new BadInputs(cluster, repo).run();
            System.out.printf(Locale.ROOT, "faults: %d worker kills, %d platform kills, workers killed inside the steps %s, cancels inside %s,"
                    + " a double launch, a two-layer run, %d SIGTERM(s), %d zombie(s), 1 unwritable store, %d outage(s), a burst of %d launches%n",
                    workerKills, platformKills, stepKills, cancelKinds, c.sigterms, c.zombies, c.outages, burst);
            System.out.printf(Locale.ROOT, "work lost: at most %d unfinished shard attempt(s) per run (one shard is %d images; the last"
                    + " progress they reported: at most %d images)%n", c.maxUnfinished, SAMPLES / SHARDS, c.maxLost);
            return new Summary(c.runs, c.kills, c.completed, c.identical, bad.tried(), bad.rejectedCleanly(), c.lost + bad.lost(),
                    c.maxUnfinished, cluster.temporalServer(), c.cancels, c.cancelledClean, c.zombies, c.sigterms, c.outages, c.torn, c.healed,
                    c.shardsLostBeyond, bad.emptyHints());
        }
    }

    private String body(long seed, String name) {
        return String.format(Locale.ROOT, "{\"name\": \"%s\", \"bundle\": \"outdoor-base-s100\", \"layers\": [\"layer3\"], \"samples\": %d,"
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
        check(id, seed, SAMPLES, SHARDS, 1);
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
        long id = cluster.launch(sixSteps(seed, "kill inside " + kind, samples, shards));
        runs++;
        if (!running(id, kind)) {
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
        check(id, seed, samples, shards, victims.size());
        List<String> statuses = new ArrayList<>();
        for (JsonNode st : cluster.get("/api/experiments/" + id).get("steps")) {
            statuses.add(st.get("name").asText() + "=" + st.get("status").asText());
        }
        if (statuses.size() != STEP_KINDS.size() || !statuses.stream().allMatch(x -> x.endsWith("=SUCCEEDED"))) {
            lost++;
            System.out.printf(Locale.ROOT, "  run %d: steps after the kill: %s%n", id, statuses);
        }
    }

    /** An experiment of all six steps (class tree) at a small size. */
    private String sixSteps(long seed, String name, int samples, int shards) {
        return body(seed, name).replace("\"steps\": [\"dissect\"]",
                "\"steps\": [\"dissect\", \"intervene\", \"optimize\", \"artifacts\", \"metrics\", \"explain\"], \"classes\": [\"tree\"]")
                .replace("\"samples\": " + SAMPLES, "\"samples\": " + samples).replace("\"shards\": " + SHARDS, "\"shards\": " + shards);
    }

    /** Waits (at most 10 min) until a step named {@code kind} of the experiment is RUNNING. */
    private boolean running(long id, String kind) throws Exception {
        for (int i = 0; i < 6000; i++) {
            for (JsonNode st : cluster.get("/api/experiments/" + id).get("steps")) {
                if (st.get("name").asText().equals(kind) && st.get("status").asText().equals("RUNNING")) {
                    return true;
                }
            }
            Thread.sleep(100);
        }
        return false;
    }

    /**
     * Cancel while the step {@code kind} runs: the experiment ends CANCELLED, the step it cut
     * CANCELLED, the steps that never ran SKIPPED, none left QUEUED or RUNNING, and so it stays
     * (a second cancel answers "cancelling": false). A cancel that lands after the step (and
     * every step) has finished, which a short step like explain allows, must be recorded as such
     * (CANCELLED, every step SUCCEEDED, the reason saying the results are complete); it did not
     * cut the step, so the scenario is tried again with a fresh experiment (at most 3 tries) and
     * the cancel sent at once.
     */
    private void cancelInside(long seed, String kind) throws Exception {
        scenario++;
        cancels++;
        for (int attempt = 0; attempt < 3; attempt++) {
            String name = "cancel inside " + kind + (attempt == 0 ? "" : " (try " + (attempt + 1) + ")");
            long s = seed + 1000L * attempt;
            String body = kind.equals("dissect")
                    ? body(s, name).replace("\"steps\": [\"dissect\"]", "\"steps\": [\"dissect\", \"metrics\"]")
                    : sixSteps(s, name, 120, 2);
            long id = cluster.launch(body);
            if (!running(id, kind)) {
                System.out.printf(Locale.ROOT, "  run %d: the %s step was never seen running; not cancelled%n", id, kind);
                return;
            }
            if (attempt == 0) {
                Thread.sleep(300);
            }
            var r = cluster.request("POST", "/api/experiments/" + id + "/cancel", null, null);
            String status = cluster.await(id, Duration.ofMinutes(2), progress, "scenario " + scenario + " of " + scenarios + ", cancel " + id);
            Thread.sleep(3000); // nothing may bring it back
            JsonNode view = cluster.get("/api/experiments/" + id);
            List<String> steps = new ArrayList<>();
            boolean cut = false;
            boolean open = false;
            boolean allSucceeded = true;
            for (JsonNode st : view.get("steps")) {
                String stepStatus = st.get("status").asText();
                steps.add(st.get("name").asText() + "=" + stepStatus);
                cut |= st.get("name").asText().equals(kind) && stepStatus.equals("CANCELLED");
                open |= stepStatus.equals("QUEUED") || stepStatus.equals("RUNNING");
                allSucceeded &= stepStatus.equals("SUCCEEDED");
            }
            String recorded = view.get("experiment").get("status").asText();
            JsonNode error = view.get("experiment").get("error");
            var again = cluster.request("POST", "/api/experiments/" + id + "/cancel", null, null);
            boolean settled = r.statusCode() == 200 && status.equals("CANCELLED") && recorded.equals("CANCELLED") && !open
                    && again.statusCode() == 200 && again.body().contains("\"cancelling\":false");
            if (settled && allSucceeded && error != null && error.asText().contains("after every step had finished")) {
                System.out.printf(Locale.ROOT, "  run %d: the cancel aimed at the %s step landed after every step had finished: CANCELLED, "
                        + "steps %s, \"%s\" (consistent; not a cut, so again)%n", id, kind, steps, error.asText());
                continue;
            }
            boolean skipped = kind.equals(STEP_KINDS.get(STEP_KINDS.size() - 1)) || steps.stream().anyMatch(x -> x.endsWith("=SKIPPED"));
            boolean clean = settled && cut && skipped;
            if (clean) {
                cancelledClean++;
            }
            System.out.printf(Locale.ROOT, "  run %d: cancelled inside the %s step: %s, steps %s%s%n", id, kind, status, steps,
                    clean ? "" : " NOT CLEAN (cancel HTTP " + r.statusCode() + ", again " + again.body() + ")");
            return;
        }
        System.out.printf(Locale.ROOT, "  the %s step finished before the cancel in 3 tries; not cut%n", kind);
    }

    /**
     * The same launch sent twice at once with one Idempotency-Key (a client retrying a request
     * whose answer it did not see): one experiment, both answers name it, it completes.
     */
    private void doubleLaunch(long seed) throws Exception {
        scenario++;
        String key = "chaos-double-" + seed + "-" + System.nanoTime();
        String name = "double launch " + seed;
        byte[] b = body(seed, name).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<java.net.http.HttpResponse<String>>> sent = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                sent.add(pool.submit(() -> cluster.request("POST", "/api/experiments", "admin", cluster.adminPassword(), "application/json", b, key)));
            }
            List<Long> ids = new ArrayList<>();
            List<Integer> codes = new ArrayList<>();
            for (var f : sent) {
                var r = f.get();
                codes.add(r.statusCode());
                ids.add(r.statusCode() < 300 ? new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).get("id").asLong() : -1);
            }
            runs++;
            long made = 0;
            for (JsonNode e : cluster.get("/api/experiments?tag=chaos&limit=1000").get("items")) {
                if (e.get("name").asText().equals(name)) {
                    made++;
                }
            }
            System.out.printf(Locale.ROOT, "  run %d: the same launch twice at once (one Idempotency-Key): HTTP %s, ids %s, %d experiment(s)%n",
                    ids.get(0), codes, ids, made);
            if (made != 1 || !ids.get(0).equals(ids.get(1)) || ids.get(0) < 0 || !codes.containsAll(List.of(201, 200))) {
                lost++;
                return;
            }
            check(ids.get(0), seed, SAMPLES, SHARDS, 0);
        } finally {
            pool.shutdownNow();
        }
    }

    /** An experiment over two layers (a worker killed in it): both layers' units must equal the uninterrupted dissection. */
    private void twoLayers(long seed) throws Exception {
        scenario++;
        long id = cluster.launch(body(seed, "two layers " + seed).replace("\"layers\": [\"layer3\"]", "\"layers\": [\"layer2\", \"layer3\"]"));
        runs++;
        Thread.sleep(1000 + random.nextInt(3000));
        List<String> alive = cluster.workers();
        String victim = alive.get(random.nextInt(alive.size()));
        cluster.kill(victim);
        kills++;
        System.out.printf(Locale.ROOT, "  run %d: layers layer2 and layer3; SIGKILL %s at a random point%n", id, victim);
        cluster.startWorkers(cluster.dir().resolve("store"), 1, "w" + (++workerSerial));
        check(id, seed, SAMPLES, SHARDS, 1, List.of("layer2", "layer3"));
    }

    /** The worker running a shard of the experiment, once one runs (at most 5 min), or null. */
    private String workerOfRunningShard(long id) throws Exception {
        for (int i = 0; i < 3000; i++) {
            for (JsonNode r : cluster.get("/api/experiments/" + id + "/shards")) {
                if (!r.get("finished").asBoolean() && cluster.workers().contains(r.get("worker").asText())) {
                    return r.get("worker").asText();
                }
            }
            Thread.sleep(100);
        }
        return null;
    }

    /**
     * A stored result torn on disk (the thresholds file of a finished run cut to half its bytes,
     * as a crash mid-write on a file system without the store's fsync would leave it): the same
     * experiment launched again must find it corrupt, compute it again and store it whole, and
     * end identical to an uninterrupted dissection. {@code torn} counts files cut, {@code healed}
     * those stored whole again by the second run.
     */
    private void tornResult(long seed) throws Exception {
        scenario++;
        long since = System.currentTimeMillis();
        Thread.sleep(1100); // file times have (at worst) second resolution
        long id = cluster.launch(body(seed, "torn " + seed));
        runs++;
        check(id, seed, SAMPLES, SHARDS, 0);
        List<Path> thr = new ArrayList<>();
        try (var files = Files.walk(cluster.dir())) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (f.toString().endsWith(".thr") && Files.isRegularFile(f) && Files.getLastModifiedTime(f).toMillis() >= since) {
                    thr.add(f);
                }
            }
        }
        if (thr.isEmpty()) {
            lost++;
            System.out.printf(Locale.ROOT, "  run %d: no thresholds file of this run found in the store; nothing torn%n", id);
            return;
        }
        long[] whole = new long[thr.size()];
        for (int i = 0; i < thr.size(); i++) {
            byte[] b = Files.readAllBytes(thr.get(i));
            whole[i] = b.length;
            Files.write(thr.get(i), java.util.Arrays.copyOf(b, b.length / 2));
            torn++;
        }
        long again = cluster.launch(body(seed, "torn again " + seed));
        runs++;
        check(again, seed, SAMPLES, SHARDS, 0);
        int whole2 = 0;
        for (int i = 0; i < thr.size(); i++) {
            if (Files.size(thr.get(i)) == whole[i]) {
                whole2++;
            }
        }
        healed += whole2;
        System.out.printf(Locale.ROOT, "  run %d: %d stored thresholds file(s) of run %d torn; %d stored whole again%n", again, thr.size(), id,
                whole2);
    }

    /**
     * SIGTERM to the worker running a shard (a service manager's stop, docker stop): it
     * takes no new work, finishes the shard it runs and reports it, then exits; nothing it ran
     * is lost (no unfinished attempt of its own) and the experiment completes.
     */
    private void sigterm(long seed) throws Exception {
        scenario++;
        long id = cluster.launch(body(seed, "sigterm " + seed));
        runs++;
        String victim = workerOfRunningShard(id);
        if (victim == null) {
            lost++;
            System.out.printf(Locale.ROOT, "  run %d: no shard was seen running; no SIGTERM sent%n", id);
            return;
        }
        double exited = cluster.terminate(victim, Duration.ofMinutes(3));
        sigterms++;
        cluster.startWorkers(cluster.dir().resolve("store"), 1, "w" + (++workerSerial));
        check(id, seed, SAMPLES, SHARDS, 0);
        long cut = 0;
        for (JsonNode r : cluster.get("/api/experiments/" + id + "/shards")) {
            if (r.get("worker").asText().equals(victim) && !r.get("finished").asBoolean()) {
                cut++;
            }
        }
        System.out.printf(Locale.ROOT, "  run %d: SIGTERM %s while it ran a shard: %s, %d of its shard attempts cut off%n", id, victim,
                exited < 0 ? "still running after 3 min, SIGKILLed" : String.format(Locale.ROOT, "drained and exited in %.1f s", exited), cut);
        if (exited < 0 || cut > 0) {
            lost++;
        }
    }

    /**
     * A worker frozen (SIGSTOP) while it runs a shard, for 30 s, past its 20 s heartbeat
     * timeout, then resumed (SIGCONT): Temporal gives the shard to another worker meanwhile;
     * the zombie's late work must not change or duplicate anything.
     */
    private void zombie(long seed) throws Exception {
        scenario++;
        long id = cluster.launch(body(seed, "zombie " + seed));
        runs++;
        String victim = workerOfRunningShard(id);
        if (victim == null) {
            lost++;
            System.out.printf(Locale.ROOT, "  run %d: no shard was seen running; nobody frozen%n", id);
            return;
        }
        long pid = cluster.pid(victim);
        exec("kill", "-STOP", Long.toString(pid));
        zombies++;
        try {
            Thread.sleep(30_000);
        } finally {
            exec("kill", "-CONT", Long.toString(pid));
        }
        System.out.printf(Locale.ROOT, "  run %d: SIGSTOP %s for 30 s inside a shard (heartbeat timeout 20 s), then SIGCONT%n", id, victim);
        check(id, seed, SAMPLES, SHARDS, 1);
    }

    /**
     * The Temporal server alone frozen (SIGSTOP) for 30 s mid-run, then resumed: workers and
     * the platform cannot reach it meanwhile; the run continues and completes.
     */
    private void temporalOutage(long seed) throws Exception {
        scenario++;
        ProcessHandle temporal = cluster.temporalProcess().orElse(null);
        if (temporal == null) {
            System.out.println("  (no Temporal dev server process: the Temporal outage needs one; skipped)");
            return;
        }
        long id = cluster.launch(body(seed, "temporal outage " + seed));
        runs++;
        Thread.sleep(2000);
        exec("kill", "-STOP", Long.toString(temporal.pid()));
        outages++;
        try {
            Thread.sleep(30_000);
        } finally {
            exec("kill", "-CONT", Long.toString(temporal.pid()));
        }
        System.out.printf(Locale.ROOT, "  run %d: the Temporal server frozen for 30 s mid-run, then resumed%n", id);
        check(id, seed, SAMPLES, SHARDS, cluster.workers().size());
    }

    /** Seconds PostgreSQL stays down in {@link #databaseDownPastRetries}: past the model steps' retries (8 attempts, about 200 s
     * when every attempt waits 10 s for a connection), within the bookkeeping's (12 attempts, about 330 s) that records the failure. */
    private static final int DATABASE_DOWN_SECONDS = 240;

    /**
     * PostgreSQL shut down (fast shutdown, SIGINT to the postmaster) mid-run for longer than
     * the model steps' retries, then started again on the same data: the experiment must end
     * FAILED with the reason, and {@code retry} must then finish it, reusing the shards stored
     * before the outage, with units identical to an uninterrupted dissection.
     */
    private void databaseDownPastRetries(long seed) throws Exception {
        scenario++;
        Path pgdata = cluster.dir().resolve("platform").resolve("pgdata");
        List<String> postgres = new ArrayList<>(postmasterCommand(Files.readString(pgdata.resolve("postmaster.opts")).trim()));
        // as root, the embedded PostgreSQL runs in a user namespace (zonky prefixes "unshare -U"; PostgreSQL refuses root):
        // the restart must do the same, or it exits at once and the outage never ends
        if (io.zonky.test.db.postgres.util.LinuxUtils.isUnshareAvailable()) {
            postgres.addAll(0, List.of("unshare", "-U"));
        }
        long pid = Long.parseLong(Files.readAllLines(pgdata.resolve("postmaster.pid")).get(0).trim());
        int port = Integer.parseInt(Files.readAllLines(pgdata.resolve("postmaster.pid")).get(3).trim());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no PostgreSQL at pid " + pid));
        long id = cluster.launch(body(seed, "database down " + seed));
        runs++;
        long stored = 0;
        for (int i = 0; i < 3000 && stored == 0; i++) {
            Thread.sleep(100);
            for (JsonNode r : cluster.get("/api/experiments/" + id + "/shards")) {
                stored += r.get("finished").asBoolean() ? 1 : 0;
            }
        }
        exec("kill", "-INT", Long.toString(pid));
        postmaster.onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
        outages++;
        Thread.sleep(DATABASE_DOWN_SECONDS * 1000L);
        // the same server command the platform's embedded PostgreSQL ran (its postmaster.opts), on the same data; the
        // platform stops it at the end as its own (pg_ctl on the data directory)
        Path restartLog = cluster.dir().resolve("postgres-restarted.log");
        Process restarted = new ProcessBuilder(postgres).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(restartLog.toFile())).start();
        cluster.adopt("adopted-postgres", restarted);
        for (int i = 0; i < 300 && !accepts(port) && restarted.isAlive(); i++) {
            Thread.sleep(100);
        }
        if (!accepts(port)) { // a restart that cannot start would otherwise leave the run waiting on the platform for hours
            lost++;
            System.out.printf(Locale.ROOT, "  run %d: PostgreSQL did not start again (%s): %s%n", id,
                    restarted.isAlive() ? "not listening after 30 s" : "exited " + restarted.exitValue(), Files.readString(restartLog).strip());
            return;
        }
        // the platform signs users in against the database: wait (at most 3 min) until its pool has reconnected
        long until = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < until) {
            try {
                cluster.get("/api/experiments/" + id);
                break;
            } catch (java.io.IOException notYet) {
                Thread.sleep(200);
            }
        }
        String status = cluster.await(id, Duration.ofMinutes(10), progress, "scenario " + scenario + " of " + scenarios + ", run " + id);
        JsonNode e = cluster.get("/api/experiments/" + id).get("experiment");
        String reason = e.path("error").isTextual() ? e.path("error").asText() : "";
        System.out.printf(Locale.ROOT, "  run %d: PostgreSQL down for %d s mid-run (%d shard(s) stored before): %s, reason: %s%n", id,
                DATABASE_DOWN_SECONDS, stored, status, reason.length() > 160 ? reason.substring(0, 160) + "..." : reason);
        if (!status.equals("FAILED") || reason.isBlank()) {
            lost++;
            System.out.printf(Locale.ROOT, "  run %d: expected FAILED with the reason after an outage past the retries%n", id);
            return;
        }
        var retry = cluster.request("POST", "/api/experiments/" + id + "/retry", null, null);
        check(id, seed, SAMPLES, SHARDS, cluster.workers().size());
        long reused = 0;
        for (JsonNode r : cluster.get("/api/experiments/" + id + "/shards")) {
            reused += r.get("reused").asBoolean() ? 1 : 0;
        }
        System.out.printf(Locale.ROOT, "  run %d: retry (HTTP %d) finished it, %d shard(s) reused from before the outage%n", id,
                retry.statusCode(), reused);
        if (retry.statusCode() != 200 || reused < Math.min(stored, 1)) {
            lost++;
        }
    }

    /** postmaster.opts: the server's command line, each word in double quotes after the program. */
    static List<String> postmasterCommand(String opts) {
        List<String> words = new ArrayList<>();
        var m = java.util.regex.Pattern.compile("\"([^\"]*)\"|(\\S+)").matcher(opts);
        while (m.find()) {
            words.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return words;
    }

    private static boolean accepts(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (java.io.IOException e) {
            return false;
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
        check(id, seed, SAMPLES, SHARDS, cluster.workers().size()); // the workers' attempts lose their server too
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
        check(id, seed, SAMPLES, SHARDS, 1);
    }

    private void check(long id, long seed, int samples, int shards) throws Exception {
        check(id, seed, samples, shards, 1);
    }

    private void check(long id, long seed, int samples, int shards, int allowance) throws Exception {
        check(id, seed, samples, shards, allowance, List.of("layer3"));
    }

    /**
     * Completed, every layer identical to an uninterrupted dissection, no duplicate rows, and
     * at most {@code allowance} unfinished shard attempts (one per process killed or frozen
     * under the run); more are counted in shardsLostBeyond.
     */
    private void check(long id, long seed, int samples, int shards, int allowance, List<String> layers) throws Exception {
        String status = cluster.await(id, Duration.ofMinutes(10), progress, "scenario " + scenario + " of " + scenarios + ", run " + id);
        if (!status.equals("SUCCEEDED")) {
            lost++;
            System.out.printf(Locale.ROOT, "  run %d ended %s: %s%n", id, status, cluster.get("/api/experiments/" + id).get("experiment"));
            return;
        }
        completed++;
        String differs = null;
        for (String layer : layers) {
            String d = Reference.mismatch(repo, layer, cluster.get("/api/experiments/" + id + "/units?layer=" + layer), samples, seed, seed + 1);
            differs = differs != null ? differs : d == null ? null : layer + ": " + d;
        }
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
        if (unfinished > allowance) {
            shardsLostBeyond += unfinished - allowance;
            System.out.printf(Locale.ROOT, "  run %d: %d unfinished shard attempts, more than the %d its faults allow%n", id, unfinished, allowance);
        }
    }
}
