package org.ganscope.services.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.ganscope.activities.store.ArtifactStore;
import org.ganscope.db.StepRepository;
import org.springframework.stereotype.Service;

/** A finished step's stored result (JSON, images) found through its result key: for the views that draw curves and galleries. */
@Service
public class StepResults {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final StepRepository steps;
    private final ArtifactStore store;

    public StepResults(StepRepository steps, ArtifactStore store) {
        this.steps = steps;
        this.store = store;
    }

    public Optional<byte[]> bytes(long experimentId, String step, String layer, String ext) {
        return steps.list(experimentId).stream()
                .filter(s -> s.name().equals(step) && s.layer().equals(layer) && s.status().equals("SUCCEEDED") && s.resultKey() != null)
                .findFirst().flatMap(s -> {
                    try {
                        return store.get(s.resultKey(), ext);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    public Optional<JsonNode> json(long experimentId, String step, String layer) {
        return bytes(experimentId, step, layer, ".json").map(b -> {
            try {
                return JSON.readTree(b);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
