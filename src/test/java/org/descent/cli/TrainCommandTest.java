package org.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code descent train} end to end on embedded Spark (local[2]) with a 1,000-image slice of Fashion-MNIST. */
@org.junit.jupiter.api.Tag("spark")
class TrainCommandTest {
    @TempDir
    static Path dir;
    static Path data;

    @BeforeAll
    static void writeSmallDataset() throws IOException {
        data = dir.resolve("small");
        Files.createDirectories(data);
        SmallIdx.write(Path.of("data/fashion-mnist"), data, 1000, 300);
    }

    private static CliTestSupport.Run train(Path out, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "conf/quickstart.conf", "--master", "local[2]", "--out", out.toString(),
                "--set", "data.dir=\"" + data + "\"", "--set", "training.epochs=2", "--set", "training.batchSize=100"));
        args.addAll(List.of(extra));
        return CliTestSupport.run(args.toArray(new String[0]));
    }

    @Test
    void writesTheRunDirectoryAndIsDeterministic() throws IOException {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        CliTestSupport.Run first = train(a);
        assertEquals(0, first.exitCode(), first.err());
        CliTestSupport.Run second = train(b);
        assertEquals(0, second.exitCode(), second.err());
        JsonNode sa = new ObjectMapper().readTree(a.resolve("summary.json").toFile());
        JsonNode sb = new ObjectMapper().readTree(b.resolve("summary.json").toFile());
        for (String key : List.of("testAccuracy", "testLoss", "epochs", "steps", "wallSeconds", "examplesPerSecond", "sparkMaster", "partitions", "blas", "paramsSha256")) {
            assertTrue(sa.has(key), "summary.json lacks " + key);
        }
        assertEquals(64, sa.get("paramsSha256").asText().length());
        assertEquals(sa.get("paramsSha256").asText(), sb.get("paramsSha256").asText(), "same seed and partitions, same parameters");
        assertEquals(20, sa.get("steps").asInt());
        // Cached blocks cost at most 1.15× their raw float32 bytes (Spark's own storage information).
        assertEquals(4L * 1000 * (784 + 1), sa.get("rawBytes").asLong());
        assertTrue(sa.get("cachedToRaw").asDouble() > 0.99 && sa.get("cachedToRaw").asDouble() <= 1.15, "cached/raw " + sa.get("cachedToRaw"));
        assertEquals("local[2]", sa.get("sparkMaster").asText());
        assertTrue(sa.get("testAccuracy").asDouble() > 0.5, "learned something: " + sa.get("testAccuracy"));
        List<String> metrics = Files.readAllLines(a.resolve("metrics.jsonl"));
        assertEquals(22, metrics.size(), "20 step lines and 2 epoch lines");
        assertEquals(2, metrics.stream().filter(l -> l.contains("\"type\":\"epoch\"")).count());
        JsonNode step = new ObjectMapper().readTree(metrics.get(0));
        assertEquals(0.001, step.get("learningRate").asDouble(), 1e-12, "Adam at the quickstart's rate");
        assertEquals(0.9, step.get("momentum").asDouble(), 1e-12, "Adam's beta1");
        assertTrue(step.get("gradNorm").asDouble() > 0 && Double.isFinite(step.get("gradNorm").asDouble()));
        assertEquals(step.get("examples").asDouble() * 1000 / step.get("ms").asDouble(), step.get("examplesPerSecond").asDouble(), 1e-6);
        assertTrue(Files.size(a.resolve("model.bin")) > 4 * 200_000);
        for (String plot : List.of("loss.png", "accuracy.png", "learning-rate.png", "momentum.png", "step-time.png")) {
            assertTrue(javax.imageio.ImageIO.read(a.resolve(plot).toFile()) != null, plot + " is a PNG");
        }
        String html = Files.readString(a.resolve("report.html"));
        assertTrue(html.contains(a.resolve("loss.png").getFileName().toString()) && html.contains(sa.get("paramsSha256").asText().substring(0, 12)), "report.html ties them together");
        try (var files = Files.list(a)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().startsWith(".")), "no temporary file left");
        }
    }

    /**
     * Barrier mode with synchronized batch norm and the global walk: one and two partitions see the
     * same batches and normalize over the same global batch, so their test losses agree (1e-3
     * relative over this short run); the slots check fails before any work, in one line.
     */
    @Test
    void barrierModeWithSyncBatchNormDoesNotDependOnThePartitioning() throws IOException {
        double[] losses = new double[2];
        for (int p = 1; p <= 2; p++) {
            Path run = dir.resolve("barrier-" + p);
            CliTestSupport.Run r = train(run, "--set", "engine.mode=barrier", "--set", "batchNorm.mode=sync", "--set", "training.partitions=" + p,
                    "--set", "training.epochs=1");
            assertEquals(0, r.exitCode(), r.err());
            JsonNode s = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
            assertEquals("barrier", s.get("engineMode").asText());
            assertEquals("sync", s.get("batchNormMode").asText());
            assertEquals("exact", s.get("reduction").asText());
            assertEquals("global", s.get("shuffle").asText(), "auto's walk for the exact reduction");
            assertEquals(p, s.get("partitions").asInt());
            assertEquals(10, s.get("steps").asInt());
            losses[p - 1] = s.get("testLoss").asDouble();
        }
        assertTrue(Math.abs(losses[0] - losses[1]) <= 1e-3 * losses[0], "test losses " + losses[0] + " and " + losses[1]);
        CliTestSupport.Run tooMany = train(dir.resolve("barrier-3"), "--set", "engine.mode=barrier", "--set", "training.partitions=3");
        assertEquals(2, tooMany.exitCode(), tooMany.err());
        assertTrue(tooMany.err().contains("engine.mode = barrier runs all 3 partitions at once but the cluster has 2 task slots: set training.partitions ≤ 2"),
                tooMany.err());
    }

    @Test
    void serializedStorageWithDiskSpillIsAnOption() throws IOException {
        Path run = dir.resolve("ser");
        CliTestSupport.Run r = train(run, "--set", "data.storageLevel=MEMORY_AND_DISK_SER", "--set", "training.epochs=1",
                "--set", "batchNorm.populationStatistics=true");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("replaced by population statistics"), r.out());
        JsonNode s = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
        assertTrue(s.get("storageLevel").asText().contains("Serialized"), s.get("storageLevel").asText());
        assertTrue(s.get("cachedToRaw").asDouble() > 0.5 && s.get("cachedToRaw").asDouble() <= 1.15, "cached/raw " + s.get("cachedToRaw"));
        Path minmax = dir.resolve("minmax");
        CliTestSupport.Run scaled = train(minmax, "--set", "data.normalize=minmax_symmetric", "--set", "training.epochs=1");
        assertEquals(0, scaled.exitCode(), scaled.err());
        assertTrue(new ObjectMapper().readTree(minmax.resolve("summary.json").toFile()).get("testAccuracy").asDouble() > 0.5);
        CliTestSupport.Run bad = train(dir.resolve("bad-level"), "--set", "data.storageLevel=DISK");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("data.storageLevel = 'DISK'"), bad.err());
    }

    @Test
    void anAutoencoderLearnsToReconstructItsInput() throws IOException {
        Path run = dir.resolve("autoencoder");
        CliTestSupport.Run r = train(run, "--set", "data.target=input", "--set", "data.normalize=minmax", "--set", "loss=squared_error",
                "--set", "model.layers=[flatten, \"dense(32)\", sigmoid, \"dense(784)\", sigmoid]", "--set", "optimizer.learningRate=0.01",
                "--set", "training.epochs=3");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode s = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
        assertTrue(Double.isNaN(s.get("testAccuracy").asDouble(0)), "no accuracy without class labels: " + s.get("testAccuracy"));
        double first = new ObjectMapper().readTree(Files.readAllLines(run.resolve("metrics.jsonl")).get(0)).get("loss").asDouble();
        double test = s.get("testLoss").asDouble();
        // Sigmoid outputs start near 0.5 for every pixel; the squared error summed over 784 pixels must fall well below that.
        assertTrue(test > 0 && test < 0.6 * first, "test reconstruction error " + test + " vs the first step's " + first);
        // The saved model evaluates as it trained: its reconstruction error on the test split; predict (class labels) refuses it.
        CliTestSupport.Run evaluated = CliTestSupport.run("evaluate", run.toString(), data.toString(), "--master", "local[2]");
        assertEquals(0, evaluated.exitCode(), evaluated.err());
        assertTrue(evaluated.out().contains(String.format(java.util.Locale.ROOT, "loss %.4f, accuracy NaN", test)), evaluated.out() + " vs " + test);
        CliTestSupport.Run predicted = CliTestSupport.run("predict", run.toString(), data.toString(), "--out", dir.resolve("ae-predictions").toString());
        assertEquals(2, predicted.exitCode());
        assertTrue(predicted.err().contains("is an autoencoder"), predicted.err());
        CliTestSupport.Run wrong = train(dir.resolve("autoencoder-bad"), "--set", "data.target=input", "--set", "loss=squared_error");
        assertTrue(wrong.exitCode() != 0);
        assertTrue(wrong.err().contains("data.target = input: the model's last layer gives 10 outputs per example and the input has 784 features"), wrong.err());
        CliTestSupport.Run bce = train(dir.resolve("autoencoder-bce"), "--set", "data.target=input", "--set", "loss=binary_cross_entropy",
                "--set", "model.layers=[flatten, \"dense(784)\"]");
        assertTrue(bce.exitCode() != 0);
        assertTrue(bce.err().contains("needs targets in [0, 1]: set data.normalize = minmax"), bce.err());
        CliTestSupport.Run metric = train(dir.resolve("autoencoder-metric"), "--set", "data.target=input", "--set", "earlyStopping.metric=accuracy",
                "--set", "earlyStopping.patience=2", "--set", "data.validationSize=100");
        assertEquals(2, metric.exitCode());
        assertTrue(metric.err().contains("earlyStopping.metric = accuracy needs class labels"), metric.err());
    }

    /**
     * The deck's long-range problems, generated on the executors: the addition problem (short, T = 10) with the shipped
     * conf/addition-rnn.conf learns far below the variance of the target (1/6, what predicting the mean scores), and
     * memorization (2 symbols of 3 after 3 steps) with a GRU and per-step targets learns below the 2·ln 3 of guessing.
     * A per-step output whose labels do not fit is one line.
     */
    @Test
    void theLongRangeProblemsTrainEndToEnd() throws IOException {
        Path add = dir.resolve("addition");
        CliTestSupport.Run a = CliTestSupport.run("train", "conf/addition-rnn.conf", "--master", "local[2]", "--out", add.toString(),
                "--set", "data.synthetic.steps=10", "--set", "data.synthetic.rows=10000", "--set", "data.synthetic.testRows=1000", "--set", "training.epochs=3");
        assertEquals(0, a.exitCode(), a.err());
        JsonNode s = new ObjectMapper().readTree(add.resolve("summary.json").toFile());
        assertTrue(s.get("testLoss").asDouble() < 0.05, "addition T=10 test squared error " + s.get("testLoss"));
        assertTrue(Double.isNaN(s.get("testAccuracy").asDouble(0)), "no accuracy for a regression: " + s.get("testAccuracy"));
        assertTrue(a.out().contains("test loss ") && !a.out().contains("accuracy"), a.out());
        Path mem = dir.resolve("memorization");
        String[] memorization = {"--set", "data.synthetic.kind=memorization", "--set", "data.synthetic.symbols=2", "--set", "data.synthetic.alphabet=3",
            "--set", "data.synthetic.steps=3", "--set", "loss=softmax_cross_entropy"};
        List<String> args = new java.util.ArrayList<>(List.of("train", "conf/addition-rnn.conf", "--master", "local[2]", "--out", mem.toString(),
                "--set", "data.synthetic.rows=10000", "--set", "data.synthetic.testRows=1000", "--set", "training.epochs=3",
                "--set", "model.layers=[\"gru(16)\", \"dense(3)\"]", "--set", "model.recurrentInit=\"\"", "--set", "optimizer.learningRate=0.1"));
        args.addAll(List.of(memorization));
        CliTestSupport.Run m = CliTestSupport.run(args.toArray(new String[0]));
        assertEquals(0, m.exitCode(), m.err());
        double memLoss = new ObjectMapper().readTree(mem.resolve("summary.json").toFile()).get("testLoss").asDouble();
        assertTrue(memLoss < 0.5 * 2 * Math.log(3), "memorization test cross-entropy per sequence " + memLoss + " vs guessing " + 2 * Math.log(3));
        List<String> bad = new java.util.ArrayList<>(List.of("train", "conf/addition-rnn.conf", "--master", "local[2]", "--out", dir.resolve("mem-bad").toString(),
                "--set", "model.layers=[\"gru(16, last)\", \"dense(3)\"]"));
        bad.addAll(List.of(memorization));
        CliTestSupport.Run wrong = CliTestSupport.run(bad.toArray(new String[0]));
        assertEquals(2, wrong.exitCode(), wrong.err());
        assertTrue(wrong.err().contains("loss softmax_cross_entropy with output shape [3] needs 1 label values per example; the data gives 7"), wrong.err());
        List<String> narrow = new java.util.ArrayList<>(List.of("train", "conf/addition-rnn.conf", "--master", "local[2]", "--out", dir.resolve("mem-narrow").toString(),
                "--set", "model.layers=[\"gru(16)\", \"dense(2)\"]"));
        narrow.addAll(List.of(memorization));
        CliTestSupport.Run tooFew = CliTestSupport.run(narrow.toArray(new String[0]));
        assertEquals(2, tooFew.exitCode(), tooFew.err());
        assertTrue(tooFew.err().contains("memorization with data.synthetic.alphabet = 3 needs 3 outputs per step; the model gives 2"), tooFew.err());
        CliTestSupport.Run noAccuracy = CliTestSupport.run("train", "conf/addition-rnn.conf", "--master", "local[2]", "--out", dir.resolve("add-accuracy").toString(),
                "--set", "earlyStopping.patience=2", "--set", "earlyStopping.metric=accuracy", "--set", "data.validationSize=100");
        assertEquals(2, noAccuracy.exitCode(), noAccuracy.err());
        assertTrue(noAccuracy.err().contains("earlyStopping.metric = accuracy needs one class label per example; loss squared_error"), noAccuracy.err());
        CliTestSupport.Run evaluated = CliTestSupport.run("evaluate", mem.toString(), data.toString(), "--master", "local[2]");
        assertEquals(2, evaluated.exitCode(), evaluated.err());
        assertTrue(evaluated.err().contains("the model's output is a sequence [7, 3] with one label per step"), evaluated.err());
        CliTestSupport.Run sequence = train(dir.resolve("sequence-bad"), "--set", "model.inputShape=[28, 28]", "--set", "model.layers=[\"rnn(8)\", \"dense(10)\"]");
        assertEquals(2, sequence.exitCode(), sequence.err());
        assertTrue(sequence.err().contains("the model's output is a sequence [28, 10]") && sequence.err().contains("one label per example"), sequence.err());
    }

    /**
     * model.initFrom starts from a trained run's weights: with a learning rate of 0 the new run's parameters are the
     * old run's, bit for bit (a fresh initialization would differ everywhere); another architecture is one line naming
     * the first layer that differs, and a directory without a model is one line.
     */
    @Test
    void initFromStartsFromATrainedRunsWeights() throws IOException {
        Path base = dir.resolve("pretrained");
        assertEquals(0, train(base, "--set", "training.epochs=1").exitCode());
        Path tuned = dir.resolve("fine-tuned");
        CliTestSupport.Run r = train(tuned, "--set", "training.epochs=1", "--set", "model.initFrom=\"" + base + "\"",
                "--set", "optimizer { name = sgd, learningRate = 0 }");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("starting from the weights of " + base), r.out());
        float[] before = org.descent.engine.SavedModel.load(base).params();
        org.junit.jupiter.api.Assertions.assertArrayEquals(before, org.descent.engine.SavedModel.load(tuned).params());
        CliTestSupport.Run other = train(dir.resolve("init-other"), "--set", "model.initFrom=\"" + base + "\"",
                "--set", "model.layers=[flatten, \"dense(128)\", batch_norm, relu, \"dense(256)\", batch_norm, relu, \"dense(10)\"]");
        assertEquals(2, other.exitCode(), other.err());
        assertTrue(other.err().contains("model.initFrom = " + base + ": layer 1 is dense with input [784], weight 100352, bias 128 here and dense with input [784], "
                + "weight 200704, bias 256 there"), other.err());
        CliTestSupport.Run none = train(dir.resolve("init-none"), "--set", "model.initFrom=\"" + dir.resolve("nothing") + "\"");
        assertEquals(2, none.exitCode(), none.err());
        assertTrue(none.err().contains("no such model file"), none.err());
    }

    /** probe.*: every evaluation writes the percentiles of a unit's input (quickstart: layer 3, a relu after batch norm). */
    @Test
    void theProbeRecordsAUnitsInputPercentilesAtEveryEvaluation() throws IOException {
        Path run = dir.resolve("probe");
        CliTestSupport.Run r = train(run, "--set", "training.epochs=1", "--set", "training.evaluateEverySteps=3", "--set", "probe.layer=3",
                "--set", "probe.unit=5", "--set", "probe.examples=200");
        assertEquals(0, r.exitCode(), r.err());
        org.descent.report.RunMetrics m = org.descent.report.RunMetrics.read(run.resolve("metrics.jsonl"));
        assertEquals(m.evaluations().size() + m.epochs().size(), m.probes().size(), "one probe per evaluation");
        for (org.descent.report.RunMetrics.Probe p : m.probes()) {
            assertEquals(3, p.layer());
            assertEquals(5, p.unit());
            assertEquals(200, p.examples());
            assertTrue(p.p15() <= p.p50() && p.p50() <= p.p85() && p.p15() < p.p85(), p.toString());
        }
        CliTestSupport.Run bad = train(dir.resolve("probe-bad"), "--set", "probe.layer=8");
        assertEquals(2, bad.exitCode(), bad.err());
        assertTrue(bad.err().contains("probe.layer = 8: the model has 8 layers (0 … 7)"), bad.err());
    }

    /** A run that diverges fails with its one line, writes no model, and leaves its metrics up to the divergence. */
    @Test
    void aDivergedRunKeepsItsMetricsAndWritesNoModel() throws IOException {
        Path run = dir.resolve("diverged");
        CliTestSupport.Run r = train(run, "--set", "optimizer { name = sgd, learningRate = 1e6 }",
                "--set", "model.layers=[flatten, \"dense(64)\", relu, \"dense(64)\", relu, \"dense(10)\"]");
        assertTrue(r.exitCode() != 0, r.out());
        assertTrue(r.err().contains("training diverged at step"), r.err());
        assertTrue(Files.notExists(run.resolve("model.bin")), "no model");
        assertTrue(Files.notExists(run.resolve(".metrics.jsonl.tmp")), "no temporary file left");
        org.descent.report.RunMetrics m = org.descent.report.RunMetrics.read(run.resolve("metrics.jsonl"));
        assertTrue(!m.steps().isEmpty(), "the steps before the divergence");
    }

    @Test
    void earlyStoppingOnHeldOutValidationData() throws IOException {
        Path run = dir.resolve("early");
        CliTestSupport.Run r = train(run, "--set", "data.validationSize=200", "--set", "earlyStopping.patience=1", "--set", "training.evaluateEverySteps=3",
                "--set", "earlyStopping.minDelta=1e9", "--set", "training.epochs=4");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("early stopping: restored the parameters of epoch 1"), r.out());
        JsonNode s = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
        assertEquals(1, s.get("bestEpoch").asInt());
        assertTrue(s.get("stoppedEarly").asBoolean());
        assertEquals(2, s.get("epochs").asInt());
        List<JsonNode> epochs = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonNode node = new ObjectMapper().readTree(line);
            if (node.get("type").asText().equals("epoch")) {
                epochs.add(node);
            }
        }
        assertEquals(2, epochs.size());
        for (JsonNode e : epochs) {   // validation chooses; the test set is still reported every epoch
            assertTrue(e.has("validationLoss") && e.has("validationAccuracy") && e.has("testLoss") && e.has("testAccuracy"), e.toString());
        }
        // 800 training examples, batch 100: 8 steps per epoch; every 3 global steps (3, 6, 9, 12, 15), the epoch ends
        // (8, 16) being evaluated anyway.
        assertEquals(5, Files.readAllLines(run.resolve("metrics.jsonl")).stream().filter(l -> l.contains("\"type\":\"evaluation\"")).count());
    }

    /** The resume check: 2 epochs straight vs 1 epoch, stop, --resume for the 2nd → identical parameters. */
    @Test
    void resumeContinuesToTheSameParameters() throws IOException {
        Path straight = dir.resolve("straight");
        Path stopped = dir.resolve("stopped");
        assertEquals(0, train(straight).exitCode());
        CliTestSupport.Run first = train(stopped, "--set", "training.epochs=1");
        assertEquals(0, first.exitCode(), first.err());
        CliTestSupport.Run resumed = train(stopped, "--resume");
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertTrue(resumed.out().contains("resuming after step 10 (epoch 1)"), resumed.out());
        ObjectMapper json = new ObjectMapper();
        assertEquals(json.readTree(straight.resolve("summary.json").toFile()).get("paramsSha256").asText(),
                json.readTree(stopped.resolve("summary.json").toFile()).get("paramsSha256").asText());
        assertEquals(Files.readAllLines(straight.resolve("metrics.jsonl")).size(), Files.readAllLines(stopped.resolve("metrics.jsonl")).size());
        try (var files = Files.list(stopped.resolve("checkpoints"))) {
            assertEquals(2, files.filter(p -> p.getFileName().toString().matches("ckpt-\\d+\\.bin")).count(), "checkpoint.keep = 2");
        }
        CliTestSupport.Run nothing = train(dir.resolve("empty"), "--resume");
        assertEquals(2, nothing.exitCode());
        assertTrue(nothing.err().contains("no checkpoint in"), nothing.err());
    }

    /**
     * learningRateSchedule.type = plateau: with patience 0 and a 90 % threshold every epoch after the first counts as a
     * plateau, so the rate halves after each; its state travels in the checkpoint, so 2 epochs, stop, --resume to 4
     * equals 4 straight (a resume that restarted the schedule would train at the initial rate again).
     */
    @Test
    void reduceOnPlateauCutsTheRateAndResumesBitIdentically() throws IOException {
        String[] plateau = {"--set", "learningRateSchedule.type=plateau", "--set", "learningRateSchedule.patience=0",
            "--set", "learningRateSchedule.factor=0.5", "--set", "learningRateSchedule.threshold=0.9"};
        Path straight = dir.resolve("plateau-straight");
        Path stopped = dir.resolve("plateau-stopped");
        List<String> four = new java.util.ArrayList<>(List.of(plateau));
        four.addAll(List.of("--set", "training.epochs=4"));
        assertEquals(0, train(straight, four.toArray(new String[0])).exitCode());
        List<String> two = new java.util.ArrayList<>(List.of(plateau));
        two.addAll(List.of("--set", "training.epochs=2"));
        assertEquals(0, train(stopped, two.toArray(new String[0])).exitCode());
        List<String> resume = new java.util.ArrayList<>(four);
        resume.add("--resume");
        CliTestSupport.Run resumed = train(stopped, resume.toArray(new String[0]));
        assertEquals(0, resumed.exitCode(), resumed.err());
        ObjectMapper json = new ObjectMapper();
        assertEquals(json.readTree(straight.resolve("summary.json").toFile()).get("paramsSha256").asText(),
                json.readTree(stopped.resolve("summary.json").toFile()).get("paramsSha256").asText());
        List<Double> rates = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(straight.resolve("metrics.jsonl"))) {
            if (line.contains("\"type\":\"step\"")) {
                rates.add(json.readTree(line).get("learningRate").asDouble());
            }
        }
        assertEquals(0.001, rates.get(0), 1e-12);
        assertEquals(0.001 * 0.25, rates.get(rates.size() - 1), 1e-12, "halved after epochs 2 and 3: " + rates);
    }

    /** Local paths with spaces: the data is found and the checkpoints land in the run directory, not in a percent-encoded twin. */
    @Test
    void pathsWithSpacesAreTheDirectoriesTheyName() throws IOException {
        Path spaced = dir.resolve("data with space");
        Files.createDirectories(spaced);
        try (var files = Files.list(data)) {
            for (Path f : files.toList()) {
                Files.copy(f, spaced.resolve(f.getFileName()));
            }
        }
        Path out = dir.resolve("run with space");
        CliTestSupport.Run r = train(out, "--set", "data.dir=\"" + spaced + "\"", "--set", "training.epochs=1");
        assertEquals(0, r.exitCode(), r.err());
        try (var files = Files.list(out.resolve("checkpoints"))) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("ckpt-")), "checkpoints in " + out);
        }
        assertTrue(!Files.exists(dir.resolve("run%20with%20space")), "no percent-encoded twin directory");
    }

    @Test
    void configurationErrorsAreOneLineWithExitCodeTwo() throws IOException {
        Path bad = dir.resolve("bad.conf");
        Files.writeString(bad, "training {\n  epochs = many\n}\n");
        CliTestSupport.Run r = CliTestSupport.run("train", bad.toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("bad.conf: 2") && r.err().contains("training.epochs"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());

        r = CliTestSupport.run("train", "conf/quickstart.conf", "--set", "training.epohcs=3");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("did you mean 'training.epochs'"), r.err());

        r = CliTestSupport.run("train", "conf/quickstart.conf", "--set", "optimizer.beta_1=0.8");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("did you mean 'beta1'"), r.err());

        r = CliTestSupport.run("train", "conf/quickstart.conf", "--set", "model.layers=[flatten, \"dense(10)\", \"conv2d(4, 3)\"]");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("layer 2 (conv2d)") && r.err().contains("[10]"), r.err());

        r = CliTestSupport.run("train", "conf/quickstart.conf", "--set", "training.batchSize=0");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("training.batchSize = 0"), r.err());

        r = CliTestSupport.run("train", "conf/quickstart.conf", "--set", "earlyStopping.patience=2");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("data.validationSize > 0"), r.err());

        r = CliTestSupport.run("train", dir.resolve("missing.conf").toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("no such configuration file"), r.err());

        r = CliTestSupport.run("train", "conf/quickstart.conf", "--set", "engine.mode=job", "--set", "batchNorm.mode=sync");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("needs engine.mode = barrier"), r.err());

        r = CliTestSupport.run("train", "conf/quickstart.conf", "--set", "training.reshuffleEveryEpochs=-1");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("training.reshuffleEveryEpochs = -1 is out of range"), r.err());
    }

    @Test
    void keysListsEveryKeyWithItsDefault() {
        CliTestSupport.Run r = CliTestSupport.run("train", "--keys");
        assertEquals(0, r.exitCode());
        for (String key : List.of("data.dir", "training.epochs", "training.batchSize", "training.seed", "training.partitions", "optimizer.name",
                "engine.mode", "batchNorm.mode", "model.layers", "loss")) {
            assertTrue(r.out().contains(key + " = "), key + " missing from\n" + r.out());
        }
    }
}
