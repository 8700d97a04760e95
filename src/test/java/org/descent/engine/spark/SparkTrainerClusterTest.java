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
import org.descent.nn.Models;
import org.descent.nn.Sequential;
import org.descent.optim.Optimizers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine with executors in separate JVMs: Spark's local-cluster mode (2 workers × 1 core × 1 GB),
 * started from the test classpath (recipe: shared/docs/spark-on-this-machine.md).
 */
class SparkTrainerClusterTest {
    private static JavaSparkContext sc;
    private static Dataset train;

    @BeforeAll
    static void start() throws IOException {
        sc = new JavaSparkContext(new SparkConf().setMaster("local-cluster[2,1,1024]").setAppName("SparkTrainerClusterTest")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                .set("spark.executorEnv.SPARK_SCALA_VERSION", "2.13").set("spark.executorEnv.SPARK_TESTING", "1")
                .set("spark.executorEnv.SPARK_LOCAL_IP", "127.0.0.1").set("spark.executorEnv.OPENBLAS_NUM_THREADS", "1")
                .set("spark.executor.extraClassPath", System.getProperty("java.class.path")));
        sc.setLogLevel("WARN");
        train = Mnist.load(Path.of("data/fashion-mnist"), "train").slice(0, 1200);
        Standardizer.fit(train).applyInPlace(train);
    }

    @AfterAll
    static void stop() {
        sc.stop();
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
