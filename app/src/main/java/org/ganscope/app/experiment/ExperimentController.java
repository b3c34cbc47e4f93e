package org.ganscope.app.experiment;

import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.db.ExperimentRepository;
import org.ganscope.db.ResultRepository;
import org.ganscope.db.StepRepository;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.util.stream.Collectors;
import org.ganscope.db.ShardRunRepository;
import org.ganscope.services.experiment.ExperimentExport;
import org.ganscope.services.experiment.ExperimentService;
import org.ganscope.services.experiment.LaunchRequest;

/** REST API of experiments: list (filtered, paged), launch, detail with steps, units, cancel. */
@RestController
@RequestMapping("/api/experiments")
public class ExperimentController {
    private final ExperimentService service;
    private final ExperimentRepository experiments;
    private final StepRepository steps;
    private final ResultRepository results;
    private final ShardRunRepository shardRuns;
    private final ExperimentExport export;
    private final org.ganscope.services.report.ExperimentReport report;

    public ExperimentController(ExperimentService service, ExperimentRepository experiments, StepRepository steps, ResultRepository results,
            ShardRunRepository shardRuns, ExperimentExport export, org.ganscope.services.report.ExperimentReport report) {
        this.service = service;
        this.report = report;
        this.export = export;
        this.shardRuns = shardRuns;
        this.experiments = experiments;
        this.steps = steps;
        this.results = results;
    }

    @GetMapping
    public Map<String, Object> list(@RequestParam(required = false) String search, @RequestParam(required = false) String status,
            @RequestParam(required = false) String bundle, @RequestParam(required = false) String dataset,
            @RequestParam(required = false) String tag, @RequestParam(defaultValue = "created") String sort,
            @RequestParam(defaultValue = "false") boolean asc, @RequestParam(defaultValue = "0") int offset,
            @RequestParam(defaultValue = "50") int limit) {
        if (limit < 1 || limit > 1000 || offset < 0) {
            throw new IllegalArgumentException("limit must be 1..1000 and offset >= 0");
        }
        var q = new ExperimentRepository.Query(search, status, bundle, dataset, tag, sort, asc);
        return Map.of("total", experiments.count(q), "items", experiments.list(q, offset, limit));
    }

    /**
     * Launches an experiment as the signed-in user. With an {@code Idempotency-Key} header a
     * retried request gets the first one's experiment (HTTP 200, {@code "replayed": true})
     * instead of a second experiment.
     */
    @PostMapping
    public ResponseEntity<Map<String, Object>> launch(@RequestBody LaunchRequest request,
            @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey, Principal user) {
        ExperimentService.Launched l = service.launch(request, user == null ? null : user.getName(), idempotencyKey);
        return ResponseEntity.status(l.created() ? HttpStatus.CREATED : HttpStatus.OK)
                .body(Map.of("id", l.id(), "workflowId", ExperimentService.workflowId(l.id()), "replayed", !l.created(),
                        "status", experiments.get(l.id()).map(ExperimentRepository.ExperimentRow::status).orElse("QUEUED")));
    }

    @GetMapping("/{id}")
    public Map<String, Object> get(@PathVariable long id) {
        var e = experiments.get(id).orElseThrow(() -> new ExperimentService.NotFound("no experiment " + id));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("experiment", e);
        out.put("steps", steps.list(id));
        return out;
    }

    @GetMapping("/{id}/units")
    public List<ResultRepository.UnitRow> units(@PathVariable long id, @RequestParam String layer) {
        requireLayer(id, layer);
        return results.units(id, layer);
    }

    /**
     * A layer's interpretable units per rule ("spec": SPEC cut-offs; "controlled": and beating the
     * unit's location baseline; "top1": SPEC cut-offs at the top-1% quantile thresholds) and
     * category, with 95% bootstrap intervals (null for top1); empty for dissections without controls.
     */
    @GetMapping("/{id}/counts")
    public List<ResultRepository.CountRow> counts(@PathVariable long id, @RequestParam String layer) {
        experiments.get(id).orElseThrow(() -> new ExperimentService.NotFound("no experiment " + id));
        return results.interpretableCounts(id, layer);
    }

    /** A layer's unit table as CSV (one row per unit; top samples space-separated). */
    @GetMapping(value = "/{id}/units.csv", produces = "text/csv")
    public byte[] unitsCsv(@PathVariable long id, @RequestParam String layer) {
        requireLayer(id, layer);
        return export.unitsCsv(id, layer);
    }

    /** The experiment's report: one self-contained HTML file (figures, unit gallery images inline, tables, parameters, bundle hash). */
    @GetMapping(value = "/{id}/report.html", produces = "text/html")
    public org.springframework.http.ResponseEntity<byte[]> report(@PathVariable long id) {
        byte[] html = report.html(id).orElseThrow(() -> new ExperimentService.NotFound("no experiment " + id));
        return org.springframework.http.ResponseEntity.ok()
                .header("content-disposition", "attachment; filename=\"" + org.ganscope.services.report.ExperimentReport.fileName(id) + "\"")
                .contentType(org.springframework.http.MediaType.TEXT_HTML).body(html);
    }

    /** The launch request that reproduces this experiment (POST it to /api/experiments). */
    @GetMapping("/{id}/spec")
    public LaunchRequest spec(@PathVariable long id) {
        return export.launchSpec(id);
    }

    /** Every shard attempt: which worker ran it, images done, seconds, whether it finished or was reused. */
    @GetMapping("/{id}/shards")
    public List<Map<String, Object>> shards(@PathVariable long id) {
        experiments.get(id).orElseThrow(() -> new ExperimentService.NotFound("no experiment " + id));
        return shardRuns.list(id).stream().map(r -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("layer", r.layer());
            m.put("shard", r.shard());
            m.put("attempt", r.attempt());
            m.put("worker", r.worker());
            m.put("images", r.images());
            m.put("reused", r.reused());
            m.put("finished", r.finishedAt() != null);
            m.put("seconds", r.seconds());
            m.put("resumedFrom", r.resumedFrom());
            m.put("startedAt", r.startedAt().toEpochMilli());
            return m;
        }).toList();
    }

    /** The intervene step's ablation points and insertion effects (overall and by context) of a layer. */
    @GetMapping("/{id}/interventions")
    public List<ResultRepository.InterventionRow> interventions(@PathVariable long id, @RequestParam String layer) {
        requireLayer(id, layer);
        return results.interventions(id, layer);
    }

    @GetMapping("/{id}/explanations")
    public List<ResultRepository.ExplanationRow> explanations(@PathVariable long id, @RequestParam String layer) {
        requireLayer(id, layer);
        return results.explanations(id, layer);
    }

    @GetMapping("/{id}/metrics")
    public Map<String, Double> metrics(@PathVariable long id) {
        experiments.get(id).orElseThrow(() -> new ExperimentService.NotFound("no experiment " + id));
        return results.metrics(id, "metrics");
    }

    @PostMapping("/{id}/cancel")
    public Map<String, Object> cancel(@PathVariable long id) {
        // a second cancel of a cancelled experiment answers the same, without cancelling anything
        boolean cancelling = service.cancel(id);
        return Map.of("id", id, "cancelling", cancelling, "status", experiments.get(id).map(ExperimentRepository.ExperimentRow::status).orElse("CANCELLED"));
    }

    @PostMapping("/{id}/retry")
    public Map<String, Object> retry(@PathVariable long id) {
        service.retry(id);
        return Map.of("id", id, "retrying", true);
    }

    /** 404 unless the experiment exists and has the layer among its steps' layers. */
    private void requireLayer(long id, String layer) {
        experiments.get(id).orElseThrow(() -> new ExperimentService.NotFound("no experiment " + id));
        List<String> layers = steps.list(id).stream().map(StepRepository.StepRow::layer).filter(l -> !l.isEmpty()).distinct().toList();
        if (!layers.contains(layer)) {
            throw new ExperimentService.NotFound("experiment " + id + " has no layer '" + layer + "'; its layers: " + layers);
        }
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    public ResponseEntity<Map<String, String>> badParameter(MethodArgumentTypeMismatchException e) {
        String want = e.getRequiredType() == null ? "a valid value" : switch (e.getRequiredType().getSimpleName()) {
            case "long", "Long", "int", "Integer" -> "a whole number";
            case "boolean", "Boolean" -> "true or false";
            default -> "a valid value";
        };
        return ResponseEntity.badRequest().body(Map.of("error", e.getName() + " must be " + want + ", got '" + e.getValue() + "'"));
    }

    /** A launch (or retry) recorded whose workflow could not be started: the experiment is FAILED with the reason. */
    @ExceptionHandler(ExperimentService.StartFailed.class)
    public ResponseEntity<Map<String, Object>> startFailed(ExperimentService.StartFailed e) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(Map.of("error", e.getMessage(), "id", e.id(), "status", "FAILED"));
    }

    @ExceptionHandler(ExperimentService.IdempotencyKeyReused.class)
    public ResponseEntity<Map<String, Object>> keyReused(ExperimentService.IdempotencyKeyReused e) {
        return ResponseEntity.unprocessableEntity().body(Map.of("error", e.getMessage(), "field", "Idempotency-Key", "id", e.id()));
    }

    @ExceptionHandler(ExperimentService.Conflict.class)
    public ResponseEntity<Map<String, String>> conflict(Exception e) {
        return ResponseEntity.status(HttpStatus.CONFLICT).body(Map.of("error", e.getMessage()));
    }

    @ExceptionHandler({IllegalArgumentException.class, AnalysisException.class, HttpMessageNotReadableException.class})
    public ResponseEntity<Map<String, String>> badRequest(Exception e) {
        String msg = e instanceof HttpMessageNotReadableException r ? unreadable(r) : e.getMessage();
        return ResponseEntity.badRequest().body(Map.of("error", msg));
    }

    /** Names the field and the problem when Jackson can (wrong type, number out of range), without echoing the whole body. */
    static String unreadable(HttpMessageNotReadableException e) {
        String base = "the request body is not a valid launch request (JSON)";
        if (e.getCause() instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            String field = m.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."));
            String why = m.getOriginalMessage() == null ? "" : m.getOriginalMessage().split("\n")[0];
            if (why.length() > 160) {
                why = why.substring(0, 160) + "...";
            }
            return base + ": field '" + field + "': " + why;
        }
        return base;
    }

    @ExceptionHandler(ExperimentService.NotFound.class)
    public ResponseEntity<Map<String, String>> notFound(Exception e) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", e.getMessage()));
    }
}
