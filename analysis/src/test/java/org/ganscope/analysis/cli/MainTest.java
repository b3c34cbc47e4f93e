package org.ganscope.analysis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The command line's help, usage errors and exit codes (picocli), through {@link Main#run}. */
class MainTest {
    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            return new Run(Main.run(args), o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8).strip());
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void everyCommandHasHelpWithItsOptions() {
        Run top = run("--help");
        assertEquals(0, top.code());
        for (String c : new String[] {"bundle", "dissect", "dissect-arrays", "intervene", "metrics", "artifacts", "optimize-alpha",
                "reproduce", "explain", "bench"}) {
            assertTrue(top.out().contains("  " + c + " "), c + " listed in: " + top.out());
            Run help = run(c, "--help");
            assertEquals(0, help.code(), c);
            assertTrue(help.out().startsWith("Usage: ganscope " + c), help.out());
        }
        assertTrue(run("dissect", "--help").out().contains("--threshold-seed=S"));
        assertTrue(run("bench", "dissect", "--help").out().contains("--skip-rss"));
        assertEquals(0, run("help", "intervene").code());
    }

    @Test
    void usageErrorsAreOneLineNamingTheOptionWithExitCode2() {
        Run r = run("dissect", "--bundle", "b", "--layer", "layer3", "--out", "o", "--samples", "many");
        assertEquals(2, r.code());
        assertEquals("ganscope dissect: Invalid value for option '--samples': 'many' is not an int (see 'ganscope dissect --help')", r.err());
        r = run("dissect", "--bundle", "b", "--layer", "layer3", "--out", "o", "--samples", "0");
        assertEquals(2, r.code());
        assertEquals("ganscope dissect: --samples must be between 1 and " + org.ganscope.analysis.dissect.DissectParams.MAX_SAMPLES + ", got 0", r.err());
        r = run("intervene", "--bundle", "b");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("ganscope intervene: Missing required options: '--dissection=dissect.json'"), r.err());
        r = run("frobnicate");
        assertEquals(2, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("'frobnicate'"), r.err());
        assertEquals(2, run("bench").code());
        assertEquals(2, run().code());
    }

    @Test
    void badInputIsExitCode1WithError() {
        Run r = run("bundle", "verify", "no-such-bundle-dir");
        assertEquals(1, r.code());
        assertTrue(r.out().contains("no-such-bundle-dir: FAILED"), r.out());
        r = run("dissect", "--bundle", "no-such-bundle-dir", "--layer", "layer3", "--out", "o");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("ganscope dissect: error: "), r.err());
    }
}
