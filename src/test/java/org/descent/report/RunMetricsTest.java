package org.descent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.descent.data.DataFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** metrics.jsonl's one schema: the lines written from the records read back as the same records. */
class RunMetricsTest {
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void linesWrittenFromTheRecordsReadBackAsTheSameRecords(@TempDir Path dir) throws IOException {
        RunMetrics.Step step = new RunMetrics.Step(7, 0, 0.25, 128, 3.5, 2.0, 0.5, 0.25, 1.0, 1e-3, Double.NaN, 1.5, 36571.4, 0);
        RunMetrics.Evaluation evaluation = new RunMetrics.Evaluation(8, 0, 0.3, 0.9, Double.NaN, Double.NaN);
        RunMetrics.Epoch epoch = new RunMetrics.Epoch(0, 8, 0.27, Double.NaN, 0.31, 0.89, 0.33, 0.88, 2.5);
        String stepLine = RunMetrics.json(step, mapper).toString();
        assertTrue(stepLine.startsWith("{\"type\":\"step\",\"step\":7,\"epoch\":0,\"loss\":0.25,\"examples\":128,"), stepLine);
        assertFalse(stepLine.contains("momentum"), "a NaN field is left out: " + stepLine);
        Path file = dir.resolve("metrics.jsonl");
        Files.write(file, List.of(stepLine, RunMetrics.json(evaluation, mapper).toString(), RunMetrics.json(epoch, mapper).toString()));
        RunMetrics read = RunMetrics.read(file);
        assertEquals(List.of(step), read.steps());
        assertEquals(List.of(evaluation), read.evaluations());
        assertEquals(List.of(epoch), read.epochs());
    }

    @Test
    void aLineWithoutARequiredFieldNamesFileLineAndField(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        Files.write(file, List.of("{\"type\":\"step\",\"step\":0,\"loss\":1}", "{\"type\":\"step\",\"step\":1}"));
        DataFormatException e = assertThrows(DataFormatException.class, () -> RunMetrics.read(file));
        assertEquals(file + ":2: step line: no 'loss'", e.getMessage());
    }
}
