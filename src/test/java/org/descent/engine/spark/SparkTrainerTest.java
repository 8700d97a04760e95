package org.descent.engine.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.descent.data.Dataset;
import org.descent.data.Mnist;
import org.descent.data.Standardizer;
import org.descent.engine.LocalTrainer;
import org.descent.engine.TrainingResult;
import org.descent.loss.SoftmaxCrossEntropy;
import org.descent.nn.Layer;
import org.descent.models.Models;
import org.descent.nn.Sequential;
import org.descent.nn.layers.Dense;
import org.descent.nn.layers.Flatten;
import org.descent.nn.layers.ReLU;
import org.descent.nn.norm.BatchNorm;
import org.descent.optim.Optimizers;
import org.descent.tensor.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The job-per-step engine on real Spark (local[2]) against the single-process trainer. */
@org.junit.jupiter.api.Tag("spark")
class SparkTrainerTest {
    private static JavaSparkContext sc;
    private static Dataset train;
    private static Dataset test;

    @BeforeAll
    static void start() throws IOException {
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("SparkTrainerTest")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"));
        sc.setLogLevel("WARN");
        train = Mnist.load(Path.of("data/fashion-mnist"), "train").slice(0, 1200);
        test = Mnist.load(Path.of("data/fashion-mnist"), "t10k").slice(0, 500);
        Standardizer s = Standardizer.fit(train);
        s.applyInPlace(train);
        s.applyInPlace(test);
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    private static int[] split(int n, int parts) {
        int[] sizes = new int[parts];
        for (int p = 0; p < parts; p++) {
            sizes[p] = Blocks.partStart(n, parts, p + 1) - Blocks.partStart(n, parts, p);
        }
        return sizes;
    }

    private static LocalTrainer.Settings settings(int partitions) {
        return new LocalTrainer.Settings(60, 1, 21, false, split(train.size(), partitions));
    }

    private static TrainingResult spark(Sequential model, int partitions) {
        return new SparkTrainer(sc, model, new SoftmaxCrossEntropy(), Optimizers.create("adam", Map.of("learningRate", 1e-3)), settings(partitions))
                .fit(Blocks.fromDataset(sc, train, partitions), null, null);
    }

    private static TrainingResult local(Sequential model, int partitions) {
        return new LocalTrainer(model, new SoftmaxCrossEntropy(), Optimizers.create("adam", Map.of("learningRate", 1e-3)), settings(partitions))
                .fit(train, null, null);
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

    /** Without batch norm, P partitions' summed gradients are the global batch's: 20 steps agree to 1e-5. */
    @Test
    void equalsTheSingleProcessTrainerOnTheSameGlobalBatches() {
        Sequential mlp = Models.mlp(784, 64, 10);
        for (int partitions : new int[] {1, 2, 3}) {
            TrainingResult distributed = spark(mlp, partitions);
            TrainingResult reference = local(mlp, partitions);
            assertEquals(20, distributed.steps());
            double d = relativeDistance(distributed.params(), reference.params());
            assertTrue(d <= 1e-5, partitions + " partitions: relative distance " + d);
            assertTrue(relativeDistance(distributed.params(), mlp.initParams(21)) > 1e-2, "training moved the parameters");
        }
    }

    @Test
    void withBatchNormAndOnePartitionItIsTheSingleProcessTrainer() {
        Sequential bn = new Sequential(Shape.of(1, 28, 28), List.<Layer>of(new Flatten(), new Dense(32), new BatchNorm(), new ReLU(), new Dense(10)));
        TrainingResult distributed = spark(bn, 1);
        TrainingResult reference = local(bn, 1);
        assertTrue(relativeDistance(distributed.params(), reference.params()) <= 1e-5);
        assertTrue(relativeDistance(distributed.buffers(), reference.buffers()) <= 1e-5);
    }

    @Test
    void sameSeedAndPartitionsGiveBitIdenticalParameters() {
        Sequential mlp = Models.mlp(784, 32, 10);
        assertArrayEquals(spark(mlp, 2).params(), spark(mlp, 2).params());
    }

    /**
     * Running statistics come from all partitions merged (count-weighted, unbiased over the global
     * count), not from one partition: after one step of a model whose first layer is batch norm,
     * they equal decay × the statistics of the whole global batch.
     */
    @Test
    void runningStatisticsMergeEveryPartition() {
        Sequential m = new Sequential(Shape.of(784), List.<Layer>of(new BatchNorm(), new Dense(10)));
        Dataset flat = new Dataset(Shape.of(784), train.features(), 1, train.labels(), train.size());
        TrainingResult r = new SparkTrainer(sc, m, new SoftmaxCrossEntropy(), Optimizers.create("sgd", Map.of("learningRate", 0.0)),
                new LocalTrainer.Settings(1200, 1, 5, true, split(flat.size(), 3))).fit(Blocks.fromDataset(sc, flat, 3), null, null);
        assertEquals(1, r.steps());
        // One step over all 1,200 examples: the global mean and unbiased variance of each input feature.
        for (int j : new int[] {100, 350, 600}) {
            double mean = 0;
            for (int e = 0; e < 1200; e++) {
                mean += flat.features()[e * 784 + j];
            }
            mean /= 1200;
            double m2 = 0;
            for (int e = 0; e < 1200; e++) {
                double d = flat.features()[e * 784 + j] - mean;
                m2 += d * d;
            }
            assertEquals(0.1 * mean, r.buffers()[j], 1e-5, "running mean of feature " + j);
            assertEquals(0.9 + 0.1 * m2 / 1199, r.buffers()[784 + j], 1e-4, "running variance of feature " + j);
        }
    }

    /**
     * Resume equals an uninterrupted run, bit for bit: from a checkpoint in the middle of the first
     * epoch and from one at the end of it (batch norm, so buffers and every optimizer moment count).
     */
    @Test
    void resumingFromACheckpointEqualsAnUninterruptedRun(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
        Sequential bn = new Sequential(Shape.of(1, 28, 28), List.<Layer>of(new Flatten(), new Dense(32), new BatchNorm(), new ReLU(), new Dense(10)));
        LocalTrainer.Settings twoEpochs = new LocalTrainer.Settings(60, 2, 21, false, null);
        Checkpointer checkpoints = new Checkpointer(dir.toUri().toString(), sc.hadoopConfiguration(), 100);
        SparkTrainer.CheckpointPolicy policy = new SparkTrainer.CheckpointPolicy(checkpoints, 7, 1);
        TrainingResult straight = new SparkTrainer(sc, bn, new SoftmaxCrossEntropy(), Optimizers.create("adam", Map.of("learningRate", 1e-3)), twoEpochs)
                .fit(Blocks.fromDataset(sc, train, 2), null, null, null, policy);
        assertEquals(40, straight.steps());
        assertTrue(checkpoints.names().contains("ckpt-000000000007.bin") && checkpoints.names().contains("ckpt-000000000020.bin"), checkpoints.names().toString());
        for (long at : new long[] {7, 20}) {
            org.descent.engine.TrainingState state = checkpoints.atStep(at).orElseThrow();
            TrainingResult resumed = new SparkTrainer(sc, bn, new SoftmaxCrossEntropy(), Optimizers.create("adam", Map.of("learningRate", 1e-3)), twoEpochs)
                    .fit(Blocks.fromDataset(sc, train, 2), null, null, state, null);
            assertArrayEquals(straight.params(), resumed.params(), "resumed after step " + at);
            assertArrayEquals(straight.buffers(), resumed.buffers(), "buffers resumed after step " + at);
            assertEquals(40, resumed.steps());
        }
        Checkpointer keepTwo = new Checkpointer(dir.resolve("two").toUri().toString(), sc.hadoopConfiguration(), 2);
        new SparkTrainer(sc, bn, new SoftmaxCrossEntropy(), Optimizers.create("adam", Map.of("learningRate", 1e-3)), twoEpochs)
                .fit(Blocks.fromDataset(sc, train, 2), null, null, null, new SparkTrainer.CheckpointPolicy(keepTwo, 7, 1));
        assertEquals(List.of("ckpt-000000000035.bin", "ckpt-000000000040.bin"), keepTwo.names());
    }

    /**
     * With a full reshuffle every epoch, runs stay deterministic, differ from runs without it, and a
     * run resumed in a later reshuffle round rebuilds that round's layout: equal to the uninterrupted run.
     */
    @Test
    void reshufflingEveryEpochIsDeterministicAndResumable(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
        Sequential mlp = Models.mlp(784, 32, 10);
        LocalTrainer.Settings three = new LocalTrainer.Settings(100, 3, 21, false, null);
        Checkpointer checkpoints = new Checkpointer(dir.toUri().toString(), sc.hadoopConfiguration(), 100);
        TrainingResult straight = new SparkTrainer(sc, mlp, new SoftmaxCrossEntropy(), Optimizers.create("adam", Map.of("learningRate", 1e-3)), three)
                .reshuffleEvery(1).fit(Blocks.fromDataset(sc, train, 2), null, null, null, new SparkTrainer.CheckpointPolicy(checkpoints, 17, 1));
        TrainingResult again = new SparkTrainer(sc, mlp, new SoftmaxCrossEntropy(), Optimizers.create("adam", Map.of("learningRate", 1e-3)), three)
                .reshuffleEvery(1).fit(Blocks.fromDataset(sc, train, 2), null, null);
        TrainingResult unshuffled = new SparkTrainer(sc, mlp, new SoftmaxCrossEntropy(), Optimizers.create("adam", Map.of("learningRate", 1e-3)), three)
                .fit(Blocks.fromDataset(sc, train, 2), null, null);
        assertEquals(36, straight.steps());
        assertArrayEquals(straight.params(), again.params());
        assertTrue(relativeDistance(straight.params(), unshuffled.params()) > 1e-4, "the reshuffle changed the batches");
        org.descent.engine.TrainingState midSecondEpoch = checkpoints.atStep(17).orElseThrow();
        assertEquals(1, midSecondEpoch.epoch());
        TrainingResult resumed = new SparkTrainer(sc, mlp, new SoftmaxCrossEntropy(), Optimizers.create("adam", Map.of("learningRate", 1e-3)), three)
                .reshuffleEvery(1).fit(Blocks.fromDataset(sc, train, 2), null, null, midSecondEpoch, null);
        assertArrayEquals(straight.params(), resumed.params());
    }

    /**
     * With a minimum improvement nothing can reach, the first epoch stays the best: training stops
     * after 1 + patience epochs and returns exactly the parameters a 1-epoch run ends with.
     */
    @Test
    void earlyStoppingRestoresTheBestEpoch() {
        Sequential mlp = Models.mlp(784, 32, 10);
        LocalTrainer.Settings five = new LocalTrainer.Settings(60, 5, 21, false, null);
        LocalTrainer.Settings one = new LocalTrainer.Settings(60, 1, 21, false, null);
        TrainingResult stopped = new SparkTrainer(sc, mlp, new SoftmaxCrossEntropy(), Optimizers.create("adam", Map.of("learningRate", 1e-3)), five)
                .earlyStopping(new org.descent.engine.EarlyStopping(org.descent.engine.EarlyStopping.Metric.LOSS, 2, 1e9))
                .fit(Blocks.fromDataset(sc, train, 2), Blocks.fromDataset(sc, test, 2), null);
        TrainingResult oneEpoch = new SparkTrainer(sc, mlp, new SoftmaxCrossEntropy(), Optimizers.create("adam", Map.of("learningRate", 1e-3)), one)
                .fit(Blocks.fromDataset(sc, train, 2), null, null);
        assertTrue(stopped.stoppedEarly());
        assertEquals(0, stopped.bestEpoch());
        assertEquals(3, stopped.history().size());
        assertArrayEquals(oneEpoch.params(), stopped.params());
    }

    /**
     * Algorithm 2 of the BN paper over the whole training set: with batch norm first, the population
     * mean of a feature is the mean of its batch means and its variance the mean of the batches'
     * unbiased variances, over each partition's consecutive batches.
     */
    @Test
    void populationStatisticsFollowAlgorithmTwo() {
        Sequential m = new Sequential(Shape.of(784), List.<Layer>of(new BatchNorm(), new Dense(10)));
        Dataset flat = new Dataset(Shape.of(784), train.features(), 1, train.labels(), train.size());
        SparkTrainer trainer = new SparkTrainer(sc, m, new SoftmaxCrossEntropy(), Optimizers.create("sgd", Map.of()),
                new LocalTrainer.Settings(120, 1, 1, false));
        float[] buffers = trainer.populationStatistics(Blocks.fromDataset(sc, flat, 2), m.initParams(1), m.initBuffers());
        for (int j : new int[] {150, 400, 700}) {
            double meanOfMeans = 0;
            double meanOfVariances = 0;
            for (int b = 0; b < 20; b++) {
                double mu = 0;
                for (int e = b * 60; e < b * 60 + 60; e++) {
                    mu += flat.features()[e * 784 + j];
                }
                mu /= 60;
                double m2 = 0;
                for (int e = b * 60; e < b * 60 + 60; e++) {
                    m2 += Math.pow(flat.features()[e * 784 + j] - mu, 2);
                }
                meanOfMeans += mu / 20;
                meanOfVariances += m2 / 59 / 20;
            }
            assertEquals(meanOfMeans, buffers[j], 1e-5, "population mean of feature " + j);
            assertEquals(meanOfVariances, buffers[784 + j], 1e-4 * Math.max(1, meanOfVariances), "population variance of feature " + j);
        }
    }

    /** Uneven partitions, one of them empty, give the single-process result on the same global batches. */
    @Test
    void unevenAndEmptyPartitionsAreHandled() {
        Sequential mlp = Models.mlp(784, 32, 10);
        int[] sizes = {700, 0, 500};
        List<Block> blocks = new java.util.ArrayList<>();
        int from = 0;
        for (int n : sizes) {
            Dataset part = train.slice(from, from + n);
            blocks.add(new Block(part.features(), part.labels(), n, 784, 1));
            from += n;
        }
        LocalTrainer.Settings settings = new LocalTrainer.Settings(100, 1, 8, false, sizes);
        TrainingResult distributed = new SparkTrainer(sc, mlp, new SoftmaxCrossEntropy(), Optimizers.create("adam", Map.of()), settings)
                .fit(sc.parallelize(blocks, 3), null, null);
        TrainingResult local = new LocalTrainer(mlp, new SoftmaxCrossEntropy(), Optimizers.create("adam", Map.of()), settings).fit(train, null, null);
        assertEquals(12, distributed.steps());
        assertTrue(relativeDistance(distributed.params(), local.params()) <= 1e-5);
    }

    /** Every step's Spark job carries a description naming its epoch and step (what the Spark UI lists). */
    @Test
    void jobsAreDescribedByEpochAndStep() throws java.util.concurrent.TimeoutException {
        List<String> descriptions = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        org.apache.spark.scheduler.SparkListener listener = new org.apache.spark.scheduler.SparkListener() {
            @Override
            public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart job) {
                String d = job.properties().getProperty("spark.job.description");
                if (d != null) {
                    descriptions.add(d);
                }
            }
        };
        sc.sc().addSparkListener(listener);
        try {
            new SparkTrainer(sc, Models.mlp(784, 16, 10), new SoftmaxCrossEntropy(), Optimizers.create("sgd", Map.of()), settings(2))
                    .engine(TestEngines.job()).stopAfter(3).fit(Blocks.fromDataset(sc, train, 2), null, null);
            sc.sc().listenerBus().waitUntilEmpty();
        } finally {
            sc.sc().removeSparkListener(listener);
        }
        assertTrue(descriptions.containsAll(List.of("descent: epoch 0, step 0", "descent: epoch 0, step 1", "descent: epoch 0, step 2")), descriptions.toString());
    }

    /** A learning rate that blows up stops the run with the step and the first non-finite gradient named. */
    @Test
    void divergenceStopsTheRunNamingStepAndLayer() {
        Sequential mlp = Models.mlp(784, 32, 10);
        SparkTrainer trainer = new SparkTrainer(sc, mlp, new SoftmaxCrossEntropy(), Optimizers.create("sgd", Map.of("learningRate", 1e12)), settings(2));
        org.descent.engine.DivergenceException e = org.junit.jupiter.api.Assertions.assertThrows(org.descent.engine.DivergenceException.class,
                () -> trainer.fit(Blocks.fromDataset(sc, train, 2), null, null));
        assertTrue(e.getMessage().matches("training diverged at step \\d+ \\(epoch 1\\): the (gradient of \\d\\.dense\\.(weight|bias) is|loss is).*"), e.getMessage());
    }

    @Test
    void evaluatesOnTheExecutorsAsTheLocalEvaluatorDoes() {
        Sequential mlp = Models.mlp(784, 32, 10);
        float[] params = mlp.initParams(3);
        var distributed = new SparkTrainer(sc, mlp, new SoftmaxCrossEntropy(), Optimizers.create("sgd", Map.of()), settings(1))
                .evaluate(Blocks.fromDataset(sc, test, 3), params, mlp.initBuffers());
        var local = new org.descent.engine.Evaluator(mlp.newNetwork(), new SoftmaxCrossEntropy(), 256).evaluate(params, mlp.initBuffers(), test);
        assertEquals(local.accuracy(), distributed.accuracy(), 1e-12);
        assertEquals(local.loss(), distributed.loss(), 1e-5);
        assertEquals(500, distributed.count());
    }
}
