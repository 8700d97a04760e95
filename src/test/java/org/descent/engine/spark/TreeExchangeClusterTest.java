package org.descent.engine.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.descent.engine.EngineOptions;
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

/**
 * The tree exchange between executor JVMs: local-cluster with 3 executors × 1 core × 512 MB, so W
 * partitions are W executors linked over TCP with the job's token.
 */
@org.junit.jupiter.api.Tag("spark")
class TreeExchangeClusterTest {
    private static JavaSparkContext sc;
    private static Dataset train;

    @BeforeAll
    static void start() throws IOException {
        sc = new JavaSparkContext(SparkSetup.conf("TreeExchangeClusterTest", "local-cluster[3,1,512]").set("spark.ui.enabled", "false")
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

    private static Sequential bnMlp() {
        return new Sequential(Shape.of(784), LayerSpecs.parseAll(List.of("dense(32)", "batch_norm", "relu", "dense(10)")));
    }

    private static SparkTrainer trainer(Sequential model, EngineOptions engine) {
        return new SparkTrainer(sc, model, new SoftmaxCrossEntropy(), Optimizers.create("adam", Map.of("learningRate", 1e-3)),
                new LocalTrainer.Settings(60, 1, 21, false).withShuffle(org.descent.engine.BatchPlan.Shuffle.GLOBAL)).engine(engine);
    }

    /**
     * Exact sums with synchronized batch norm: the star and the tree give the same bits, over 1, 2 and 3
     * executors alike (sums on the grid do not depend on their order or grouping), and the driver moves
     * about 2 model copies per step with the tree where the star moves 2·W.
     */
    @Test
    void exactTreeEqualsTheStarOverOneTwoAndThreeExecutors() {
        Sequential bn = bnMlp();
        EngineOptions exact = TestEngines.star(true, 120).withReduction(EngineOptions.Reduction.EXACT);
        TrainingResult reference = null;
        double modelBytes = 4.0 * bn.paramCount();
        for (int w = 1; w <= 3; w++) {
            AtomicReference<StepService> starService = new AtomicReference<>();
            AtomicReference<StepService> treeService = new AtomicReference<>();
            TrainingResult star = trainer(bn, exact).testHooks(TestHooks.observe(starService::set)).fit(Blocks.fromDataset(sc, train, w), null, null);
            TrainingResult tree = trainer(bn, exact.withExchange(EngineOptions.Exchange.TREE)).testHooks(TestHooks.observe(treeService::set))
                    .fit(Blocks.fromDataset(sc, train, w), null, null);
            assertEquals(20, tree.steps());
            assertArrayEquals(star.params(), tree.params(), w + " executors: parameters");
            assertArrayEquals(star.buffers(), tree.buffers(), w + " executors: running statistics");
            if (reference == null) {
                reference = star;
            }
            assertArrayEquals(reference.params(), tree.params(), w + " executors against 1: parameters");
            Topology t = treeService.get().topology();
            assertEquals(w, t.groups(), t.toString());
            long[] treeBytes = treeService.get().bytes();
            long[] starBytes = starService.get().bytes();
            double treePerStep = (treeBytes[0] + treeBytes[1]) / 20.0 / modelBytes;
            double starPerStep = (starBytes[0] + starBytes[1]) / 20.0 / modelBytes;
            assertTrue(treePerStep <= 2.2, w + " executors: the tree moved " + treePerStep + " model copies per step through the driver");
            assertTrue(starPerStep >= 2.0 * w, w + " executors: the star moved " + starPerStep);
        }
    }

    /** Float sums through the tree: a fixed shape and order for a given W, so two runs give the same bits; W = 1 is the star. */
    @Test
    void floatTreeIsDeterministicAndOneExecutorIsTheStar() {
        Sequential mlp = Models.mlp(784, 32, 10);
        EngineOptions tree = TestEngines.tree(false, 120);
        TrainingResult first = trainer(mlp, tree).fit(Blocks.fromDataset(sc, train, 3), null, null);
        TrainingResult second = trainer(mlp, tree).fit(Blocks.fromDataset(sc, train, 3), null, null);
        assertArrayEquals(first.params(), second.params());
        TrainingResult treeOfOne = trainer(mlp, tree).fit(Blocks.fromDataset(sc, train, 1), null, null);
        TrainingResult starOfOne = trainer(mlp, TestEngines.star(false, 120)).fit(Blocks.fromDataset(sc, train, 1), null, null);
        assertArrayEquals(starOfOne.params(), treeOfOne.params());
    }

    /**
     * engine.overlap: forward on parameters as they arrive and gradients streamed segment by segment during
     * backward give the bits of steps that receive everything first and send after backward — the star (every task streams to the driver) and the tree (its leaves stream to their parents,
     * a lone root to the driver, rounding exact sums segment by segment), exact sums with synchronized batch
     * norm, whose backward reductions interleave with the segments, and float sums. A model whose last layers
     * span more than a segment, so that some segments leave before the batch-norm layer's reduction.
     */
    @Test
    void overlappedStepsGiveTheBitsOfStepsWithoutOverlap() {
        Sequential bn = new Sequential(Shape.of(784), LayerSpecs.parseAll(List.of("dense(32)", "batch_norm", "relu", "dense(256)", "relu", "dense(10)")));
        assertTrue(bn.paramCount() - bn.slot(3).paramOffset() > Wire.SEGMENT_VALUES, "the last layers fill a segment");
        EngineOptions exactStar = TestEngines.star(true, 120).withReduction(EngineOptions.Reduction.EXACT);
        record Case(EngineOptions engine, int executors) {
        }
        List<Case> cases = List.of(new Case(exactStar, 3), new Case(exactStar.withExchange(EngineOptions.Exchange.TREE), 1),
                new Case(exactStar.withExchange(EngineOptions.Exchange.TREE), 3), new Case(TestEngines.star(false, 120), 2),
                new Case(TestEngines.tree(false, 120), 3));
        for (Case c : cases) {
            boolean star = c.engine().exchange() == EngineOptions.Exchange.STAR;
            String what = c.engine().exchange() + (c.engine().exactSums() ? " exact" : " float") + ", " + c.executors() + " executors";
            AtomicReference<StepService> off = new AtomicReference<>();
            AtomicReference<StepService> on = new AtomicReference<>();
            TrainingResult after = trainer(bn, c.engine().withOverlap(false)).testHooks(TestHooks.observe(off::set))
                    .fit(Blocks.fromDataset(sc, train, c.executors()), null, null);
            TrainingResult during = trainer(bn, c.engine().withOverlap(true)).testHooks(TestHooks.observe(on::set))
                    .fit(Blocks.fromDataset(sc, train, c.executors()), null, null);
            assertEquals(20, during.steps(), what);
            assertArrayEquals(after.params(), during.params(), what + ": parameters");
            assertArrayEquals(after.buffers(), during.buffers(), what + ": running statistics");
            assertEquals(0, off.get().streamedSegments(), what + ": nothing streamed without overlap");
            long perResult = Wire.segments(bn.paramCount());
            assertEquals(20L * (star ? c.executors() : 1) * perResult, on.get().streamedSegments(),
                    what + ": every step's gradient reached the driver in segments, from every task (star) or from the root (tree)");
        }
    }

    /** engine.overlap = auto leaves the exchange serial when every executor shares the driver's host (here: loopback). */
    @Test
    void autoOverlapIsOffWhenEveryExecutorSharesTheDriversHost() {
        SparkTrainer t = trainer(Models.mlp(784, 16, 10), TestEngines.star(false, 120).withOverlap(EngineOptions.Overlap.AUTO));
        AtomicReference<StepService> service = new AtomicReference<>();
        t.testHooks(TestHooks.observe(service::set)).stopAfter(3).fit(Blocks.fromDataset(sc, train, 2), null, null);
        assertEquals(false, t.resolved().overlap());
        assertEquals("auto: every executor on the driver's host, whose cores the transfers would take from the compute", t.resolved().overlapReason());
        assertEquals(0, service.get().streamedSegments());
        t = trainer(Models.mlp(784, 16, 10), TestEngines.star(false, 120).withOverlap(EngineOptions.Overlap.ON));
        t.stopAfter(1).fit(Blocks.fromDataset(sc, train, 2), null, null);
        assertEquals("engine.overlap = true", t.resolved().overlapReason());
    }

    /** A stranger dialing a task's peer port with a wrong token is refused (the socket closed on it) and the run is unchanged. */
    @Test
    void aPeerConnectionWithAWrongTokenIsRefusedAndChangesNothing() {
        Sequential mlp = Models.mlp(784, 32, 10);
        EngineOptions tree = TestEngines.tree(false, 120);
        TrainingResult undisturbed = trainer(mlp, tree).fit(Blocks.fromDataset(sc, train, 3), null, null);
        AtomicReference<StepService> service = new AtomicReference<>();
        AtomicReference<Boolean> closedOnUs = new AtomicReference<>();
        TrainingResult attacked = trainer(mlp, tree).testHooks(TestHooks.observe(service::set))
                .onStep((epoch, step, loss, n, norm, t) -> {
                    if (step == 5) {
                        Topology top = service.get().topology();
                        closedOnUs.set(impostor(top.host(1), top.port(1)));
                    }
                })
                .fit(Blocks.fromDataset(sc, train, 3), null, null);
        assertEquals(Boolean.TRUE, closedOnUs.get(), "the task closed the connection");
        assertArrayEquals(undisturbed.params(), attacked.params());
    }

    /** kill -9 of a non-root executor mid-stage: Spark relaunches the stage, the driver repeats the step, the weights are an undisturbed run's. */
    @Test
    void killingANonRootExecutorMidStageChangesNothing(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        // Files, not a local checkpoint: a lost executor's blocks are read again.
        Path data = dir.resolve("data");
        java.nio.file.Files.createDirectories(data);
        org.descent.cli.SmallIdx.write(Path.of("data/fashion-mnist"), data, 1200, 100);
        Sequential bn = new Sequential(Shape.of(1, 28, 28), LayerSpecs.parseAll(List.of("flatten", "dense(32)", "batch_norm", "relu", "dense(10)")));
        EngineOptions exact = TestEngines.tree(true, 120).withReduction(EngineOptions.Reduction.EXACT);
        TrainingResult undisturbed = trainer(bn, exact).fit(IdxBlocks.read(sc, data.toString(), "train", 3), null, null);
        AtomicReference<StepService> service = new AtomicReference<>();
        long[] killed = {-1};
        String app = sc.sc().applicationId();
        TrainingResult result = trainer(bn, exact).testHooks(TestHooks.observe(service::set))
                .onStep((epoch, step, loss, n, norm, t) -> {
                    if (step == 8) {
                        Topology top = service.get().topology();
                        killed[0] = killExecutor(app, top.executor(top.children(top.root())[0]));
                    }
                })
                .fit(IdxBlocks.read(sc, data.toString(), "train", 3), null, null);
        assertTrue(killed[0] > 0, "a non-root executor was killed");
        assertEquals(20, result.steps());
        assertArrayEquals(undisturbed.params(), result.params());
        assertArrayEquals(undisturbed.buffers(), result.buffers());
    }

    private static boolean impostor(String host, int port) {
        try (Socket s = new Socket(host, port)) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            byte[] wrong = new byte[64];
            java.util.Arrays.fill(wrong, (byte) 'a');
            out.writeInt(Wire.MAGIC);
            out.writeInt(wrong.length);
            out.write(wrong);
            out.writeInt(2);
            out.writeByte(Wire.RESULT);
            out.flush();
            s.setSoTimeout(10_000);
            return new DataInputStream(s.getInputStream()).read() == -1;
        } catch (IOException e) {
            return true;   // reset by the task
        }
    }

    private static long killExecutor(String appId, String executorId) {
        try {
            Process ps = new ProcessBuilder("ps", "-eo", "pid,args").start();
            String out = new String(ps.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            ps.waitFor();
            for (String line : out.split("\n")) {
                if (line.contains("CoarseGrainedExecutorBackend") && line.contains(appId) && line.contains("--executor-id " + executorId + " ")) {
                    long pid = Long.parseLong(line.trim().split("\\s+")[0]);
                    new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
                    return pid;
                }
            }
            return -1;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
