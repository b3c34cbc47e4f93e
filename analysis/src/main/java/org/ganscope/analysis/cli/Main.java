package org.ganscope.analysis.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.ganscope.analysis.AnalysisException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Entry point of the analysis command line: {@code ganscope <command> ...} (picocli). Every
 * command has {@code --help}; a wrong option or value is one line naming it (exit 2), a bad
 * input (bundle, arrays) one line starting with "error:" (exit 1).
 */
@Command(name = "ganscope", mixinStandardHelpOptions = true, version = "ganscope analysis 0.1",
        description = "The analysis engine's command line: dissect bundles or arrays, intervene, measure, explain, benchmark.",
        subcommands = {BundleCommand.class, DissectCommand.class, DissectArraysCommand.class, InterveneCommand.class,
                MetricsCommand.class, ArtifactsCommand.class, OptimizeAlphaCommand.class, ReproduceCommand.class,
                ExplainCommand.class, BenchCommand.class, ZooCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command line; returns the exit code (0 ok, 1 bad input, 2 wrong usage). */
    public static int run(String[] args) {
        return commandLine().execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(System.out, true));
        cl.setErr(new PrintWriter(System.err, true));
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine where = e.getCommandLine();
            where.getErr().println(where.getCommandSpec().qualifiedName() + ": " + oneLine(e.getMessage())
                    + " (see '" + where.getCommandSpec().qualifiedName() + " --help')");
            return 2;
        });
        cl.setExecutionExceptionHandler((e, where, parsed) -> {
            String name = where.getCommandSpec().qualifiedName();
            if (e instanceof UsageException) {
                where.getErr().println(name + ": " + oneLine(e.getMessage()));
                return 2;
            }
            if (e instanceof AnalysisException) {
                where.getErr().println(name + ": error: " + oneLine(e.getMessage()));
                return 1;
            }
            where.getErr().println(name + ": unexpected error: " + oneLine(e.toString()));
            return 1;
        });
        return cl;
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", "; ");
    }
}
