package org.ganscope.ops.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.ganscope.ops.Ops;
import org.junit.jupiter.api.Test;

/** bench experiment's options: the known ones with their values, --no-pause-training, and errors naming the option. */
class ExperimentBenchArgsTest {
    @Test
    void knownOptionsAndTheOptOut() {
        assertEquals(Map.of("bundle", "outdoor-mbstd-s100", "samples", "300", "no-pause-training", "true"),
                ExperimentBench.parse(new String[] {"--bundle", "outdoor-mbstd-s100", "--no-pause-training", "--samples", "300"}));
        assertEquals(Map.of(), ExperimentBench.parse(new String[0]));
    }

    @Test
    void wrongOptionsAreNamed() {
        assertEquals("unknown option '--bogus'", assertThrows(Ops.UsageException.class,
                () -> ExperimentBench.parse(new String[] {"--bogus", "1"})).getMessage());
        assertEquals("unknown argument 'stray'", assertThrows(Ops.UsageException.class,
                () -> ExperimentBench.parse(new String[] {"stray"})).getMessage());
        assertEquals("option '--layer' needs a value", assertThrows(Ops.UsageException.class,
                () -> ExperimentBench.parse(new String[] {"--layer", "--no-pause-training"})).getMessage());
        assertEquals("option '--threads' needs a positive whole number, not '0'", assertThrows(Ops.UsageException.class,
                () -> ExperimentBench.parse(new String[] {"--threads", "0"})).getMessage());
    }
}
