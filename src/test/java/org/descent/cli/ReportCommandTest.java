package org.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.descent.report.RunFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesTheReportAndPrintsItsPath() throws IOException {
        Path run = new RunFixture().write(dir.resolve("run"));
        CliTestSupport.Run r = CliTestSupport.run("report", run.toString());
        assertEquals(0, r.exitCode(), r.err());
        Path html = run.resolve("report.html").toAbsolutePath().normalize();
        assertEquals(html.toString(), r.out().strip());
        assertTrue(Files.readString(html).contains("0.8731"));
        assertTrue(Files.isRegularFile(run.resolve("loss.png")));
        assertEquals(0, CliTestSupport.run("report", run.toString()).exitCode(), "regenerating over an earlier report");
    }

    @Test
    void notARunDirectoryIsAUsageError() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        for (Path p : List.of(dir.resolve("missing"), empty)) {
            CliTestSupport.Run r = CliTestSupport.run("report", p.toString());
            assertEquals(2, r.exitCode(), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains(p.toString()), r.err());
        }
        assertTrue(CliTestSupport.run("report", empty.toString()).err().contains("no metrics.jsonl"));
        assertEquals(2, CliTestSupport.run("report").exitCode(), "RUN_DIR is required");
    }

    @Test
    void aCorruptMetricsFileFailsWithOneLineNamingFileAndLine() throws IOException {
        Path run = new RunFixture().write(dir.resolve("run"));
        List<String> lines = new ArrayList<>(new RunFixture().metricsLines());
        lines.set(2, "{\"type\":\"step\",\"step\":2,\"loss\":0.9");
        Files.write(run.resolve("metrics.jsonl"), lines);
        CliTestSupport.Run r = CliTestSupport.run("report", run.toString());
        assertEquals(1, r.exitCode(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("descent: " + run.resolve("metrics.jsonl") + ":3: not valid JSON"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertFalse(Files.exists(run.resolve("report.html")));
    }

    @Test
    void helpDescribesTheCommandAndTheTopLevelHelpListsIt() {
        CliTestSupport.Run r = CliTestSupport.run("report", "--help");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().contains("RUN_DIR") && r.out().contains("report.html"), r.out());
        assertTrue(CliTestSupport.run("--help").out().contains("report"));
    }
}
