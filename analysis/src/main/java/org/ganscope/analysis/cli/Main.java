package org.ganscope.analysis.cli;

import java.util.List;
import org.ganscope.analysis.AnalysisException;

/** Entry point of the analysis command line: {@code ganscope <command> ...}. */
public final class Main {
    private Main() {
    }

    static List<Command> commands() {
        return List.of(
                new BundleCommand(),
                new DissectCommand(),
                new DissectArraysCommand(),
                new InterveneCommand(),
                new MetricsCommand(),
                new ArtifactsCommand(),
                new OptimizeAlphaCommand(),
                new ReproduceCommand(),
                new ExplainCommand(),
                new BenchCommand());
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String[] args) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help")) {
            usage();
            return args.length == 0 ? 2 : 0;
        }
        for (Command c : commands()) {
            if (c.name().equals(args[0])) {
                try {
                    return c.run(args);
                } catch (UsageException e) {
                    System.err.println("ganscope " + c.name() + ": " + e.getMessage());
                    return 2;
                } catch (AnalysisException e) {
                    System.err.println("ganscope " + c.name() + ": error: " + e.getMessage());
                    return 1;
                } catch (Exception e) {
                    System.err.println("ganscope " + c.name() + ": unexpected error: " + e);
                    return 1;
                }
            }
        }
        System.err.println("ganscope: unknown command '" + args[0] + "' (try 'ganscope help')");
        return 2;
    }

    private static void usage() {
        System.out.println("usage: ganscope <command> [options]");
        for (Command c : commands()) {
            System.out.printf("  %-16s %s%n", c.name(), c.summary());
        }
    }
}
