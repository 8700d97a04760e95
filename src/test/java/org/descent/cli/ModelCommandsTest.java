package org.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code evaluate} and {@code predict} on a model that {@code train} just wrote. */
@org.junit.jupiter.api.Tag("spark")
class ModelCommandsTest {
    @TempDir
    static Path dir;
    static Path data;
    static Path run;
    static JsonNode summary;

    @BeforeAll
    static void trainAModel() throws IOException {
        data = dir.resolve("small");
        Files.createDirectories(data);
        SmallIdx.write(Path.of("data/fashion-mnist"), data, 1000, 300);
        run = dir.resolve("run");
        CliTestSupport.Run r = CliTestSupport.run("train", "conf/quickstart.conf", "--master", "local[2]", "--out", run.toString(),
                "--set", "data.dir=\"" + data + "\"", "--set", "training.epochs=1", "--set", "training.batchSize=100");
        assertEquals(0, r.exitCode(), r.err());
        summary = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
    }

    @Test
    void evaluateReproducesTheTestFiguresOfTheRun() {
        CliTestSupport.Run r = CliTestSupport.run("evaluate", run.toString(), data.toString(), "--master", "local[2]");
        assertEquals(0, r.exitCode(), r.err());
        String expected = String.format(Locale.ROOT, "t10k: loss %.4f, accuracy %.4f over 300 examples (softmax_cross_entropy)",
                summary.get("testLoss").asDouble(), summary.get("testAccuracy").asDouble());
        assertTrue(r.out().contains(expected), r.out() + " vs " + expected);
    }

    @Test
    void predictWritesParquetAndCsvWhoseAccuracyIsTheRunsTestAccuracy() {
        Path parquet = dir.resolve("pred-parquet");
        CliTestSupport.Run r = CliTestSupport.run("predict", run.resolve("model.bin").toString(), data.toString(), "--master", "local[2]",
                "--out", parquet.toString());
        assertEquals(0, r.exitCode(), r.err());
        Path csv = dir.resolve("pred-csv");
        assertEquals(0, CliTestSupport.run("predict", run.toString(), data.toString(), "--master", "local[2]", "--out", csv.toString(),
                "--output-format", "csv").exitCode());
        SparkSession spark = SparkSession.builder().master("local[1]").appName("read").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").getOrCreate();
        try {
            Dataset<Row> p = spark.read().parquet(parquet.toString());
            assertEquals(300, p.count());
            assertEquals(List.of("index", "label", "prediction", "probability"), List.of(p.columns()));
            double accuracy = p.filter("cast(label as int) = prediction").count() / 300.0;
            assertEquals(summary.get("testAccuracy").asDouble(), accuracy, 1e-9);
            Row first = p.orderBy("index").first();
            assertEquals(0L, first.getLong(0));
            double total = 0;
            for (Object v : first.getList(3)) {
                total += (Float) v;
            }
            assertEquals(1.0, total, 1e-5, "probabilities sum to one");
            Dataset<Row> c = spark.read().option("header", "true").option("inferSchema", "true").csv(csv.toString());
            assertEquals(300, c.count());
            assertEquals(p.filter("cast(label as int) = prediction").count(), c.filter("cast(label as int) = prediction").count());
        } finally {
            spark.stop();
        }
        CliTestSupport.Run again = CliTestSupport.run("predict", run.toString(), data.toString(), "--master", "local[2]", "--out", csv.toString());
        assertEquals(2, again.exitCode());
        assertTrue(again.err().contains("exists: predict does not overwrite"), again.err());
    }

    @Test
    void exportWritesAnOnnxModelThatClassifiesRawTestImagesAsTheRunDid() throws Exception {
        Path file = dir.resolve("exported/quickstart.onnx");
        CliTestSupport.Run r = CliTestSupport.run("export", run.toString(), "--format", "onnx", "--out", file.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("ONNX opset 17") && r.out().contains("outputs [output, probabilities, label]"), r.out());
        org.descent.data.Dataset test = org.descent.data.Mnist.load(data, "t10k");
        try (ai.onnxruntime.OrtEnvironment env = ai.onnxruntime.OrtEnvironment.getEnvironment();
             ai.onnxruntime.OrtSession session = env.createSession(file.toString(), new ai.onnxruntime.OrtSession.SessionOptions());
             ai.onnxruntime.OnnxTensor input = ai.onnxruntime.OnnxTensor.createTensor(env, java.nio.FloatBuffer.wrap(test.features()),
                     new long[] {test.size(), test.featureSize()});
             ai.onnxruntime.OrtSession.Result result = session.run(java.util.Map.of("input", input))) {
            long[] labels = (long[]) result.get("label").orElseThrow().getValue();
            int correct = 0;
            for (int e = 0; e < test.size(); e++) {
                correct += labels[e] == (long) test.labels()[e] ? 1 : 0;
            }
            // The same network on raw pixels, the normalization inside the graph: the run's test accuracy (a near tie may round either way).
            assertEquals(summary.get("testAccuracy").asDouble() * test.size(), correct, 1.0);
        }
        CliTestSupport.Run bad = CliTestSupport.run("export", run.toString(), "--format", "pmml");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("--format must be onnx, got 'pmml'"), bad.err());
    }

    @Test
    void aFileThatIsNotAModelIsOneLine() throws IOException {
        Path bogus = dir.resolve("bogus.bin");
        Files.writeString(bogus, "not a model");
        CliTestSupport.Run r = CliTestSupport.run("evaluate", bogus.toString(), data.toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains(bogus + ": not a Descent model"), r.err());
        r = CliTestSupport.run("evaluate", dir.resolve("nothing").toString(), data.toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("no such model file"), r.err());
    }
}
