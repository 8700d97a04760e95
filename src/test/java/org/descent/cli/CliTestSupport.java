package org.descent.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Runs the command line in-process and captures its exit code, standard output and error. */
final class CliTestSupport {
    record Run(int exitCode, String out, String err) {
    }

    private CliTestSupport() {
    }

    static synchronized Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        StringWriter outWriter = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(outWriter, true));
        PrintStream saved = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = cl.execute(args);
        } finally {
            System.setOut(saved);
        }
        return new Run(code, outWriter + captured.toString(StandardCharsets.UTF_8), err.toString());
    }
}
