package org.descent.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.descent.data.DataFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReportTest {
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path dir;

    @Test
    void writesEveryPlotAndAPageTyingThemTogether() throws IOException {
        Path run = new RunFixture().write(dir.resolve("run"));
        Path html = RunReport.write(run);
        assertEquals(run.resolve("report.html"), html);
        for (String png : RunPlots.FILES) {
            assertValidPng(run.resolve(png));
        }
        String page = Files.readString(html);
        assertTrue(page.startsWith("<!DOCTYPE html>"), page);
        for (String png : RunPlots.FILES) {
            assertTrue(page.contains("<img src=\"" + png + "\""), png);
        }
        assertTrue(page.contains("0.8731"), "test accuracy from summary.json");
        assertTrue(page.contains("<th>Test accuracy</th><td>0.8731 (87.31 %)</td>"), page);
        assertTrue(page.contains("<th>Best epoch</th><td>2</td>"), page);
        assertTrue(page.contains("75.5 s (1 min 16 s)"), "wall time");
        assertTrue(page.contains("<th>Spark master</th><td>local[2]</td>"), page);
        assertTrue(page.contains("12.5 MB (12,500,000 bytes)"), "cached bytes");
        assertTrue(page.contains("<code>00ff00ff</code>"), "parameter hash");
        assertTrue(page.contains("<th>optimizerName</th><td>adam &amp; co</td>"), "fields added later are shown, escaped");
        assertTrue(page.contains("<th>Spark</th><td>4.1.0-fixture</td>"), "Spark version recorded by the run");
        assertTrue(page.contains("<th>BLAS</th><td>OpenBLAS (fixture)</td>"), page);
        assertTrue(page.contains("<th>Java</th><td>") && page.contains(System.getProperty("java.version")), page);
        assertTrue(page.contains("<th>Cores</th><td>" + Runtime.getRuntime().availableProcessors() + "</td>"), page);

        for (String header : List.of("epoch", "steps", "train loss", "validation loss", "validation accuracy", "test loss", "test accuracy", "seconds")) {
            assertTrue(page.contains("<th>" + header + "</th>"), header);
        }
        List<String> fixtureLines = new RunFixture().metricsLines();
        for (int e = 0; e < 3; e++) {
            String trainLoss = fixtureLines.stream().filter(l -> l.contains("\"type\":\"epoch\"")).toList().get(e)
                    .replaceAll(".*\"trainLoss\":([^,]+),.*", "$1");
            String row = String.format(Locale.ROOT, "<td>%d</td><td>%d</td><td>%.4f</td><td>%.4f</td><td>%.4f</td>", e + 1, 20 * (e + 1),
                    Double.parseDouble(trainLoss), RunFixture.epochLoss(e), RunFixture.epochAccuracy(e));
            assertTrue(page.contains(row), "epoch row " + row + " in\n" + page);
        }
        assertTrue(page.contains("<tr class=\"best\" title=\"best epoch\"><td>2</td>"), "the best epoch is highlighted");

        assertTrue(page.contains("<pre># resolved\ndata {\n    dir = &quot;data/fashion-mnist&quot;"), "config text");
        assertTrue(page.contains("learningRate = 0.001"), "config text");
        assertTrue(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), "planted script is escaped");
        assertFalse(page.toLowerCase(Locale.ROOT).contains("<script"), "no script element");
        assertNoTemporaryFiles(run);
    }

    @Test
    void withoutValidationOrMomentumThosePartsAreLeftOut() throws IOException {
        Path run = new RunFixture().withoutValidation().withoutMomentum().write(dir.resolve("run"));
        assertTrue(Files.readString(run.resolve("metrics.jsonl")).contains("\"momentum\":\"NaN\""), "NaN as Jackson writes it");
        assertEquals(1.5, RunMetrics.read(run.resolve("metrics.jsonl")).steps().get(0).bnSyncMs(), "synchronized BN's wait is read for the step-time bands");
        RunReport.write(run);
        for (String png : List.of("loss.png", "accuracy.png", "learning-rate.png", "step-time.png")) {
            assertValidPng(run.resolve(png));
        }
        assertFalse(Files.exists(run.resolve("momentum.png")));
        String page = Files.readString(run.resolve("report.html"));
        assertFalse(page.contains("momentum.png"), page);
        assertFalse(page.contains("validation"), "no validation column or caption: " + page);
        assertTrue(page.contains("<th>test loss</th>") && page.contains("<th>test accuracy</th>"), page);
        String row = String.format(Locale.ROOT, "<td>%.4f</td><td>%.4f</td><td>%.1f</td></tr>", RunFixture.epochLoss(2), RunFixture.epochAccuracy(2), 3.25);
        assertTrue(page.contains(row), row + " in\n" + page);
        assertNoTemporaryFiles(run);
    }

    @Test
    void regeneratingRemovesAPlotWhoseMetricsAreGone() throws IOException {
        Path run = new RunFixture().write(dir.resolve("run"));
        RunReport.write(run);
        assertTrue(Files.exists(run.resolve("momentum.png")));
        new RunFixture().withoutMomentum().write(run);
        RunReport.write(run);
        assertFalse(Files.exists(run.resolve("momentum.png")), "stale momentum.png removed");
        assertFalse(Files.readString(run.resolve("report.html")).contains("momentum.png"));
    }

    @Test
    void onlyTheRequiredFieldsAreNeeded() throws IOException {
        Path run = Files.createDirectories(dir.resolve("bare"));
        Files.write(run.resolve("metrics.jsonl"), List.of(
                "{\"type\":\"step\",\"step\":0,\"loss\":2.3}",
                "",
                "{\"type\":\"step\",\"step\":1,\"loss\":NaN,\"epoch\":null}",
                "{\"type\":\"step\",\"step\":2,\"loss\":\"1.9\",\"learningRate\":\"Infinity\"}",
                "{\"type\":\"histogram\",\"values\":[1,2,3]}",
                "{\"type\":\"epoch\",\"epoch\":0}"));
        Path html = RunReport.write(run);
        assertValidPng(run.resolve("loss.png"));
        for (String png : List.of("accuracy.png", "learning-rate.png", "momentum.png", "step-time.png")) {
            assertFalse(Files.exists(run.resolve(png)), png);
        }
        String page = Files.readString(html);
        assertTrue(page.contains("No <code>summary.json</code>"), page);
        assertTrue(page.contains("No <code>config.conf</code>"), page);
        assertTrue(page.contains("<tr><td>1</td></tr>"), "an epoch row without values: " + page);
        assertFalse(Environment.sparkVersion().equals("unknown"), "Spark is on the test class path");
        assertTrue(page.contains("<th>Spark</th><td>" + Environment.sparkVersion() + "</td>"), "Spark version looked up: " + page);
        assertNoTemporaryFiles(run);
    }

    @Test
    void aCorruptMetricsLineIsReportedWithFileAndLineAndNothingIsWritten() throws IOException {
        List<String> good = new RunFixture().metricsLines();
        Path metrics = dir.resolve("run/metrics.jsonl");
        String[][] cases = {
            {"{\"type\":\"step\",\"step\":3,\"loss\":", "not valid JSON"},
            {"{\"type\":\"step\",\"step\":3,\"loss\":\"high\"}", "step line: 'loss' is not a number: \"high\""},
            {"{\"type\":\"step\",\"step\":-1,\"loss\":1}", "'step' is not a non-negative integer"},
            {"{\"type\":\"step\",\"loss\":1}", "step line: no 'step'"},
            {"{\"type\":\"epoch\",\"epoch\":1.5}", "epoch line: 'epoch' is not a non-negative integer"},
            {"[1, 2]", "expected a JSON object"},
            {"{\"step\":3}", "no \"type\""},
        };
        for (String[] c : cases) {
            List<String> lines = new ArrayList<>(good);
            lines.set(6, c[0]);
            new RunFixture().write(metrics.getParent());
            Files.write(metrics, lines);
            DataFormatException e = assertThrows(DataFormatException.class, () -> RunReport.write(metrics.getParent()), c[0]);
            assertTrue(e.getMessage().startsWith(metrics + ":7: "), e.getMessage());
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
            try (Stream<Path> files = Files.list(metrics.getParent())) {
                assertEquals(List.of("config.conf", "metrics.jsonl", "summary.json"), files.map(p -> p.getFileName().toString()).sorted().toList());
            }
        }
        Files.delete(metrics);
        DataFormatException missing = assertThrows(DataFormatException.class, () -> RunReport.write(metrics.getParent()));
        assertEquals(metrics + ": no such file", missing.getMessage());
        Files.writeString(metrics.resolveSibling("metrics.jsonl"), good.get(0));
        Files.writeString(metrics.resolveSibling("summary.json"), "{\n  \"testAccuracy\" : 0.9,\n  oops\n}");
        DataFormatException summary = assertThrows(DataFormatException.class, () -> RunReport.write(metrics.getParent()));
        assertTrue(summary.getMessage().startsWith(metrics.resolveSibling("summary.json") + ":3: not valid JSON"), summary.getMessage());
    }

    @Test
    void manyStepsAreDrawnAsBucketMeans() throws IOException {
        Path run = new RunFixture().epochs(2, 3000).evaluateEvery(500).write(dir.resolve("long"));
        RunReport.write(run);
        for (String png : RunPlots.FILES) {
            assertValidPng(run.resolve(png));
        }
    }

    @Test
    void curvesSmoothAndDownsample() {
        assertArrayEquals(new double[] {1, 1.5, 2.5, 3.5}, Curves.movingAverage(new double[] {1, 2, 3, 4}, 2), 1e-12);
        double[] withNaN = Curves.movingAverage(new double[] {1, Double.NaN, 3}, 3);
        assertEquals(1, withNaN[0]);
        assertTrue(Double.isNaN(withNaN[1]));
        assertEquals(2, withNaN[2]);
        double[][] d = Curves.downsample(new double[] {1, 2, 3, 4, 5, 6}, new double[] {1, 3, 5, 7, Double.NaN, 11}, 3);
        assertArrayEquals(new double[] {1.5, 3.5, 5.5}, d[0], 1e-12);
        assertArrayEquals(new double[] {2, 6, 11}, d[1], 1e-12);
        assertEquals(1, Curves.window(30));
        assertEquals(200, Curves.window(1_000_000));
    }

    @Test
    void htmlEscapesEverySpecialCharacter() {
        assertEquals("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;", Html.escape("<a href=\"x\" title='y'>&</a>"));
        assertEquals("", Html.escape(null));
    }

    private static void assertValidPng(Path png) throws IOException {
        assertTrue(Files.isRegularFile(png), png + " exists");
        byte[] head = Arrays.copyOf(Files.readAllBytes(png), PNG_MAGIC.length);
        assertArrayEquals(PNG_MAGIC, head, png + " starts with the PNG signature");
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, png + " decodes");
        assertEquals(RunPlots.WIDTH, img.getWidth(), png.toString());
        assertEquals(RunPlots.HEIGHT, img.getHeight(), png.toString());
    }

    private static void assertNoTemporaryFiles(Path run) throws IOException {
        try (Stream<Path> files = Files.list(run)) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            assertTrue(names.stream().noneMatch(n -> n.startsWith(".") || n.endsWith(".tmp")), names.toString());
        }
    }
}
