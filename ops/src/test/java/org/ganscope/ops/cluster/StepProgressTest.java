package org.ganscope.ops.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.ganscope.analysis.Progress;
import org.junit.jupiter.api.Test;

/** The steps of an experiment, polled as the platform shows them, become one phase each with the step's own count. */
class StepProgressTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every call as text. */
    static final class Calls implements Progress {
        final List<String> calls = new ArrayList<>();

        @Override
        public void begin(String phase, long total, String unit) {
            calls.add("begin " + phase + " " + total + " " + unit);
        }

        @Override
        public void advance(long n) {
            calls.add("advance " + n);
        }

        @Override
        public void total(long total) {
            calls.add("total " + total);
        }

        @Override
        public void end() {
            calls.add("end");
        }
    }

    /** A poll: steps as {name, layer, status, done, total}. */
    private static JsonNode view(Object[]... steps) {
        ObjectNode v = JSON.createObjectNode();
        v.putObject("experiment").put("status", "RUNNING");
        ArrayNode a = v.putArray("steps");
        for (Object[] s : steps) {
            a.addObject().put("name", (String) s[0]).put("layer", (String) s[1]).put("status", (String) s[2])
                    .put("done", ((Number) s[3]).longValue()).put("total", ((Number) s[4]).longValue());
        }
        return v;
    }

    @Test
    void eachRunningStepIsAPhaseInItsUnitsWhoseAdvancesAddUpToItsTotal() {
        Calls c = new Calls();
        StepProgress p = new StepProgress(c, "experiment 5");
        p.update(view(new Object[] {"dissect", "layer3", "QUEUED", 0, 200}, new Object[] {"intervene", "layer3", "QUEUED", 0, 2},
                new Object[] {"metrics", "", "QUEUED", 0, 0}));
        assertEquals(List.of(), c.calls, "nothing runs yet");
        p.update(view(new Object[] {"dissect", "layer3", "RUNNING", 0, 200}, new Object[] {"intervene", "layer3", "QUEUED", 0, 2},
                new Object[] {"metrics", "", "QUEUED", 0, 0}));
        // the dissect step sets its real total (threshold work + samples) once it runs
        p.update(view(new Object[] {"dissect", "layer3", "RUNNING", 150, 320}, new Object[] {"intervene", "layer3", "QUEUED", 0, 2},
                new Object[] {"metrics", "", "QUEUED", 0, 0}));
        p.update(view(new Object[] {"dissect", "layer3", "SUCCEEDED", 320, 320}, new Object[] {"intervene", "layer3", "RUNNING", 1, 2},
                new Object[] {"metrics", "", "QUEUED", 0, 0}));
        p.update(view(new Object[] {"dissect", "layer3", "SUCCEEDED", 320, 320}, new Object[] {"intervene", "layer3", "SUCCEEDED", 2, 2},
                new Object[] {"metrics", "", "RUNNING", 0, 0}));
        p.update(view(new Object[] {"dissect", "layer3", "SUCCEEDED", 320, 320}, new Object[] {"intervene", "layer3", "SUCCEEDED", 2, 2},
                new Object[] {"metrics", "", "SUCCEEDED", 0, 0}));
        p.close();
        assertEquals(List.of("begin experiment 5: dissect layer3 200 images", "total 320", "advance 150", "advance 170", "end",
                "begin experiment 5: intervene layer3 2 classes", "advance 1", "advance 1", "end",
                "begin experiment 5: metrics 1 steps", "advance 1", "end"), c.calls);
    }

    @Test
    void aStepThatEndedBeforeItWasSeenRunningHasNoPhaseAndAnOpenPhaseIsEndedOnClose() {
        Calls c = new Calls();
        StepProgress p = new StepProgress(c, "run 9");
        p.update(view(new Object[] {"metrics", "", "SUCCEEDED", 0, 0}, new Object[] {"explain", "layer3", "RUNNING", 0, 0}));
        p.update(view(new Object[] {"metrics", "", "SUCCEEDED", 0, 0}, new Object[] {"explain", "layer3", "RUNNING", 0, 0}));
        p.close();
        assertEquals(List.of("begin run 9: explain layer3 1 steps", "end"), c.calls);
    }

    @Test
    void aRetriedStepKeepsItsPhaseAndNeverCountsBackwards() {
        Calls c = new Calls();
        StepProgress p = new StepProgress(c, "run 3");
        p.update(view(new Object[] {"dissect", "layer3", "RUNNING", 100, 600}));
        p.update(view(new Object[] {"dissect", "layer3", "RETRYING", 80, 600}));
        p.update(view(new Object[] {"dissect", "layer3", "RUNNING", 300, 600}));
        p.update(view(new Object[] {"dissect", "layer3", "SUCCEEDED", 600, 600}));
        assertEquals(List.of("begin run 3: dissect layer3 600 images", "advance 100", "advance 200", "advance 300", "end"), c.calls);
    }
}
