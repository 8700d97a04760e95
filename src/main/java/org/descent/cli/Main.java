package org.descent.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The entry point of {@code submit/descent} (and of spark-submit's {@code --class}). Exit codes: 0
 * success; 2 a usage or configuration error (one line on stderr naming what is wrong); 1 a runtime
 * failure.
 */
@Command(name = "descent", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Distributed mini-batch training of neural networks on Apache Spark.",
        subcommands = {TrainCommand.class, ModelCommands.Evaluate.class, ModelCommands.Predict.class, ExportCommand.class, ReportCommand.class, LandscapeCommand.class, BenchCommand.class, ClusterCommand.class, InfoCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    public static final int USAGE_ERROR = 2;
    public static final int RUNTIME_ERROR = 1;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns the exit code (for tests). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("descent: " + ex.getMessage() + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return USAGE_ERROR;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            err.println("descent: " + firstLine(userFacing(ex)));
            if (ex instanceof UsageException || ex instanceof IllegalArgumentException) {
                return USAGE_ERROR;
            }
            if (System.getenv("DESCENT_DEBUG") != null) {
                ex.printStackTrace(err);
            }
            return RUNTIME_ERROR;
        });
        return cl;
    }

    /**
     * The exception whose message tells the user what is wrong: a data or argument error thrown on
     * an executor reaches the driver wrapped in Spark's job-failure exceptions, whose own message
     * is a stack trace; the outermost data or argument error is the one to show.
     */
    static Throwable userFacing(Throwable ex) {
        for (Throwable t = ex; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof org.descent.data.DataFormatException || t instanceof IllegalArgumentException || t instanceof UsageException) {
                return t;
            }
        }
        return ex;
    }

    private static String firstLine(Throwable t) {
        String m = t.getMessage() == null ? t.toString() : t.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
