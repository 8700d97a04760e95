package org.descent.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.descent.report.RunReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code descent report RUN_DIR}: (re)writes the plots and {@code report.html} of a run directory
 * from its metrics, summary and configuration, and prints the path of {@code report.html}. A
 * path that is not a run directory is a usage error; a corrupt metrics file a runtime failure
 * whose message names the file and line.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write the plots (loss, accuracy, learning rate, momentum, step time) and report.html of a run directory of 'train'; "
                + "print the path of report.html.",
            "Reads metrics.jsonl, summary.json and config.conf; writes into the run directory, replacing an earlier report."})
final class ReportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "A run directory written by 'train' (its --out).")
    Path runDir;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(runDir)) {
            throw new UsageException(runDir + ": no such directory");
        }
        if (!Files.isRegularFile(runDir.resolve("metrics.jsonl"))) {
            throw new UsageException(runDir + ": no metrics.jsonl (not a run directory of 'train', or the run has not finished)");
        }
        System.out.println(RunReport.write(runDir).toAbsolutePath().normalize());
        return 0;
    }
}
