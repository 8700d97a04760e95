package org.descent.engine.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.descent.data.Dataset;
import org.descent.data.Mnist;
import org.descent.data.Standardizer;
import org.descent.engine.LocalTrainer;
import org.descent.engine.TrainingResult;
import org.descent.loss.SoftmaxCrossEntropy;
import org.descent.models.Models;
import org.descent.nn.Sequential;
import org.descent.optim.Optimizers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine with executors in separate JVMs: Spark's local-cluster mode (2 workers × 1 core × 1 GB),
 * started from the test classpath (recipe: shared/docs/spark-on-this-machine.md).
 */
@org.junit.jupiter.api.Tag("spark")
class SparkTrainerClusterTest {
    private static JavaSparkContext sc;
    private static Dataset train;

    @BeforeAll
    static void start() throws IOException {
        sc = new JavaSparkContext(new SparkConf().setMaster("local-cluster[2,1,1024]").setAppName("SparkTrainerClusterTest")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                .set("spark.executorEnv.SPARK_SCALA_VERSION", "2.13").set("spark.executorEnv.SPARK_TESTING", "1")
                .set("spark.executorEnv.SPARK_LOCAL_IP", "127.0.0.1").set("spark.executorEnv.OPENBLAS_NUM_THREADS", "1")
                .set("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                .set("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "1s")
                .set("spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", "60"));
        sc.setLogLevel("WARN");
        train = Mnist.load(Path.of("data/fashion-mnist"), "train").slice(0, 1200);
        Standardizer.fit(train).applyInPlace(train);
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    /**
     * kill -9 one executor JVM in the middle of training: Spark reruns the lost tasks, the lost
     * cached blocks are read again, and the run ends with exactly the parameters of an undisturbed run.
     */
    @Test
    void killingAnExecutorMidRunChangesNothing(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        java.nio.file.Files.createDirectories(data);
        org.descent.cli.SmallIdx.write(Path.of("data/fashion-mnist"), data, 3000, 100);
        Sequential mlp = Models.mlp(784, 32, 10);
        LocalTrainer.Settings settings = new LocalTrainer.Settings(150, 2, 4, false);
        TrainingResult undisturbed = new SparkTrainer(sc, mlp, new SoftmaxCrossEntropy(), Optimizers.create("adam", Map.of("learningRate", 1e-3)), settings)
                .engine(TestEngines.job()).fit(IdxBlocks.read(sc, data.toString(), "train", 2), null, null);
        String app = sc.sc().applicationId();
        long[] killed = {-1};
        SparkTrainer disturbed = new SparkTrainer(sc, mlp, new SoftmaxCrossEntropy(), Optimizers.create("adam", Map.of("learningRate", 1e-3)), settings)
                .engine(TestEngines.job())
                .onStep((epoch, step, loss, examples, norm, ms) -> {
                    if (step == 10) {
                        killed[0] = killOneExecutor(app);
                    }
                });
        TrainingResult result = disturbed.fit(IdxBlocks.read(sc, data.toString(), "train", 2), null, null);
        assertTrue(killed[0] > 0, "an executor of " + app + " was killed");
        assertEquals(40, result.steps());
        assertArrayEquals(undisturbed.params(), result.params());
    }

    /**
     * Barrier mode, kill -9 of one executor JVM in the middle of a barrier stage: Spark relaunches
     * the whole stage once a replacement executor is up, the driver repeats the interrupted step
     * with the same parameters, and the run ends exactly as an undisturbed one (batch norm
     * synchronized, so the statistics exchange is interrupted too).
     */
    @Test
    void killingAnExecutorMidBarrierStageChangesNothing(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        java.nio.file.Files.createDirectories(data);
        org.descent.cli.SmallIdx.write(Path.of("data/fashion-mnist"), data, 3000, 100);
        Sequential bn = new Sequential(org.descent.tensor.Shape.of(1, 28, 28), org.descent.models.LayerSpecs.parseAll(java.util.List.of(
                "flatten", "dense(32)", "batch_norm", "relu", "dense(10)")));
        LocalTrainer.Settings settings = new LocalTrainer.Settings(150, 2, 4, false);
        TrainingResult undisturbed = new SparkTrainer(sc, bn, new SoftmaxCrossEntropy(), Optimizers.create("adam", Map.of("learningRate", 1e-3)), settings)
                .engine(TestEngines.star(true, 120)).fit(IdxBlocks.read(sc, data.toString(), "train", 2), null, null);
        String app = sc.sc().applicationId();
        long[] killed = {-1};
        TrainingResult result = new SparkTrainer(sc, bn, new SoftmaxCrossEntropy(), Optimizers.create("adam", Map.of("learningRate", 1e-3)), settings)
                .engine(TestEngines.star(true, 120))
                .onStep((epoch, step, loss, examples, norm, ms) -> {
                    if (step == 10) {
                        killed[0] = killOneExecutor(app);
                    }
                })
                .fit(IdxBlocks.read(sc, data.toString(), "train", 2), null, null);
        assertTrue(killed[0] > 0, "an executor of " + app + " was killed");
        assertEquals(40, result.steps());
        assertArrayEquals(undisturbed.params(), result.params());
        assertArrayEquals(undisturbed.buffers(), result.buffers());
    }

    /** Across executor JVMs, barrier mode gives the job-per-step parameters for a model without batch norm. */
    @Test
    void barrierModeEqualsJobPerStepAcrossExecutors() {
        Sequential mlp = Models.mlp(784, 64, 10);
        LocalTrainer.Settings settings = new LocalTrainer.Settings(60, 1, 21, false);
        TrainingResult job = new SparkTrainer(sc, mlp, new SoftmaxCrossEntropy(), Optimizers.create("adam", Map.of("learningRate", 1e-3)), settings)
                .engine(TestEngines.job()).fit(Blocks.fromDataset(sc, train, 2), null, null);
        TrainingResult barrier = new SparkTrainer(sc, mlp, new SoftmaxCrossEntropy(), Optimizers.create("adam", Map.of("learningRate", 1e-3)), settings)
                .engine(TestEngines.star(false, 120)).fit(Blocks.fromDataset(sc, train, 2), null, null);
        assertEquals(20, barrier.steps());
        assertArrayEquals(job.params(), barrier.params());
    }

    /**
     * The recurrent layers on executor JVMs: an LSTM on the mem-20 problem's form (sequences generated on the executors,
     * per-step targets) with exact sums trains to the same bits in job mode over one partition and in barrier mode
     * over TCP, star and tree, over two; and the loss falls.
     */
    @Test
    void recurrentLayersOnLongRangeDataGiveTheSameBitsInEveryModeAcrossExecutors() {
        org.descent.data.LongRangeProblem mem = org.descent.data.LongRangeProblem.of("memorization", 6, 3, 4);
        float[] x = new float[400 * mem.shape().size()];
        float[] y = new float[400 * mem.labelWidth()];
        org.descent.tensor.Rng rng = new org.descent.tensor.Rng(5);
        for (int i = 0; i < 400; i++) {
            mem.example(rng, x, i * mem.shape().size(), y, i * mem.labelWidth());
        }
        Dataset sequences = new Dataset(mem.shape(), x, mem.labelWidth(), y, 400);
        Sequential lstm = new Sequential(mem.shape(), org.descent.models.LayerSpecs.parseAll(java.util.List.of("lstm(12)", "dense(4)")));
        org.descent.loss.Loss perStep = org.descent.loss.Losses.forOutput("softmax_cross_entropy", lstm.outputShape());
        org.descent.engine.EngineOptions.Reduction exact = org.descent.engine.EngineOptions.Reduction.EXACT;
        org.descent.engine.EngineOptions[] engines = {TestEngines.job().withReduction(exact), TestEngines.star(false, 120).withReduction(exact),
            TestEngines.tree(false, 120).withReduction(exact)};
        int[][] layouts = {{400}, {250, 150}, {250, 150}};
        float[] first = null;
        for (int i = 0; i < engines.length; i++) {
            TrainingResult r = new SparkTrainer(sc, lstm, perStep, Optimizers.create("adam", Map.of("learningRate", 1e-2)),
                    new LocalTrainer.Settings(40, 2, 5, false, layouts[i], org.descent.engine.BatchPlan.Shuffle.GLOBAL)).engine(engines[i])
                    .fit(Blocks.fromDataset(sc, sequences, layouts[i]), null, null);
            assertEquals(20, r.steps());
            if (first == null) {
                first = r.params();
                double start = r.history().get(0).trainLoss();
                double end = r.history().get(1).trainLoss();
                assertTrue(start > 0 && end < start, "the per-step loss falls: " + start + " then " + end);
            } else {
                assertArrayEquals(first, r.params(), "engine " + i);
            }
        }
    }

    /**
     * A task that fails before it links to the driver: the driver hears nothing from it, and the other
     * task, already waiting for its first step in a socket read that Spark's kill does not interrupt,
     * sees the kill within a second and gives its slot back. The relaunched attempt needs both slots;
     * it runs the whole epoch, well inside the 30 s step timeout that would otherwise fail the run.
     */
    @Test
    void aTaskFailingBeforeItLinksIsRelaunchedAndChangesNothing() {
        Sequential mlp = Models.mlp(784, 64, 10);
        LocalTrainer.Settings settings = new LocalTrainer.Settings(60, 1, 21, false);
        TrainingResult undisturbed = new SparkTrainer(sc, mlp, new SoftmaxCrossEntropy(), Optimizers.create("adam", Map.of("learningRate", 1e-3)), settings)
                .engine(TestEngines.star(false, 120)).fit(Blocks.fromDataset(sc, train, 2), null, null);
        TrainingResult relaunched = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(300), () ->
                new SparkTrainer(sc, mlp, new SoftmaxCrossEntropy(), Optimizers.create("adam", Map.of("learningRate", 1e-3)), settings)
                        .engine(TestEngines.star(false, 30)).testHooks(TestHooks.crash(1, -1)).fit(Blocks.fromDataset(sc, train, 2), null, null));
        assertEquals(20, relaunched.steps());
        assertArrayEquals(undisturbed.params(), relaunched.params());
    }

    /** Sends SIGKILL to one CoarseGrainedExecutorBackend of this application; returns its PID. */
    private static long killOneExecutor(String appId) {
        try {
            Process ps = new ProcessBuilder("ps", "-eo", "pid,args").start();
            String out = new String(ps.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            ps.waitFor();
            for (String line : out.split("\n")) {
                if (line.contains("CoarseGrainedExecutorBackend") && line.contains(appId)) {
                    long pid = Long.parseLong(line.trim().split("\\s+")[0]);
                    new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
                    return pid;
                }
            }
            return -1;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Test
    void separateExecutorJvmsGiveTheSingleProcessResultDeterministically() {
        Sequential mlp = Models.mlp(784, 64, 10);
        int[] sizes = {600, 600};
        LocalTrainer.Settings settings = new LocalTrainer.Settings(60, 1, 21, false, sizes);
        TrainingResult first = new SparkTrainer(sc, mlp, new SoftmaxCrossEntropy(), Optimizers.create("adam", Map.of("learningRate", 1e-3)), settings)
                .fit(Blocks.fromDataset(sc, train, 2), null, null);
        TrainingResult second = new SparkTrainer(sc, mlp, new SoftmaxCrossEntropy(), Optimizers.create("adam", Map.of("learningRate", 1e-3)), settings)
                .fit(Blocks.fromDataset(sc, train, 2), null, null);
        TrainingResult local = new LocalTrainer(mlp, new SoftmaxCrossEntropy(), Optimizers.create("adam", Map.of("learningRate", 1e-3)), settings)
                .fit(train, null, null);
        assertEquals(20, first.steps());
        assertArrayEquals(first.params(), second.params());
        double d = 0;
        double n = 0;
        for (int i = 0; i < local.params().length; i++) {
            d += Math.pow(first.params()[i] - local.params()[i], 2);
            n += Math.pow(local.params()[i], 2);
        }
        assertTrue(Math.sqrt(d / n) <= 1e-5, "relative distance " + Math.sqrt(d / n));
        assertEquals(2, sc.sc().getExecutorMemoryStatus().size() - 1, "two executor JVMs besides the driver");
    }
}
