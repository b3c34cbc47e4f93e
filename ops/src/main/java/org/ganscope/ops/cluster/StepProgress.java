package org.ganscope.ops.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Set;
import org.ganscope.analysis.Progress;

/**
 * What a command waiting on an experiment shows: the experiment's steps as they run, one
 * {@link Progress} phase per step (they run one after the other), counted in the step's own
 * work as the platform records it (its {@code done} of {@code total} on the timeline):
 * images for dissect, classes for intervene and optimize, parts of the study for artifacts;
 * a step that records no count (metrics, explain) is one step. Fed with the platform's
 * view of the experiment ({@code GET /api/experiments/{id}}) at every poll.
 */
public final class StepProgress {
    private final Progress progress;
    private final String label;
    private final Set<String> closed = new HashSet<>();
    private String current;
    private long total;
    private long reported;

    /** @param label what the phases are called before the step's name, e.g. "experiment 12" */
    public StepProgress(Progress progress, String label) {
        this.progress = progress;
        this.label = label;
    }

    /** The unit a step's count is in. */
    static String unit(String step) {
        return switch (step) {
            case "dissect" -> "images";
            case "intervene", "optimize" -> "classes";
            case "artifacts" -> "parts";
            default -> "steps";
        };
    }

    private static boolean finished(String status) {
        return status.equals("SUCCEEDED") || status.equals("SKIPPED") || status.equals("FAILED") || status.equals("CANCELLED");
    }

    /** One poll's view of the experiment: {@code {"experiment": {...}, "steps": [{name, layer, status, done, total}, ...]}}. */
    public void update(JsonNode view) {
        for (JsonNode s : view.path("steps")) {
            String name = s.path("name").asText();
            String layer = s.path("layer").asText("");
            String key = layer.isEmpty() ? name : name + " " + layer;
            String status = s.path("status").asText();
            if (closed.contains(key)) {
                continue;
            }
            boolean done = finished(status);
            boolean counted = s.path("total").asLong() > 0;
            long t = counted ? s.path("total").asLong() : 1;
            long d = counted ? Math.min(t, Math.max(0, s.path("done").asLong())) : status.equals("SUCCEEDED") ? 1 : 0;
            if (!key.equals(current)) {
                if (current != null || !(status.equals("RUNNING") || status.equals("RETRYING"))) {
                    // another step's phase is open, or this one has not started or ended before it was seen running
                    if (done && current == null) {
                        closed.add(key);
                    }
                    continue;
                }
                current = key;
                total = t;
                reported = 0;
                progress.begin(label + ": " + key, t, counted ? unit(name) : "steps");
            }
            if (t != total) {
                total = t;
                progress.total(t);
            }
            if (d > reported) {
                progress.advance(d - reported);
                reported = d;
            }
            if (done) {
                progress.end();
                closed.add(key);
                current = null;
            }
        }
    }

    /** Ends the open phase, if any (the experiment ended or the wait gave up). */
    public void close() {
        if (current != null) {
            progress.end();
            closed.add(current);
            current = null;
        }
    }
}
