package org.descent.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A command of this application run in a JVM of its own, started like this one: for benchmarks that measure several
 * models, each of which should run code that C2 compiled for it alone. The Vector API's call sites are shared by every
 * model, and one that has seen several vector shapes compiles to the API's Java fallbacks; in one JVM, the model
 * measured second pays for the first.
 */
final class ChildJvm {
    /** The line a benchmark prints before it measures each of several models with {@link #run}. */
    static final String EACH_MODEL_NOTE = "Each model in a JVM of its own (started like this one), so that none runs code compiled for another";

    private ChildJvm() {
    }

    /**
     * Runs {@link Main} with {@code args} in a new JVM — this JVM's own binary, options and class path, its environment
     * inherited — and returns the exit code. Each line of its standard output goes to {@code lines}, its standard error
     * to this one's. Options that would collide with this JVM's (a flight recording, an agent or a debugger's port, a log
     * or dump file) are left out, and so are {@code JAVA_TOOL_OPTIONS} and {@code JDK_JAVA_OPTIONS} from the child's
     * environment, whose contents are among this JVM's options already. The child is destroyed if this side stops first.
     */
    static int run(List<String> args, Consumer<String> lines) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!collides(arg)) {
                cmd.add(arg);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        Process child = pb.start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lines.accept(line);
            }
            return child.waitFor();
        } finally {
            child.destroy();
        }
    }

    /** Whether a JVM option of this one would collide with it in a second JVM: a recording, agent, debugger, log or dump file. */
    static boolean collides(String arg) {
        return arg.contains("FlightRecord") || arg.startsWith("-agent") || arg.startsWith("-javaagent") || arg.startsWith("-Xrunjdwp")
                || arg.equals("-Xdebug") || arg.startsWith("-Xloggc") || (arg.startsWith("-Xlog") && arg.contains("file="))
                || arg.startsWith("-XX:HeapDumpPath") || arg.startsWith("-XX:ErrorFile") || arg.startsWith("-XX:ArchiveClassesAtExit");
    }
}
