package org.ganscope.app.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import java.io.PrintWriter;
import java.util.Map;

/**
 * {@code ganscope experiment launch|status|wait|cancel}: a client of the platform's REST
 * API at $GANSCOPE_URL (default http://127.0.0.1:$GANSCOPE_PORT), signed in as
 * $GANSCOPE_USER (admin) with $GANSCOPE_PASSWORD. JSON is built and read with Jackson, so
 * any name or tag travels verbatim.
 */
@Command(name = "ganscope experiment", mixinStandardHelpOptions = true, subcommands = {ExperimentClient.Launch.class,
        ExperimentClient.Status.class, ExperimentClient.Wait.class, ExperimentClient.Cancel.class, ExperimentClient.Report.class},
        description = "Launch, watch and cancel experiments on a running platform (REST API).")
public final class ExperimentClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A refusal or failure to report in one line, with the exit status. */
    static final class Failed extends RuntimeException {
        final int status;

        Failed(String message, int status) {
            super(message);
            this.status = status;
        }
    }

    /** The environment the client reads (GANSCOPE_URL, _PORT, _USER, _PASSWORD); tests pass their own. */
    private static Map<String, String> env = System.getenv();

    public static void main(String[] args) {
        System.exit(run(System.getenv(), new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs one command with the given environment and output streams; returns the exit status. */
    public static synchronized int run(Map<String, String> environment, PrintWriter out, PrintWriter err,
            String... args) {
        env = environment;
        OUT.set(out);
        CommandLine cli = new CommandLine(new ExperimentClient()).setOut(out).setErr(err);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof Failed f) {
                cmd.getErr().println("ganscope experiment: " + f.getMessage());
                return f.status;
            }
            throw e;
        });
        return cli.execute(args);
    }

    private static final ThreadLocal<PrintWriter> OUT = new ThreadLocal<>();

    private static void println(Object line) {
        OUT.get().println(line);
    }

    static String api() {
        String url = env.get("GANSCOPE_URL");
        return url != null && !url.isBlank() ? url.replaceAll("/+$", "")
                : "http://127.0.0.1:" + env.getOrDefault("GANSCOPE_PORT", "8080");
    }

    static JsonNode request(String method, String path, JsonNode body) {
        return request(method, path, body, null);
    }

    /** With {@code idempotencyKey} (may be null) sent as the Idempotency-Key header. */
    static JsonNode request(String method, String path, JsonNode body, String idempotencyKey) {
        String text = new String(exchange(method, path, body, idempotencyKey), StandardCharsets.UTF_8);
        return text.isBlank() ? JSON.nullNode() : readOrText(text);
    }

    /** The response body of a request that succeeded (HTTP < 400); a refusal or an unreachable platform as {@link Failed}. */
    static byte[] exchange(String method, String path, JsonNode body) {
        return exchange(method, path, body, null);
    }

    static byte[] exchange(String method, String path, JsonNode body, String idempotencyKey) {
        String password = env.get("GANSCOPE_PASSWORD");
        if (password == null || password.isEmpty()) {
            throw new Failed("set GANSCOPE_PASSWORD (and GANSCOPE_USER, default admin) to sign in to the platform API", 2);
        }
        String user = env.getOrDefault("GANSCOPE_USER", "admin");
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api() + path)).timeout(Duration.ofSeconds(300))
                .header("authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        try {
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            if (body != null) {
                b.header("content-type", "application/json");
            }
            if (idempotencyKey != null) {
                b.header("Idempotency-Key", idempotencyKey);
            }
            HttpResponse<byte[]> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() == 401) {
                throw new Failed("wrong user or password (GANSCOPE_USER, GANSCOPE_PASSWORD)", 1);
            }
            if (r.statusCode() >= 400) {
                String text = new String(r.body(), StandardCharsets.UTF_8);
                JsonNode n = text.isBlank() ? JSON.nullNode() : readOrText(text);
                String why = n.has("error") ? n.get("error").asText() : text;
                throw new Failed(why + " (HTTP " + r.statusCode() + ")", 1);
            }
            return r.body();
        } catch (ConnectException e) {
            throw new Failed("the platform is not reachable at " + api() + " (start it with ./ganscope up, or set GANSCOPE_URL)", 1);
        } catch (IOException e) {
            throw new Failed(method + " " + api() + path + ": " + e.getMessage(), 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failed("interrupted", 130);
        }
    }

    private static JsonNode readOrText(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(body);
        }
    }

    @Command(name = "launch", mixinStandardHelpOptions = true, description = "Launch an experiment; prints its id.")
    static final class Launch implements Callable<Integer> {
        @Option(names = "--bundle", required = true, description = "a registered bundle's name or hash")
        String bundle;
        @Option(names = "--name")
        String name;
        @Option(names = "--idempotency-key", paramLabel = "KEY", description = "sent as the Idempotency-Key header (default: a new"
                + " random key, also used for the one automatic retry after a lost connection); the same KEY with the same options"
                + " answers the experiment it launched, with other options it is refused")
        String idempotencyKey;
        @Option(names = "--layer", required = true, description = "a layer to dissect (repeatable)")
        List<String> layers = new ArrayList<>();
        @Option(names = "--samples")
        Integer samples;
        @Option(names = "--seed")
        Long seed;
        @Option(names = "--shards")
        Integer shards;
        @Option(names = "--method", description = "iqr (default) or quantile")
        String method;
        @Option(names = "--steps", split = ",", description = "comma list of dissect,metrics,explain,intervene,optimize,artifacts")
        List<String> steps;
        @Option(names = "--class", description = "a class of interest (repeatable; intervene, optimize)")
        List<String> classes = new ArrayList<>();
        @Option(names = "--tag", description = "a tag (repeatable)")
        List<String> tags = new ArrayList<>();

        @Override
        public Integer call() {
            ObjectNode body = JSON.createObjectNode().put("bundle", bundle);
            if (name != null) {
                body.put("name", name);
            }
            if (!layers.isEmpty()) {
                layers.forEach(body.putArray("layers")::add);
            }
            if (samples != null) {
                body.put("samples", samples);
            }
            if (seed != null) {
                body.put("seed", seed);
            }
            if (shards != null) {
                body.put("shards", shards);
            }
            if (method != null) {
                body.put("method", method);
            }
            if (steps != null) {
                steps.forEach(body.putArray("steps")::add);
            }
            if (!classes.isEmpty()) {
                classes.forEach(body.putArray("classes")::add);
            }
            if (!tags.isEmpty()) {
                tags.forEach(body.putArray("tags")::add);
            }
            String key = idempotencyKey != null ? idempotencyKey : "cli-" + java.util.UUID.randomUUID();
            JsonNode launched;
            try {
                launched = request("POST", "/api/experiments", body, key);
            } catch (Failed f) {
                if (!f.getMessage().startsWith("POST ")) {
                    throw f; // refused by the platform, or not reachable at all: nothing to repeat
                }
                // the connection broke after the request went out: the same key cannot launch it twice
                launched = request("POST", "/api/experiments", body, key);
            }
            println(launched.get("id").asLong());
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "The experiment and its steps (JSON).")
    static final class Status implements Callable<Integer> {
        @Parameters(paramLabel = "ID")
        long id;

        @Override
        public Integer call() throws IOException {
            println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(request("GET", "/api/experiments/" + id, null)));
            return 0;
        }
    }

    @Command(name = "wait", mixinStandardHelpOptions = true, description = "Waits until the experiment ends; exit 0 if it SUCCEEDED.")
    static final class Wait implements Callable<Integer> {
        @Parameters(paramLabel = "ID")
        long id;

        @Override
        public Integer call() throws InterruptedException {
            while (true) {
                String status = request("GET", "/api/experiments/" + id, null).get("experiment").get("status").asText();
                switch (status) {
                    case "SUCCEEDED" -> {
                        println("experiment " + id + " SUCCEEDED");
                        return 0;
                    }
                    case "FAILED", "CANCELLED" -> {
                        println("experiment " + id + " " + status);
                        return 1;
                    }
                    default -> Thread.sleep(2000);
                }
            }
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancels a QUEUED or RUNNING experiment.")
    static final class Cancel implements Callable<Integer> {
        @Parameters(paramLabel = "ID")
        long id;

        @Override
        public Integer call() {
            JsonNode r = request("POST", "/api/experiments/" + id + "/cancel", null);
            boolean already = r != null && r.has("cancelling") && !r.get("cancelling").asBoolean();
            println("experiment " + id + (already ? " was already cancelled" : " cancelling"));
            return 0;
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true, description = "Writes the experiment's report: one self-contained HTML file"
            + " (parameters, bundle hash, steps, counts with intervals, unit gallery images inline, tables), readable offline; prints its path.")
    static final class Report implements Callable<Integer> {
        @Parameters(paramLabel = "ID")
        long id;
        @Option(names = "--out", paramLabel = "FILE", description = "where to write it (default ganscope-experiment-ID-report.html here)")
        java.nio.file.Path out;

        @Override
        public Integer call() throws IOException {
            byte[] html = exchange("GET", "/api/experiments/" + id + "/report.html", null);
            java.nio.file.Path file = out != null ? out : java.nio.file.Path.of("ganscope-experiment-" + id + "-report.html");
            java.nio.file.Files.write(file, html);
            println(file.toAbsolutePath());
            return 0;
        }
    }
}
