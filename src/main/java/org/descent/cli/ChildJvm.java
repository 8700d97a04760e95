package org.descent.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
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
    private ChildJvm() {
    }

    /**
     * Runs {@link Main} with {@code args} in a new JVM with this JVM's options (not a flight recording or an agent, which
     * would collide with this one's) and class path, its environment inherited; each line of its standard output goes to
     * {@code lines}, its standard error to this one's. Returns the exit code.
     */
    static int run(List<String> args, Consumer<String> lines) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.contains("FlightRecord") && !arg.startsWith("-agent") && !arg.startsWith("-javaagent")) {
                cmd.add(arg);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(args);
        Process child = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lines.accept(line);
            }
        }
        return child.waitFor();
    }
}
