package org.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The benchmark command runs and prints its table; the figures themselves are reported, never asserted. */
@org.junit.jupiter.api.Tag("spark")
class BenchCommandTest {
    @Test
    void throughputPrintsOneRowPerModelWithTheBlasInUse() {
        CliTestSupport.Run r = CliTestSupport.run("bench", "throughput", "--models", "mlp", "--steps", "2", "--warmup", "1",
                "--trials", "1", "--batch", "16", "--no-torch", "--exact");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("Descent BLAS (active): "), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("mlp ")), r.out());
        // The limit in the same run, and the MLP's FLOP per example from its shapes (1.21 MFLOP) with its share of it.
        assertTrue(r.out().contains("The limit, single-thread SGEMM on the active BLAS: "), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("mlp .*\\s1\\.21\\s+\\d+\\.\\d\\s+\\d+%\\s+-")), r.out());
        // --exact: the step with exact sums beside the float one.
        assertTrue(r.out().lines().anyMatch(l -> l.matches("mlp\\s+\\d+\\.\\d\\d\\s+\\d+\\.\\d\\d\\s+\\d+\\.\\d\\d×")), r.out());
        assertTrue(r.out().contains("PyTorch: skipped (--no-torch)"), r.out());
    }

    /** Two models: each measured in a JVM of its own, whose figures come back into the one table, exact rows included. */
    @Test
    void throughputMeasuresEachOfSeveralModelsInAJvmOfItsOwn() {
        CliTestSupport.Run r = CliTestSupport.run("bench", "throughput", "--models", "mlp,cnn", "--steps", "1", "--warmup", "0",
                "--trials", "1", "--batch", "4", "--no-torch", "--exact");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("Each model in a JVM of its own"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("mlp .*\\s1\\.21\\s+\\d+\\.\\d\\s+\\d+%\\s+-")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("cnn .*\\s25\\.00\\s+\\d+\\.\\d\\s+\\d+%\\s+-")), r.out());
        assertTrue(r.out().contains("cnn: conv2d(64, 3×3, stride 1, padding 1) run Winograd's"), r.out());
        for (String m : new String[] {"mlp", "cnn"}) {
            assertTrue(r.out().lines().anyMatch(l -> l.matches(m + "\\s+\\d+\\.\\d\\d\\s+\\d+\\.\\d\\d\\s+\\d+\\.\\d\\d×")), r.out());
        }
    }

    /** The hidden option that a child JVM runs: one model only, its figures as one JSON line. */
    @Test
    void oneModelRowIsOneJsonLineOfOneModel() {
        CliTestSupport.Run r = CliTestSupport.run("bench", "throughput", "--one-model-row", "--models", "mlp", "--steps", "1",
                "--warmup", "0", "--trials", "1", "--batch", "4", "--no-torch");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("descent-throughput-row {\"model\":\"mlp\",\"median\":")), r.out());
        CliTestSupport.Run two = CliTestSupport.run("bench", "throughput", "--one-model-row", "--models", "mlp,cnn", "--no-torch");
        assertEquals(2, two.exitCode(), two.out());
        assertTrue(two.err().contains("--one-model-row measures one model, got [mlp, cnn]"), two.err());
    }

    @Test
    void stepsPrintsTheSplitForEverySizeAndBatch() {
        CliTestSupport.Run r = CliTestSupport.run("bench", "steps", "--master", "local[2]", "--sizes", "2000,4000", "--batches", "100",
                "--steps", "2", "--warmup", "1");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("compute") && r.out().contains("broadcast") && r.out().contains("overhead"), r.out());
        assertEquals(2, r.out().lines().filter(l -> l.matches("job\\s+(2000|4000)\\s+100\\s+.*")).count(), r.out());
        assertEquals(2, r.out().lines().filter(l -> l.matches("barrier\\s+(2000|4000)\\s+100\\s+.*")).count(), r.out());
        assertEquals(2, r.out().lines().filter(l -> l.contains("barrier overhead") && l.contains("x lower")).count(), r.out());
        // Without synchronized batch norm nothing waits for an exchange; with it the wait is measured apart from compute.
        assertTrue(r.out().lines().filter(l -> l.startsWith("barrier ")).allMatch(l -> column(r.out(), l, "bn sync").equals("0.00")), r.out());
        CliTestSupport.Run sync = CliTestSupport.run("bench", "steps", "--master", "local[2]", "--sizes", "2000", "--batches", "100",
                "--steps", "3", "--warmup", "1", "--modes", "barrier-sync", "--features", "32");
        assertTrue(sync.out().contains("MLP 32-256-256-10") && sync.out().contains("raw float32 bytes per row: 132 (32 features"), sync.out());
        assertEquals(0, sync.exitCode(), sync.err());
        String row = sync.out().lines().filter(l -> l.startsWith("barrier-sync ")).findFirst().orElseThrow();
        assertTrue(Double.parseDouble(column(sync.out(), row, "bn sync")) > 0, row);
    }

    /**
     * The value of {@code row} in the column headed {@code name} of a table printed with right-aligned
     * columns: the last token of the row up to where the heading ends (the heading line starts with "mode").
     */
    private static String column(String out, String row, String name) {
        String header = out.lines().filter(l -> l.startsWith("mode ") && l.contains(name)).findFirst().orElseThrow();
        int end = header.indexOf(name) + name.length();
        String[] left = row.substring(0, Math.min(end, row.length())).trim().split("\\s+");
        return left[left.length - 1];
    }

    /** bench syncbn: the three variants side by side every k steps, and the PNG of the curves, on a small IDX set. */
    @Test
    void syncBatchNormPrintsAndPlotsTheThreeVariants(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        java.nio.file.Path data = dir.resolve("data");
        java.nio.file.Files.createDirectories(data);
        SmallIdx.write(java.nio.file.Path.of("data/fashion-mnist"), data, 200, 60);
        java.nio.file.Path png = dir.resolve("syncbn.png");
        CliTestSupport.Run r = CliTestSupport.run("bench", "syncbn", "--master", "local[2]", "--data", data.toString(), "--partitions", "2",
                "--per-partition", "4", "--steps", "4", "--every", "2", "--plot", png.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("single process (BN over 8)") && r.out().contains("sync BN (2 x 4)") && r.out().contains("local BN (2 x 4)"), r.out());
        assertEquals(2, r.out().lines().filter(l -> l.matches("[24]\\s+0\\.\\d{4}\\s+0\\.\\d{4}\\s+0\\.\\d{4}")).count(), r.out());
        assertTrue(r.out().contains("final test accuracy: single"), r.out());
        assertTrue(java.nio.file.Files.size(png) > 1000);
        assertEquals(8, javax.imageio.ImageIO.read(png.toFile()).getWidth() / 112);
    }

    /** Two models: each one's whole benchmark and table from a JVM of its own, printed one after the other. */
    @Test
    void engineThroughputRunsEachOfSeveralModelsInAJvmOfItsOwn() {
        CliTestSupport.Run r = CliTestSupport.run("bench", "engine", "--masters", "local[1]", "--models", "mlp,cnn", "--steps", "1",
                "--warmup", "0", "--rows", "64", "--batch", "16", "--no-torch");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("Each model in a JVM of its own"), r.out());
        assertEquals(2, r.out().lines().filter(l -> l.startsWith("Spark engine training throughput, global batch 16")).count(), r.out());
        for (String m : new String[] {"mlp", "cnn"}) {
            assertTrue(r.out().lines().anyMatch(l -> l.matches("local\\[1]\\s+1\\s+" + m + "\\s+auto/auto\\s+\\d+\\s+skipped\\s+-\\s+1\\.00x")), r.out());
        }
    }

    @Test
    void engineThroughputPrintsEveryMasterAndModelWithTheScaling() {
        CliTestSupport.Run r = CliTestSupport.run("bench", "engine", "--masters", "local[1];local[2]", "--models", "mlp", "--steps", "3",
                "--warmup", "1", "--rows", "1000", "--batch", "64", "--transports", "auto,tcp", "--rounds", "2", "--no-torch");
        assertEquals(0, r.exitCode(), r.err());
        for (String link : new String[] {"auto", "tcp"}) {
            assertTrue(r.out().lines().anyMatch(l -> l.matches("local\\[1]\\s+1\\s+mlp\\s+" + link + "/auto\\s+\\d+\\s+skipped\\s+-\\s+1\\.00x")), r.out());
            assertTrue(r.out().lines().anyMatch(l -> l.matches("local\\[2]\\s+2\\s+mlp\\s+" + link + "/auto\\s+\\d+\\s+skipped\\s+-\\s+\\d+\\.\\d\\dx")), r.out());
        }
        assertTrue(r.out().contains("local[1] (1 slots), mlp, in process, star exchange, overlapped: "), r.out());
        assertEquals(2, r.out().lines().filter(l -> l.startsWith("  local[1] (1 slots), mlp, in process, star exchange, overlapped: ")).count(), r.out());
        assertTrue(r.out().contains("median of 2 alternating rounds"), r.out());
        assertTrue(r.out().contains("local[2] (2 slots), mlp, TCP, star exchange, overlapped: "), r.out());
        assertTrue(r.out().contains("PyTorch: skipped (--no-torch)"), r.out());
        CliTestSupport.Run bad = CliTestSupport.run("bench", "engine", "--mode", "ring");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("unknown step mode 'ring'"), bad.err());
        CliTestSupport.Run noRounds = CliTestSupport.run("bench", "engine", "--rounds", "0");
        assertEquals(2, noRounds.exitCode());
        assertTrue(noRounds.err().contains("--rounds must be positive"), noRounds.err());
        CliTestSupport.Run badLink = CliTestSupport.run("bench", "engine", "--transports", "udp");
        assertEquals(2, badLink.exitCode());
        assertTrue(badLink.err().contains("unknown transport 'udp'"), badLink.err());
        CliTestSupport.Run badOverlap = CliTestSupport.run("bench", "engine", "--overlap", "sometimes");
        assertEquals(2, badOverlap.exitCode());
        assertTrue(badOverlap.err().contains("--overlap: unknown value 'sometimes'"), badOverlap.err());
    }

    @Test
    void anExperimentOnLossAgainstEpochsAddsTheSeedsTable(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        java.nio.file.Path file = dir.resolve("ae.conf");
        java.nio.file.Files.writeString(file, String.join("\n",
                "title = \"tiny autoencoder\"", "axis = epochs", "measure = loss", "row = \"gaussian\"",
                "set { data { format = synthetic, target = input, normalize = minmax, synthetic { rows = 1000, testRows = 200, features = 8, classes = 3 } }, "
                        + "loss = squared_error, model.layers = [\"dense(3)\", \"dense(8)\", sigmoid], training { epochs = 2, batchSize = 50 } }",
                "variants = [ { name = sgd, set { optimizer { name = sgd, learningRate = 0.1 } } }, { name = nag, set { optimizer.name = nesterov } } ]", ""));
        java.nio.file.Path out = dir.resolve("out");
        CliTestSupport.Run r = CliTestSupport.run("bench", "experiment", file.toString(), "--master", "local[2]", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("| task | sgd | nag |"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("\\| gaussian \\| \\d+\\.\\d{3} \\| \\d+\\.\\d{3} \\|")), r.out());
        for (String f : new String[] {"evaluated-loss.png", "loss.png", "results.md"}) {
            assertTrue(java.nio.file.Files.size(out.resolve(f)) > 0, f);
        }
        assertTrue(java.nio.file.Files.readString(out.resolve("results.md")).contains("](evaluated-loss.png)"));
    }

    /**
     * A table of tasks (the RNN table's form): two long-range problems as rows, the exact constant-predictor baseline
     * and a trained column, the paper's figures and every loss as a fraction of the baseline, per-row run directories.
     */
    @Test
    void aTableOfTasksRunsEveryRowAndComparesWithThePaper(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        java.nio.file.Path file = dir.resolve("rnn.conf");
        java.nio.file.Files.writeString(file, String.join("\n",
                "title = \"tiny rnn table\"", "measure = loss",
                "set { data { format = synthetic, normalize = none, synthetic { rows = 600, testRows = 100, steps = 6 } }, "
                        + "training { epochs = 1, batchSize = 50 }, optimizer { name = adam, learningRate = 0.01 } }",
                "rows = [ { name = \"add T=6\", set { loss = squared_error, model.layers = [\"rnn(8, last)\", \"dense(1)\"], data.synthetic.kind = addition }, "
                        + "paper = [0.8, 0.4] },",
                "  { name = \"mem T=6\", set { loss = softmax_cross_entropy, model.layers = [\"gru(8)\", \"dense(2)\"], "
                        + "data.synthetic { kind = memorization, symbols = 2, alphabet = 2 } } } ]",
                "variants = [ { name = biases, baseline = constant }, { name = adam } ]", ""));
        java.nio.file.Path out = dir.resolve("out");
        CliTestSupport.Run r = CliTestSupport.run("bench", "experiment", file.toString(), "--master", "local[2]", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("| task | biases | adam |"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("\\| add T=6 \\(Descent\\) \\| 0\\.167 \\| \\d\\.\\d+(e-\\d+)? \\|")), r.out());
        assertTrue(r.out().contains("| add T=6 (paper) | 0.800 | 0.400 |"), r.out());
        assertTrue(r.out().contains("| add T=6 (paper) ÷ biases | 1.00 | 0.500 |"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("\\| mem T=6 \\(Descent\\) \\| 1\\.39 \\| .* \\|")), "2 ln 2 for two binary symbols: " + r.out());
        for (String f : new String[] {"results.md", "add-T-6/adam/summary.json", "mem-T-6/adam/summary.json", "mem-T-6/evaluated-loss.png"}) {
            assertTrue(java.nio.file.Files.size(out.resolve(f)) > 0, f);
        }
        CliTestSupport.Run rows = CliTestSupport.run("bench", "experiment", file.toString(), "--rows", "mul");
        assertEquals(2, rows.exitCode());
        assertTrue(rows.err().contains("names no row") && rows.err().contains("add T=6, mem T=6"), rows.err());
    }

    @Test
    void layersPrintsEveryLayersTimesAndTheProductsShareOfTheSgemmRate() {
        CliTestSupport.Run r = CliTestSupport.run("bench", "layers", "--model", "quickstart", "--steps", "2", "--warmup", "1", "--batch", "16", "--exact");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("The limit, single-thread SGEMM on the active BLAS: "), r.out());
        assertTrue(r.out().contains("The limit of exact weight gradients, single-thread DGEMM on the active BLAS: "), r.out());
        // Time, GFLOP/s and share of SGEMM; with --exact also the floor (SGEMM for the float products, DGEMM for the
        // weight gradient) and the share of it reached.
        assertEquals(3, r.out().lines().filter(l -> l.matches("dense\\(\\d+\\)\\s+\\d+\\.\\d{3}\\s+\\d+\\.\\d{3}\\s+\\d+\\.\\d\\s+\\d+%\\s+\\d+\\.\\d{3}\\s+\\d+%")).count(), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("floor of the products \\d+\\.\\d{2} ms per step, \\d+% of the total")), r.out());
        assertEquals(2, r.out().lines().filter(l -> l.matches("batch_norm.*\\s-\\s+-")).count(), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("total ")), r.out());
        // The driver's half of the step beside the layers: (784·256 + 256) + 2·256 + (256·256 + 256) + 2·256 + (256·10 + 10).
        assertTrue(r.out().lines().anyMatch(l -> l.matches("optimizer adam .* over 270,346 parameters: the mean gradient and its norm \\d+\\.\\d{3} ms, "
                + "the update \\d+\\.\\d{3} ms per step \\(median of 200\\)")), r.out());
        // The quickstart's 270,346 parameters stay on one thread in the driver: no two-thread line.
        assertTrue(r.out().lines().noneMatch(l -> l.startsWith("the same on two threads")), r.out());
        assertEquals(2, CliTestSupport.run("bench", "layers", "--model", "vgg").exitCode());
    }

    /** conf/fashion-cnn.conf's layers: both convolutions timed, and the one over 64 channels named as Winograd's. */
    @Test
    void layersOfTheFashionCnnNameTheWinogradConvolution() {
        java.util.List<String> confLayers = com.typesafe.config.ConfigFactory.parseFile(new java.io.File("conf/fashion-cnn.conf"))
                .getStringList("model.layers");
        assertEquals(new org.descent.nn.Sequential(org.descent.tensor.Shape.of(1, 28, 28), org.descent.models.LayerSpecs.parseAll(confLayers))
                .summary(), BenchCommand.benchModel("fashion-cnn").summary(), "the bench model is conf/fashion-cnn.conf's network");
        CliTestSupport.Run r = CliTestSupport.run("bench", "layers", "--model", "fashion-cnn", "--steps", "1", "--warmup", "0", "--batch", "4");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(2, r.out().lines().filter(l -> l.matches("conv2d\\(\\d+, 3×3.*\\s\\d+%")).count(), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("conv2d(128, 3×3, stride 1, padding 1) run Winograd's F(2×2, 3×3)")), r.out());
        // Its 879,114 parameters take two threads in the driver (on two cores or more): the update timed both ways.
        assertEquals(org.descent.engine.ParameterUpdater.twoThreadsByDefault(BenchCommand.benchModel("fashion-cnn").layout()),
                r.out().lines().anyMatch(l -> l.matches("the same on two threads, as the driver takes it: the mean gradient and its norm \\d+\\.\\d{3} ms, "
                        + "the update \\d+\\.\\d{3} ms per step")), r.out());
        CliTestSupport.Run direct = CliTestSupport.run("bench", "layers", "--model", "fashion-cnn", "--steps", "1", "--warmup", "0", "--batch", "4",
                "--direct");
        assertEquals(0, direct.exitCode(), direct.err());
        assertTrue(direct.out().lines().noneMatch(l -> l.contains("Winograd")), direct.out());
        assertEquals(null, System.getProperty(org.descent.nn.layers.Conv2d.WINOGRAD_PROPERTY), "--direct is for its own run only");
        CliTestSupport.Run sync = CliTestSupport.run("bench", "layers", "--model", "fashion-cnn", "--steps", "1", "--warmup", "0", "--batch", "4",
                "--sync-bn");
        assertEquals(0, sync.exitCode(), sync.err());
        assertTrue(sync.out().startsWith("Layer times, fashion-cnn, batch 4, one thread, float sums, synchronized batch norm (exchanges free): "),
                sync.out());
        assertEquals(2, sync.out().lines().filter(l -> l.matches("maxpool2d\\(2, stride 2\\)\\s+\\d+\\.\\d{3}\\s+\\d+\\.\\d{3}.*")).count(), sync.out());
    }

    @Test
    void engineThroughputsDefaultMastersAreLocalOneAndLocalTwo() {
        EngineThroughputBenchmark bench = new EngineThroughputBenchmark();
        new picocli.CommandLine(bench).parseArgs();
        assertEquals(java.util.List.of("local[1]", "local[2]"), bench.masters);
    }

    @Test
    void unknownStepModeIsAUsageError() {
        CliTestSupport.Run r = CliTestSupport.run("bench", "steps", "--modes", "job,ring");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("unknown step mode 'ring'"), r.err());
    }

    @Test
    void unknownModelIsAUsageError() {
        CliTestSupport.Run r = CliTestSupport.run("bench", "throughput", "--models", "resnet");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("unknown model 'resnet'"), r.err());
    }

    @Test
    void experimentTrainsEveryVariantAndComparesThem(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        java.nio.file.Path file = dir.resolve("tiny.conf");
        java.nio.file.Files.writeString(file, String.join("\n",
                "title = \"tiny\"",
                "set { data { format = synthetic, synthetic { rows = 2000, testRows = 500, features = 8, classes = 3 } }, "
                        + "model.layers = [\"dense(16)\", relu, \"dense(3)\"], training { epochs = 2, batchSize = 50, evaluateEverySteps = 10 } }",
                "variants = [ { name = sgd, set { optimizer { name = sgd, learningRate = 0.1 } } }, { name = adam, set { optimizer.name = adam } } ]", ""));
        java.nio.file.Path out = dir.resolve("out");
        CliTestSupport.Run r = CliTestSupport.run("bench", "experiment", file.toString(), "--master", "local[2]", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("\\| sgd \\| 0\\.\\d{4} \\| .* \\| 2 \\| 80 \\| .*")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("| adam | ")), r.out());
        for (String f : new String[] {"accuracy.png", "loss.png", "results.md", "sgd/summary.json", "adam/report.html"}) {
            assertTrue(java.nio.file.Files.size(out.resolve(f)) > 0, f);
        }
        CliTestSupport.Run bad = CliTestSupport.run("bench", "experiment", file.toString(), "--only", "rmsprop");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("names no variant") && bad.err().contains("sgd, adam"), bad.err());
    }

    @Test
    void mllibPrintsBothSolversBesideDescent(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        java.nio.file.Path data = dir.resolve("small");
        java.nio.file.Files.createDirectories(data);
        SmallIdx.write(java.nio.file.Path.of("data/fashion-mnist"), data, 600, 200);
        CliTestSupport.Run r = CliTestSupport.run("bench", "mllib", "--master", "local[2]", "--data", data.toString(), "--max-iter", "3",
                "--set", "training.epochs=1", "--set", "training.batchSize=100", "--every", "2", "--out", dir.resolve("run").toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("MLlib l-bfgs\\s+\\d+\\.\\d\\s+0\\.\\d{4}\\s+.*×")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("MLlib gd\\s+\\d+\\.\\d\\s+0\\.\\d{4}\\s+.*×")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("Descent fashion-mlp.conf")), r.out());
        assertEquals(2, r.out().lines().filter(l -> l.startsWith("Descent reaches MLlib") || l.startsWith("Descent did not reach MLlib")).count(), r.out());
    }
}
