package org.ganscope.ops;

import java.util.Arrays;
import org.ganscope.ops.bench.ExperimentBench;
import org.ganscope.ops.bench.GridBench;
import org.ganscope.ops.chaos.ChaosRun;
import org.ganscope.ops.cluster.WorkersBench;

/**
 * The operations tooling's entry point, outside the platform jar ({@code ./ganscope chaos},
 * {@code ./ganscope bench workers|experiment|grid}): runs on a class path with the app's
 * plain classes and starts platform nodes and model workers through the platform's own
 * entry point, {@link org.ganscope.app.GanscopeApplication#main}.
 */
public final class Ops {
    static final String USAGE = """
            usage: ops COMMAND [OPTIONS]   (from the launcher: ./ganscope COMMAND ...)
              chaos [--quick] [--worker-kills N] [--platform-kills M] [--burst B] [--seed S]
                                  the reliability suite against a local cluster
              bench workers [--bundle B] [--layer L] [--samples N] [--shards K] [--threads T]
                                  1 vs 2 model worker processes on one dissection
              bench experiment [--bundle B] [--layer L] [--samples N] [--class C] [--threads T] [--no-pause-training]
                                  the default six-step experiment on a local cluster (bench experiment --help)
              bench grid [--experiments N] [--reps R]
                                  the experiments grid's page load over N experiments
            """;

    private Ops() {
    }

    /** A wrong option or argument: one line naming it, exit code 2, nothing run. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        String command = args.length == 0 ? "help" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        if (Arrays.asList(rest).contains("--help") || Arrays.asList(rest).contains("-h")) {
            boolean experiment = command.equals("bench") && rest.length > 0 && rest[0].equals("experiment");
            System.out.print(experiment ? ExperimentBench.USAGE : USAGE);
            return;
        }
        switch (command) {
            case "chaos" -> ChaosRun.main(rest);
            case "bench" -> bench(rest);
            case "help", "--help", "-h" -> System.out.print(USAGE);
            default -> fail("unknown command '" + command + "'");
        }
    }

    private static void bench(String[] args) throws Exception {
        String what = args.length == 0 ? "" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (what) {
            case "workers" -> WorkersBench.main(rest);
            case "experiment" -> {
                try {
                    ExperimentBench.main(rest);
                } catch (UsageException e) {
                    System.err.println("ganscope bench experiment: " + e.getMessage() + " (see './ganscope bench experiment --help')");
                    System.exit(2);
                }
            }
            case "grid" -> GridBench.main(rest);
            default -> fail("bench needs workers, experiment or grid" + (what.isEmpty() ? "" : ", not '" + what + "'"));
        }
    }

    private static void fail(String message) {
        System.err.print("ops: " + message + "\n" + USAGE);
        System.exit(2);
    }
}
