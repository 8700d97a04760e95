package org.descent.engine.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.descent.data.Dataset;
import org.descent.data.Mnist;
import org.descent.data.Standardizer;
import org.descent.engine.LocalTrainer;
import org.descent.engine.TrainingResult;
import org.descent.loss.SoftmaxCrossEntropy;
import org.descent.models.LayerSpecs;
import org.descent.models.Models;
import org.descent.nn.Sequential;
import org.descent.optim.Optimizers;
import org.descent.tensor.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Barrier mode on real Spark (local[3]: three task slots in one JVM) against job-per-step and the single-process trainer. */
@org.junit.jupiter.api.Tag("spark")
class BarrierStepRunnerTest {
    private static JavaSparkContext sc;
    private static Dataset train;

    @BeforeAll
    static void start() throws IOException {
        sc = new JavaSparkContext(new SparkConf().setMaster("local[3]").setAppName("BarrierStepRunnerTest")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"));
        sc.setLogLevel("ERROR");
        train = Mnist.load(Path.of("data/fashion-mnist"), "train").slice(0, 1200);
        Standardizer.fit(train).applyInPlace(train);
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    private static double relativeDistance(float[] a, float[] b) {
        double d = 0;
        double n = 0;
        for (int i = 0; i < a.length; i++) {
            d += (double) (a[i] - b[i]) * (a[i] - b[i]);
            n += (double) b[i] * b[i];
        }
        return Math.sqrt(d / n);
    }

    private static SparkTrainer trainer(Sequential model, int[] sizes, int epochs) {
        return new SparkTrainer(sc, model, new SoftmaxCrossEntropy(), Optimizers.create("adam", Map.of("learningRate", 1e-3)),
                new LocalTrainer.Settings(60, epochs, 21, false, sizes));
    }

    private static Sequential cnn() {
        return new Sequential(Shape.of(1, 28, 28), LayerSpecs.parseAll(List.of("conv2d(4, 3)", "batch_norm", "relu", "maxpool2d(2)", "flatten",
                "dense(16)", "batch_norm", "relu", "dense(10)")));
    }

    /** Without batch norm the two step modes run the same code on the same batches: the same parameters. */
    @Test
    void barrierModeEqualsJobPerStep() {
        Sequential mlp = Models.mlp(784, 32, 10);
        int[] sizes = {400, 400, 400};
        TrainingResult job = trainer(mlp, sizes, 1).engine(TestEngines.job()).fit(Blocks.fromDataset(sc, train, sizes), null, null);
        TrainingResult barrier = trainer(mlp, sizes, 1).engine(TestEngines.star(false, 60)).fit(Blocks.fromDataset(sc, train, sizes), null, null);
        assertEquals(20, barrier.steps());
        assertTrue(relativeDistance(barrier.params(), job.params()) <= 1e-5, "relative distance " + relativeDistance(barrier.params(), job.params()));
    }

    private static SparkTrainer momentum(Sequential model, int[] sizes) {
        return new SparkTrainer(sc, model, new SoftmaxCrossEntropy(), Optimizers.create("momentum", Map.of("learningRate", 0.05, "momentum", 0.9)),
                new LocalTrainer.Settings(60, 1, 21, false, sizes));
    }

    private static TrainingResult momentumReference(Sequential model, int[] sizes) {
        return new LocalTrainer(model, new SoftmaxCrossEntropy(), Optimizers.create("momentum", Map.of("learningRate", 0.05, "momentum", 0.9)),
                new LocalTrainer.Settings(60, 1, 21, false, sizes)).fit(train, null, null);
    }

    /**
     * Synchronized batch norm makes the distributed step the single-process step on the whole global
     * batch: the CNN with two BN layers over 1, 2 and 3 partitions (even and uneven, one empty)
     * equals the single-process trainer within 1e-4 after 20 steps; running statistics too.
     *
     * <p>With momentum SGD. Under Adam the comparison is ill-posed for the bias of a layer feeding
     * batch norm: its exact gradient is zero, both sides compute rounding noise (summed in another
     * order), and Adam divides that noise by its own magnitude into full learning-rate steps.
     */
    @Test
    void syncBatchNormEqualsTheSingleProcessTrainer() {
        Sequential cnn = cnn();
        for (int[] sizes : new int[][] {{1200}, {600, 600}, {400, 400, 400}, {700, 100, 400}, {900, 0, 300}}) {
            TrainingResult distributed = momentum(cnn, sizes).engine(TestEngines.star(true, 60)).fit(Blocks.fromDataset(sc, train, sizes), null, null);
            TrainingResult reference = momentumReference(cnn, sizes);
            assertEquals(20, distributed.steps());
            String what = java.util.Arrays.toString(sizes);
            assertTrue(relativeDistance(distributed.params(), reference.params()) <= 1e-4,
                    what + ": relative distance " + relativeDistance(distributed.params(), reference.params()));
            assertTrue(relativeDistance(distributed.buffers(), reference.buffers()) <= 1e-4, what + ": running statistics");
            assertTrue(relativeDistance(distributed.params(), cnn.initParams(21)) > 1e-2, "training moved the parameters");
        }
        int[] sizes = {600, 600};
        TrainingResult local = momentum(cnn, sizes).engine(TestEngines.star(false, 60)).fit(Blocks.fromDataset(sc, train, sizes), null, null);
        TrainingResult reference = momentumReference(cnn, sizes);
        assertTrue(relativeDistance(local.params(), reference.params()) > 1e-4, "per-partition batch norm is not the global batch's");
    }

    /**
     * A convolution on Winograd's blocks (16 channels in) between two synchronized batch norms, three tasks in one JVM:
     * the tasks run some of each other's blocks, forward and backward ({@link org.descent.nn.WorkShare}), and the
     * weights and running statistics are the bits of the same run with the sharing off (up to three shared runs, until
     * one has helped).
     */
    @Test
    void tasksSharingConvolutionBlocksGiveTheBitsOfTasksAlone() {
        Sequential wide = new Sequential(Shape.of(1, 28, 28), LayerSpecs.parseAll(List.of("conv2d(16, 3, 1, 1)", "batch_norm", "relu",
                "maxpool2d(2)", "conv2d(16, 3, 1, 1)", "batch_norm", "relu", "maxpool2d(2)", "flatten", "dense(10)")));
        int[] sizes = {400, 400, 400};
        TrainingResult alone;
        System.setProperty("descent.workShare", "false");
        try {
            alone = momentum(wide, sizes).engine(TestEngines.star(true, 60)).fit(Blocks.fromDataset(sc, train, sizes), null, null);
        } finally {
            System.clearProperty("descent.workShare");
        }
        long helped = 0;
        for (int run = 0; run < 3 && helped == 0; run++) {
            long before = org.descent.nn.WorkShare.chunksHelped();
            TrainingResult shared = momentum(wide, sizes).engine(TestEngines.star(true, 60)).fit(Blocks.fromDataset(sc, train, sizes), null, null);
            helped = org.descent.nn.WorkShare.chunksHelped() - before;
            assertEquals(20, shared.steps());
            assertArrayEquals(alone.params(), shared.params(), "run " + run);
            assertArrayEquals(alone.buffers(), shared.buffers(), "run " + run);
        }
        assertTrue(helped > 0, "some blocks ran in another task than their own");
    }

    /**
     * With the global walk the batches do not depend on the partitioning: synchronized batch norm
     * over 2 and 3 partitions follows the single-process run on one partition.
     */
    @Test
    void withTheGlobalWalkAnyPartitioningFollowsOneProcess() {
        Sequential cnn = cnn();
        TrainingResult single = new LocalTrainer(cnn, new SoftmaxCrossEntropy(), Optimizers.create("momentum", Map.of("learningRate", 0.05, "momentum", 0.9)),
                new LocalTrainer.Settings(60, 1, 21, false, new int[] {1200}, org.descent.engine.BatchPlan.Shuffle.GLOBAL)).fit(train, null, null);
        for (int[] sizes : new int[][] {{600, 600}, {500, 300, 400}}) {
            TrainingResult distributed = new SparkTrainer(sc, cnn, new SoftmaxCrossEntropy(),
                    Optimizers.create("momentum", Map.of("learningRate", 0.05, "momentum", 0.9)),
                    new LocalTrainer.Settings(60, 1, 21, false, sizes, org.descent.engine.BatchPlan.Shuffle.GLOBAL))
                    .engine(TestEngines.star(true, 60)).fit(Blocks.fromDataset(sc, train, sizes), null, null);
            double d = relativeDistance(distributed.params(), single.params());
            assertTrue(d <= 1e-4, java.util.Arrays.toString(sizes) + ": relative distance " + d);
        }
    }

    private static TrainingResult globalWalk(Sequential model, int[] sizes, boolean barrierSync, boolean exact) {
        SparkTrainer trainer = new SparkTrainer(sc, model, new SoftmaxCrossEntropy(), Optimizers.create("adam", Map.of("learningRate", 1e-3)),
                new LocalTrainer.Settings(60, 1, 21, false, sizes, org.descent.engine.BatchPlan.Shuffle.GLOBAL));
        trainer.engine((barrierSync ? TestEngines.star(true, 60) : TestEngines.job())
                .withReduction(exact ? org.descent.engine.EngineOptions.Reduction.EXACT : org.descent.engine.EngineOptions.Reduction.FLOAT));
        return trainer.fit(Blocks.fromDataset(sc, train, sizes), null, null);
    }

    /**
     * Recurrent models (each image read as 28 rows of 28 pixels: rnn(16, last), dense(10); lstm(8, last), dense(10);
     * gru(8), flatten, dense(10)) with exact sums train to the same bits in job mode over one partition and in barrier
     * mode, star and tree, over two.
     */
    @Test
    void recurrentModelsTrainToTheSameBitsInEveryModeAndPartitioning() {
        for (List<String> layers : List.of(List.of("rnn(16, last)", "dense(10)"), List.of("lstm(8, last)", "dense(10)"),
                List.of("gru(8)", "flatten", "dense(10)"))) {
            Sequential model = new Sequential(Shape.of(28, 28), LayerSpecs.parseAll(layers));
            org.descent.engine.EngineOptions.Reduction exact = org.descent.engine.EngineOptions.Reduction.EXACT;
            org.descent.engine.EngineOptions[] engines = {TestEngines.job().withReduction(exact), TestEngines.star(false, 60).withReduction(exact),
                TestEngines.tree(false, 60).withReduction(exact)};
            int[][] layouts = {{1200}, {700, 500}, {700, 500}};
            float[] first = null;
            for (int i = 0; i < engines.length; i++) {
                TrainingResult r = new SparkTrainer(sc, model, new SoftmaxCrossEntropy(), Optimizers.create("adam", Map.of("learningRate", 1e-3)),
                        new LocalTrainer.Settings(60, 1, 21, false, layouts[i], org.descent.engine.BatchPlan.Shuffle.GLOBAL)).engine(engines[i])
                        .fit(Blocks.fromDataset(sc, train, layouts[i]), null, null);
                if (first == null) {
                    first = r.params();
                    assertTrue(relativeDistance(first, model.initParams(21)) > 1e-3, layers + ": training moved the parameters");
                } else {
                    assertArrayEquals(first, r.params(), layers + ": engine " + i);
                }
            }
        }
    }

    /**
     * Exact reduction makes the partitioning invisible: with the global walk, the CNN (convolution, two
     * synchronized BN layers, dense) under Adam over 1, 2 and 3 partitions (uneven, one empty) ends with
     * the same parameters and running statistics bit for bit. Float sums do not.
     */
    @Test
    void exactReductionGivesTheSameBitsOverAnyPartitioning() {
        Sequential cnn = cnn();
        TrainingResult one = globalWalk(cnn, new int[] {1200}, true, true);
        assertEquals(20, one.steps());
        assertTrue(relativeDistance(one.params(), cnn.initParams(21)) > 1e-2, "training moved the parameters");
        for (int[] sizes : new int[][] {{600, 600}, {500, 300, 400}, {900, 0, 300}}) {
            TrainingResult other = globalWalk(cnn, sizes, true, true);
            String what = java.util.Arrays.toString(sizes);
            assertArrayEquals(one.params(), other.params(), what + ": parameters");
            assertArrayEquals(one.buffers(), other.buffers(), what + ": running statistics");
        }
        TrainingResult floatOne = globalWalk(cnn, new int[] {1200}, true, false);
        TrainingResult floatTwo = globalWalk(cnn, new int[] {600, 600}, true, false);
        org.junit.jupiter.api.Assertions.assertFalse(java.util.Arrays.equals(floatOne.params(), floatTwo.params()),
                "float sums over 1 and 2 partitions differ in the last bits");
        // Up to rounding: the exact run lies as near the float runs as they lie to each other (the spread of float runs depends
        // on the BLAS; on OpenBLAS 0.3.21 with this machine's core type it is 1.2e-3 after 20 steps).
        double floatSpread = relativeDistance(floatOne.params(), floatTwo.params());
        assertTrue(relativeDistance(floatOne.params(), one.params()) <= Math.max(1e-3, 2 * floatSpread),
                "exact and float sums train the same model up to rounding");
    }

    /**
     * The same in job mode for a model with layer normalization (per-example statistics, summed affine
     * gradients), and with augmented images: each example's flips and shifts are drawn from its own
     * index, so they too are the same over any partitioning.
     */
    @Test
    void exactReductionInJobModeWithLayerNormAndAugmentation() {
        Sequential mlp = new Sequential(Shape.of(1, 28, 28), LayerSpecs.parseAll(List.of("flatten", "dense(32)", "layer_norm", "relu", "dense(10)")));
        TrainingResult one = globalWalk(mlp, new int[] {1200}, false, true);
        TrainingResult two = globalWalk(mlp, new int[] {700, 500}, false, true);
        assertArrayEquals(one.params(), two.params());
        org.descent.data.Augmentation augment = org.descent.data.Augmentation.of(List.of("hflip", "shift(2)"), Shape.of(1, 28, 28));
        TrainingResult[] augmented = new TrainingResult[2];
        int[][] layouts = {{1200}, {700, 500}};
        for (int i = 0; i < 2; i++) {
            augmented[i] = new SparkTrainer(sc, mlp, new SoftmaxCrossEntropy(), Optimizers.create("adam", Map.of("learningRate", 1e-3)),
                    new LocalTrainer.Settings(60, 1, 21, false, layouts[i], org.descent.engine.BatchPlan.Shuffle.GLOBAL)).engine(TestEngines.job().withReduction(org.descent.engine.EngineOptions.Reduction.EXACT)).augment(augment)
                    .fit(Blocks.fromDataset(sc, train, layouts[i]), null, null);
        }
        assertArrayEquals(augmented[0].params(), augmented[1].params(), "augmentation does not depend on the partitioning");
        assertTrue(relativeDistance(augmented[0].params(), one.params()) > 1e-3, "augmentation changed what was learned");
    }

    /**
     * Checkpoints and evaluations end the barrier stage and the next step starts a new one; resuming
     * from a mid-epoch checkpoint in barrier mode equals the uninterrupted run bit for bit.
     */
    @Test
    void resumingInBarrierModeEqualsAnUninterruptedRun(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
        Sequential bn = new Sequential(Shape.of(1, 28, 28), LayerSpecs.parseAll(List.of("flatten", "dense(32)", "batch_norm", "relu", "dense(10)")));
        int[] sizes = {600, 600};
        Checkpointer checkpoints = new Checkpointer(dir.toUri().toString(), sc.hadoopConfiguration(), 100);
        TrainingResult straight = trainer(bn, sizes, 2).engine(TestEngines.star(true, 60))
                .fit(Blocks.fromDataset(sc, train, sizes), null, null, null, new SparkTrainer.CheckpointPolicy(checkpoints, 7, 1));
        assertEquals(40, straight.steps());
        TrainingResult resumed = trainer(bn, sizes, 2).engine(TestEngines.star(true, 60))
                .fit(Blocks.fromDataset(sc, train, sizes), null, null, checkpoints.atStep(14).orElseThrow(), null);
        assertArrayEquals(straight.params(), resumed.params());
        assertArrayEquals(straight.buffers(), resumed.buffers());
    }

    /** A connection with the wrong token is refused and logged, and the run's parameters are those of an undisturbed run. */
    @Test
    void aWrongTokenIsRefusedAndChangesNothing() throws Exception {
        Sequential mlp = Models.mlp(784, 32, 10);
        int[] sizes = {600, 600};
        TrainingResult undisturbed = trainer(mlp, sizes, 1).engine(TestEngines.star(false, 60)).fit(Blocks.fromDataset(sc, train, sizes), null, null);
        AtomicReference<StepService> service = new AtomicReference<>();
        AtomicReference<Boolean> closedOnUs = new AtomicReference<>();
        TrainingResult attacked = trainer(mlp, sizes, 1).engine(TestEngines.star(false, 60)).testHooks(TestHooks.observe(service::set))
                .onStep((epoch, step, loss, n, norm, t) -> {
                    if (step == 5) {
                        closedOnUs.set(impostor(service.get()));
                    }
                })
                .fit(Blocks.fromDataset(sc, train, sizes), null, null);
        assertEquals(Boolean.TRUE, closedOnUs.get(), "the service closed the impostor's connection");
        assertEquals(1, service.get().refused());
        assertArrayEquals(undisturbed.params(), attacked.params());
    }

    /** Greets with a wrong token, then tries to pass a result for partition 0; true when the service hangs up. */
    private static boolean impostor(StepService service) {
        try (Socket s = new Socket(service.address().getAddress(), service.address().getPort())) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            byte[] wrong = new byte[service.token().length()];
            java.util.Arrays.fill(wrong, (byte) 'a');
            out.writeInt(Wire.MAGIC);
            out.writeInt(wrong.length);
            out.write(wrong);
            out.writeInt(0);
            out.writeInt(0);
            out.writeInt(1);
            out.writeByte(Wire.RESULT);
            out.writeLong(6);
            out.flush();
            s.setSoTimeout(10_000);
            return new DataInputStream(s.getInputStream()).read() == -1;
        } catch (IOException e) {
            return true;   // reset by the service
        }
    }

    /** A task that stops answering fails the run after the timeout, naming the step and the partition — never a hang. */
    @Test
    void aSilentTaskFailsTheRunAfterTheTimeout() {
        Sequential mlp = Models.mlp(784, 16, 10);
        int[] sizes = {600, 600};
        long t0 = System.nanoTime();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> trainer(mlp, sizes, 1).engine(TestEngines.star(false, 3))
                .testHooks(TestHooks.stall(1, 4)).fit(Blocks.fromDataset(sc, train, sizes), null, null));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(e.getMessage().contains("step 4") && e.getMessage().contains("partitions [1]") && e.getMessage().contains("engine.timeoutSeconds"),
                e.getMessage());
        assertTrue(seconds < 60, "failed after " + seconds + " s");
        // The context is still usable afterwards.
        assertEquals(20, trainer(mlp, sizes, 1).engine(TestEngines.star(false, 60)).fit(Blocks.fromDataset(sc, train, sizes), null, null).steps());
    }

    /**
     * Tasks in the driver's JVM link in process unless the run asks for TCP, and the link changes
     * nothing: synchronized batch norm (exchanges inside every step) over an uneven partitioning with
     * an empty partition gives the same bits both ways.
     */
    @Test
    void inProcessAndTcpLinksGiveTheSameBits() {
        Sequential cnn = cnn();
        int[] sizes = {700, 0, 500};
        AtomicReference<StepService> inProcess = new AtomicReference<>();
        TrainingResult linked = momentum(cnn, sizes).engine(TestEngines.star(true, 60)).testHooks(TestHooks.observe(inProcess::set))
                .fit(Blocks.fromDataset(sc, train, sizes), null, null);
        AtomicReference<StepService> tcp = new AtomicReference<>();
        TrainingResult overTcp = momentum(cnn, sizes).engine(TestEngines.star(true, 60).withTransport(org.descent.engine.EngineOptions.Transport.TCP)).testHooks(TestHooks.observe(tcp::set))
                .fit(Blocks.fromDataset(sc, train, sizes), null, null);
        assertEquals(3, inProcess.get().inProcessLinks(), "every task of the one stage linked in process");
        assertEquals(0, tcp.get().inProcessLinks());
        assertEquals(20, linked.steps());
        assertArrayEquals(overTcp.params(), linked.params());
        assertArrayEquals(overTcp.buffers(), linked.buffers());
        assertTrue(relativeDistance(linked.params(), cnn.initParams(21)) > 1e-2, "training moved the parameters");
    }

    /**
     * A task that fails in process (the link tells the driver it is gone) costs nothing but time:
     * Spark relaunches the barrier stage, the driver repeats the interrupted step on the new attempt,
     * and the run ends with the parameters of an undisturbed run.
     */
    @Test
    void aTaskFailingInProcessIsRelaunchedAndChangesNothing() {
        Sequential mlp = Models.mlp(784, 16, 10);
        int[] sizes = {600, 600};
        TrainingResult undisturbed = trainer(mlp, sizes, 1).engine(TestEngines.star(false, 60)).fit(Blocks.fromDataset(sc, train, sizes), null, null);
        for (boolean overlap : new boolean[] {true, false}) {   // without overlap, the lost step has no segment updates to undo
            AtomicReference<StepService> service = new AtomicReference<>();
            TrainingResult crashed = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(300), () ->
                    trainer(mlp, sizes, 1).engine(TestEngines.star(false, 600).withOverlap(overlap)).testHooks(TestHooks.crash(1, 4).observing(service::set))
                            .fit(Blocks.fromDataset(sc, train, sizes), null, null));
            assertEquals(4, service.get().inProcessLinks(), "two attempts of two tasks linked in process");
            assertEquals(20, crashed.steps());
            assertArrayEquals(undisturbed.params(), crashed.params(), "overlap " + overlap);
        }
    }

    /**
     * The driver's overlapped update, cut short: over TCP a task streams its gradient during backward and the
     * driver updates each segment as soon as every task has sent it; a task that then fails before its result
     * leaves the driver with segments updated for a step that must be taken again. They are rolled back, the
     * step is repeated on the relaunched stage, and the run ends with the parameters of an undisturbed run
     * (Adam: its moments rolled back too).
     */
    @Test
    void aTaskFailingAfterItsGradientWasUpdatedIsRolledBack() {
        Sequential mlp = Models.mlp(784, 32, 10);
        int[] sizes = {600, 600};
        org.descent.engine.EngineOptions tcp = TestEngines.star(false, 600).withTransport(org.descent.engine.EngineOptions.Transport.TCP);
        java.util.function.Supplier<SparkTrainer> adam = () -> new SparkTrainer(sc, mlp, new SoftmaxCrossEntropy(),
                Optimizers.create("adam", Map.of("learningRate", 1e-3)), new LocalTrainer.Settings(60, 1, 21, false));
        TrainingResult undisturbed = adam.get().engine(tcp).fit(Blocks.fromDataset(sc, train, sizes), null, null);
        TrainingResult serial = adam.get().engine(tcp.withOverlap(false)).fit(Blocks.fromDataset(sc, train, sizes), null, null);
        assertArrayEquals(serial.params(), undisturbed.params(), "overlapped and serial steps over TCP");
        AtomicReference<StepService> service = new AtomicReference<>();
        TrainingResult crashed = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(300), () ->
                adam.get().engine(tcp).testHooks(TestHooks.crashAfterGradient(1, 4).observing(service::set))
                        .fit(Blocks.fromDataset(sc, train, sizes), null, null));
        assertTrue(service.get().streamedSegments() > 20L * 2 * Wire.segments(mlp.paramCount()) - 1, "gradients were streamed");
        assertEquals(20, crashed.steps());
        assertArrayEquals(undisturbed.params(), crashed.params());
    }

    /**
     * In process every task answers with its whole gradient, so with engine.overlap = on there is no segment to update
     * before the last answer: the driver then updates the gradient whole (nothing saved for a rollback), and the
     * parameters are those of the serial steps, bit for bit (Adam, two tasks).
     */
    @Test
    void inProcessAnOverlappedStepIsUpdatedWholeWithTheSerialBits() {
        Sequential mlp = Models.mlp(784, 32, 10);
        int[] sizes = {600, 600};
        java.util.function.Supplier<SparkTrainer> adam = () -> new SparkTrainer(sc, mlp, new SoftmaxCrossEntropy(),
                Optimizers.create("adam", Map.of("learningRate", 1e-3)), new LocalTrainer.Settings(60, 1, 21, false));
        AtomicReference<StepService> service = new AtomicReference<>();
        TrainingResult overlapped = adam.get().engine(TestEngines.star(false, 600)).testHooks(TestHooks.observe(service::set))
                .fit(Blocks.fromDataset(sc, train, sizes), null, null);
        TrainingResult serial = adam.get().engine(TestEngines.star(false, 600).withOverlap(false)).fit(Blocks.fromDataset(sc, train, sizes), null, null);
        assertEquals(0L, service.get().streamedSegments(), "in process nothing is streamed");
        assertEquals(20, overlapped.steps());
        assertArrayEquals(serial.params(), overlapped.params());
    }

    /**
     * The tree in one JVM: the three tasks of local[3] form one group under partition 0, which shares its
     * step with the others and adds their sums in partition order — the star's order, so even float sums
     * give the star's bits — and is the only task the driver exchanges with.
     */
    @Test
    void theTreeInOneJvmGivesTheStarsBits() {
        Sequential cnn = cnn();
        int[] sizes = {500, 300, 400};
        for (boolean exact : new boolean[] {false, true}) {
            org.descent.engine.EngineOptions.Reduction r = exact ? org.descent.engine.EngineOptions.Reduction.EXACT
                    : org.descent.engine.EngineOptions.Reduction.FLOAT;
            AtomicReference<StepService> service = new AtomicReference<>();
            TrainingResult star = momentum(cnn, sizes).engine(TestEngines.star(true, 60).withReduction(r)).fit(Blocks.fromDataset(sc, train, sizes), null, null);
            TrainingResult tree = momentum(cnn, sizes).engine(TestEngines.tree(true, 60).withReduction(r)).testHooks(TestHooks.observe(service::set))
                    .fit(Blocks.fromDataset(sc, train, sizes), null, null);
            assertEquals(20, tree.steps());
            assertArrayEquals(star.params(), tree.params(), "exact " + exact + ": parameters");
            assertArrayEquals(star.buffers(), tree.buffers(), "exact " + exact + ": running statistics");
            Topology t = service.get().topology();
            assertEquals(1, t.groups(), t.toString());
            assertEquals(0, t.root());
            assertArrayEquals(new int[] {1, 2}, t.children(0));
        }
    }

    /** engine.mode = auto takes the barrier stage when the partitions fit the slots, and one job per step when they do not. */
    @Test
    void autoModeTakesTheBarrierStageWhenItFitsAndJobsOtherwise() {
        Sequential mlp = Models.mlp(784, 16, 10);
        int[] fits = {600, 600};
        SparkTrainer barrier = trainer(mlp, fits, 1);
        TrainingResult a = barrier.fit(Blocks.fromDataset(sc, train, fits), null, null);
        assertEquals(org.descent.engine.EngineOptions.Mode.BARRIER, barrier.resolved().mode());
        assertEquals("auto: 2 partitions fit 3 task slots", barrier.resolved().modeReason());
        assertEquals(org.descent.engine.EngineOptions.Exchange.STAR, barrier.resolved().exchange(), "every task in the driver's JVM");
        assertEquals(false, barrier.resolved().overlap());
        assertEquals("auto: every task in the driver's JVM, arrays passed by reference", barrier.resolved().overlapReason());
        // Synchronized batch norm in the driver's JVM: the tree, whose leading task sums the exchanges without the driver.
        SparkTrainer synced = trainer(mlp, fits, 1).engine(org.descent.engine.EngineOptions.defaults().withSyncBatchNorm(true));
        assertEquals(20, synced.fit(Blocks.fromDataset(sc, train, fits), null, null).steps());
        assertEquals(org.descent.engine.EngineOptions.Exchange.TREE, synced.resolved().exchange());
        assertEquals("auto: every task in the driver's JVM, synchronized batch norm", synced.resolved().exchangeReason());
        int[] tooMany = {300, 300, 300, 300};
        SparkTrainer job = trainer(mlp, tooMany, 1);
        TrainingResult b = job.fit(Blocks.fromDataset(sc, train, tooMany), null, null);
        assertEquals(org.descent.engine.EngineOptions.Mode.JOB, job.resolved().mode());
        assertEquals("auto: 4 partitions but 3 task slots", job.resolved().modeReason());
        assertEquals(20, a.steps());
        assertEquals(20, b.steps());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> trainer(mlp, tooMany, 1)
                .engine(org.descent.engine.EngineOptions.defaults().withSyncBatchNorm(true)).fit(Blocks.fromDataset(sc, train, tooMany), null, null));
        assertTrue(e.getMessage().startsWith("batchNorm.mode = sync needs a barrier stage, which this cluster cannot hold: 4 partitions but 3 task slots"),
                e.getMessage());
    }

    @Test
    void morePartitionsThanTaskSlotsIsAnErrorBeforeAnyWork() {
        int[] sizes = {300, 300, 300, 300};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> trainer(Models.mlp(784, 16, 10), sizes, 1).engine(TestEngines.star(false, 60)).fit(Blocks.fromDataset(sc, train, sizes), null, null));
        assertEquals("engine.mode = barrier runs all 4 partitions at once but the cluster has 3 task slots: set training.partitions ≤ 3 "
                + "(or add executor cores)", e.getMessage());
    }
}
