package org.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.descent.tensor.Rng;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input corpus, through the command users type: every case gives one line on stderr that
 * says what is wrong and where, a non-zero exit code, and no run directory that looks complete.
 * The corpus is generated here from a small, valid CSV data set (three Gaussian blobs), which also
 * trains and evaluates end to end as the control case.
 */
@org.junit.jupiter.api.Tag("spark")
class BadInputTest {
    @TempDir
    static Path dir;
    static Path conf;
    static Path train;
    static Path test;

    @BeforeAll
    static void writeCorpus() throws IOException {
        train = dir.resolve("train.csv");
        test = dir.resolve("test.csv");
        Files.write(train, blobs(600, 1));
        Files.write(test, blobs(150, 2));
        conf = dir.resolve("blobs.conf");
        Files.writeString(conf, String.join("\n",
                "data { format = csv, train = \"" + train + "\", test = \"" + test + "\", csv.label = y }",
                "model.layers = [\"dense(16)\", relu, \"dense(3)\"]",
                "training { epochs = 2, batchSize = 32, partitions = 2 }",
                "optimizer { name = adam, learningRate = 0.01 }", ""));
    }

    /** Three classes around (±2, 0, …); a header "f0,…,f3,y" with the label last. */
    static List<String> blobs(int n, long seed) {
        Rng rng = new Rng(seed);
        List<String> lines = new ArrayList<>(List.of("f0,f1,f2,f3,y"));
        for (int i = 0; i < n; i++) {
            int c = rng.nextInt(3);
            lines.add(String.format(Locale.ROOT, "%.4f,%.4f,%.4f,%.4f,%d", (c - 1) * 2 + rng.nextGaussian() * 0.5, (c == 1 ? 2 : 0) + rng.nextGaussian() * 0.5,
                    rng.nextGaussian(), rng.nextGaussian(), c));
        }
        return lines;
    }

    private static CliTestSupport.Run train(Path out, String... sets) {
        List<String> args = new ArrayList<>(List.of("train", conf.toString(), "--master", "local[2]", "--out", out.toString()));
        for (String s : sets) {
            args.add("--set");
            args.add(s);
        }
        return CliTestSupport.run(args.toArray(new String[0]));
    }

    /** Asserts a failure with one line on stderr containing {@code expected}, and no complete run directory. */
    private static void assertRefused(CliTestSupport.Run r, Path out, String... expected) {
        assertNotEquals(0, r.exitCode(), r.out() + r.err());
        List<String> lines = r.err().lines().filter(l -> l.startsWith("descent: ")).toList();
        assertEquals(1, lines.size(), r.err());
        for (String e : expected) {
            assertTrue(lines.get(0).contains(e), "'" + lines.get(0) + "' should contain '" + e + "'");
        }
        assertFalse(Files.exists(out.resolve("summary.json")), "no summary.json");
        assertFalse(Files.exists(out.resolve("model.bin")), "no model.bin");
        assertFalse(Files.exists(out.resolve("metrics.jsonl")), "no finished metrics.jsonl");
        assertFalse(Files.exists(out), "no run directory: nothing was written in it");
    }

    private static Path variant(String name, int line, String replacement) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(train));
        lines.set(line - 1, replacement);
        Path p = dir.resolve(name);
        Files.write(p, lines);
        return p;
    }

    @Test
    void theCleanCorpusTrainsAndEvaluates() throws IOException {
        Path out = dir.resolve("clean");
        CliTestSupport.Run r = train(out);
        assertEquals(0, r.exitCode(), r.err());
        JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals("csv", s.get("dataFormat").asText());
        assertEquals(0, s.get("badRows").asLong());
        assertTrue(s.get("testAccuracy").asDouble() > 0.9, "three separable blobs: " + s.get("testAccuracy"));
        CliTestSupport.Run e = CliTestSupport.run("evaluate", out.toString(), test.toString(), "--format", "csv", "--label", "y", "--master", "local[2]");
        assertEquals(0, e.exitCode(), e.err());
        assertTrue(e.out().contains(String.format(Locale.ROOT, "accuracy %.4f over 150 examples", s.get("testAccuracy").asDouble())), e.out());
    }

    @Test
    void badRowsCanBeSkippedAndCounted() throws IOException {
        Path bad = variant("skip.csv", 7, "1.0,oops,0,0,1");
        Path out = dir.resolve("skip");
        CliTestSupport.Run r = train(out, "data.train=\"" + bad + "\"", "data.badRows=skip");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("skipped 1 bad rows") && r.out().contains("skip.csv:7: column 2 is 'oops', not a number"), r.out());
        assertEquals(1, new ObjectMapper().readTree(out.resolve("summary.json").toFile()).get("badRows").asLong());
    }

    /** A dense layer on a [T, F] input applies per step: a sequence output before a class loss is refused in one line. */
    @Test
    void aSequenceOutputBeforeAClassLossIsRefused() throws IOException {
        Path out = dir.resolve("sequence");
        assertRefused(train(out, "model.inputShape=[2, 2]", "model.layers=[\"dense(3)\"]"), out,
                "the model's output is a sequence [2, 3] (a dense layer on a [T, F] input applies to each step) and the data gives one label per example: "
                        + "add flatten before the output layer");
    }

    @Test
    void aCorruptCsvLineIsNamedByFileAndLine() throws IOException {
        Path out = dir.resolve("corrupt-csv");
        Path bad = variant("corrupt.csv", 42, "0.1,0.2;0.3,0.4,1");
        assertRefused(train(out, "data.train=\"" + bad + "\""), out, "corrupt.csv:42: column 2 is '0.2;0.3', not a number");
    }

    @Test
    void aNanFeatureIsNamedByFileAndLine() throws IOException {
        Path out = dir.resolve("nan");
        Path bad = variant("nan.csv", 100, "0.1,NaN,0.3,0.4,1");
        assertRefused(train(out, "data.train=\"" + bad + "\""), out, "nan.csv:100: column 2 is NaN (features and labels must be finite)");
    }

    @Test
    void aLabelOutOfRangeIsNamedByFileAndLine() throws IOException {
        Path out = dir.resolve("label");
        Path bad = variant("label.csv", 300, "0.1,0.2,0.3,0.4,3");
        assertRefused(train(out, "data.train=\"" + bad + "\""), out, "label.csv:300: label 3.0 is not a class index in [0, 3) (the model has 3 outputs)");
    }

    @Test
    void aCorruptLibsvmLineIsNamedByFileAndLine() throws IOException {
        Path libsvm = dir.resolve("corrupt.libsvm");
        Files.write(libsvm, List.of("0 1:0.5 2:1", "1 1:0.2 3:0.1", "2 3:1 2:0.5", "1 2:0.3"));
        Path out = dir.resolve("corrupt-libsvm");
        assertRefused(train(out, "data.format=libsvm", "data.train=\"" + libsvm + "\"", "data.test=\"" + libsvm + "\"", "data.libsvm.numFeatures=4"), out,
                "corrupt.libsvm:3: index 2 follows 3 (indices must be ascending and start at 1)");
    }

    @Test
    void aFeatureCountThatDoesNotFitTheModel() {
        Path out = dir.resolve("shape");
        assertRefused(train(out, "model.inputShape=[1, 28, 28]"), out, "model.inputShape = [1, 28, 28] holds 784 values per example, the data has 4");
        Path cnn = dir.resolve("cnn");
        assertRefused(train(cnn, "model.layers=[\"conv2d(4, 3)\", relu, flatten, \"dense(3)\"]"), cnn, "conv2d");
    }

    @Test
    void aTruncatedIdxFileAndAMissingDirectory() throws IOException {
        Path idx = dir.resolve("idx");
        Files.createDirectories(idx);
        SmallIdx.write(Path.of("data/fashion-mnist"), idx, 200, 100);
        try (var files = Files.list(idx)) {
            for (Path f : files.toList()) {
                if (f.getFileName().toString().startsWith("t10k-images")) {
                    byte[] bytes;
                    try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(f))) {
                        bytes = in.readAllBytes();
                    }
                    Files.delete(f);
                    Files.write(idx.resolve("t10k-images-idx3-ubyte"), java.util.Arrays.copyOf(bytes, 5000));
                }
            }
        }
        Path out = dir.resolve("truncated");
        assertRefused(train(out, "data.format=idx", "data.dir=\"" + idx + "\""), out, "t10k-images-idx3-ubyte", "truncated");
        Path missing = dir.resolve("missing");
        assertRefused(train(missing, "data.format=idx", "data.dir=\"" + dir.resolve("nowhere") + "\""), missing, "nowhere", "exists");
        Path csv = dir.resolve("missing-csv");
        assertRefused(train(csv, "data.train=\"" + dir.resolve("nothing.csv") + "\""), csv, "nothing.csv: no such file or directory");
    }

    @Test
    void configurationErrorsExitWithTwo() throws IOException {
        Path out = dir.resolve("conf");
        CliTestSupport.Run unknown = train(out, "training.epoch=3");
        assertRefused(unknown, out, "unknown key 'training.epoch'", "did you mean 'training.epochs'?");
        assertEquals(2, unknown.exitCode());
        CliTestSupport.Run negative = train(out, "optimizer.learningRate=-0.1");
        assertRefused(negative, out, "learningRate", "-0.1");
        assertEquals(2, negative.exitCode());
        Path typo = dir.resolve("typo.conf");
        Files.writeString(typo, "trainig { epochs = 2 }\n");
        CliTestSupport.Run file = CliTestSupport.run("train", typo.toString(), "--out", out.toString());
        assertRefused(file, out, "typo.conf: 1", "unknown key 'trainig.epochs'");
        CliTestSupport.Run missing = CliTestSupport.run("train", dir.resolve("none.conf").toString(), "--out", out.toString());
        assertRefused(missing, out, "none.conf: no such configuration file");
        assertEquals(2, missing.exitCode());
    }
}
