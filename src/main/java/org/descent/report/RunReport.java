package org.descent.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.descent.data.DataFormatException;
import org.descent.io.AtomicFiles;

/**
 * The report of a run directory written by {@code descent train}: reads {@code metrics.jsonl}
 * (required), {@code summary.json} and {@code config.conf} (either may be missing), and writes
 * the plots of {@link RunPlots} and {@code report.html} into the same directory, each under a
 * temporary name and then renamed; {@code report.html} comes last, so it never refers to a plot
 * not yet written. Running it again regenerates everything.
 */
public final class RunReport {
    /** The report page's file name in the run directory. */
    public static final String HTML = "report.html";

    private RunReport() {
    }

    /**
     * Writes the plots and {@code report.html} of a run directory.
     *
     * @return the path of {@code report.html}
     * @throws DataFormatException when {@code metrics.jsonl} is missing or a line of it is not a
     *     metrics line (the message names the file and line), or {@code summary.json} is not a JSON object
     * @throws FileNotFoundException when {@code runDir} is not a directory
     */
    public static Path write(Path runDir) throws IOException {
        if (!Files.isDirectory(runDir)) {
            throw new FileNotFoundException(runDir + ": no such run directory");
        }
        RunMetrics metrics = RunMetrics.read(runDir.resolve("metrics.jsonl"));
        Path summaryFile = runDir.resolve("summary.json");
        JsonNode summary = Json.readFile(summaryFile);
        if (summary != null && !summary.isObject()) {
            throw new DataFormatException(summaryFile + ": expected a JSON object");
        }
        Path configFile = runDir.resolve("config.conf");
        String config = Files.isRegularFile(configFile) ? new String(Files.readAllBytes(configFile), StandardCharsets.UTF_8) : null;
        List<RunPlots.Plot> plots = RunPlots.write(metrics, runDir);
        String html = new HtmlReport(runName(runDir), summary, metrics, plots, config, environment(summary),
                OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).render();
        Path out = runDir.resolve(HTML);
        AtomicFiles.writeString(out, html);
        return out;
    }

    /** Spark version and BLAS as the run recorded them (else looked up here), then this process's Java, OS and cores. */
    static Map<String, String> environment(JsonNode summary) {
        Map<String, String> rows = new LinkedHashMap<>();
        rows.put("Spark", recorded(summary, "sparkVersion", Environment.sparkVersion()));
        rows.put("BLAS", recorded(summary, "blas", "not recorded"));
        rows.putAll(Environment.describe());
        return rows;
    }

    private static String recorded(JsonNode summary, String field, String otherwise) {
        JsonNode v = summary == null ? null : summary.get(field);
        return v == null || v.isNull() ? otherwise : SummaryRows.text(v);
    }

    private static String runName(Path runDir) {
        Path name = runDir.toAbsolutePath().normalize().getFileName();
        return name == null ? runDir.toAbsolutePath().toString() : name.toString();
    }
}
