package org.descent.engine.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.api.java.JavaSparkContext;
import org.descent.data.Dataset;
import org.descent.data.Mnist;
import org.descent.data.Standardizer;
import org.descent.engine.EngineOptions;
import org.descent.engine.LocalTrainer;
import org.descent.engine.TrainingResult;
import org.descent.loss.SoftmaxCrossEntropy;
import org.descent.models.LayerSpecs;
import org.descent.nn.Sequential;
import org.descent.optim.Optimizers;
import org.descent.tensor.Shape;
import org.junit.jupiter.api.Test;

/**
 * One copy per executor, not per core: four tasks on two executors of two cores form two groups, each
 * sharing its leader's received parameters and adding its gradients in process, and give in exact mode
 * the bits of four executors of one core — with the same driver traffic.
 */
@org.junit.jupiter.api.Tag("spark")
class TreeExchangeHierarchyTest {

    @Test
    void twoTasksPerExecutorShareOneCopyAndGiveTheBitsOfOneTaskPerExecutor() throws IOException {
        Dataset train = Mnist.load(Path.of("data/fashion-mnist"), "train").slice(0, 1200);
        Standardizer.fit(train).applyInPlace(train);
        Sequential bn = new Sequential(Shape.of(784), LayerSpecs.parseAll(List.of("dense(32)", "batch_norm", "relu", "dense(10)")));
        EngineOptions exact = TestEngines.tree(true, 120).withReduction(EngineOptions.Reduction.EXACT);
        TrainingResult[] results = new TrainingResult[2];
        Topology[] trees = new Topology[2];
        long[][] bytes = new long[2][];
        String[] masters = {"local-cluster[2,2,1024]", "local-cluster[4,1,512]"};
        for (int i = 0; i < 2; i++) {
            try (JavaSparkContext sc = new JavaSparkContext(SparkSetup.conf("TreeExchangeHierarchyTest", masters[i]).set("spark.ui.enabled", "false")
                    .set("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "1s")
                    .set("spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", "60"))) {
                sc.setLogLevel("WARN");
                AtomicReference<StepService> service = new AtomicReference<>();
                results[i] = new SparkTrainer(sc, bn, new SoftmaxCrossEntropy(), Optimizers.create("adam", Map.of("learningRate", 1e-3)),
                        new LocalTrainer.Settings(60, 1, 21, false).withShuffle(org.descent.engine.BatchPlan.Shuffle.GLOBAL))
                        .engine(exact).testHooks(TestHooks.observe(service::set)).fit(Blocks.fromDataset(sc, train, 4), null, null);
                trees[i] = service.get().topology();
                bytes[i] = service.get().bytes();
            }
        }
        assertEquals(2, trees[0].groups(), trees[0].toString());
        assertEquals(4, trees[1].groups(), trees[1].toString());
        assertTrue(java.util.stream.IntStream.range(0, 4).filter(trees[0]::sameJvmAsParent).count() == 2, "two tasks reach their leader in process");
        assertArrayEquals(results[1].params(), results[0].params());
        assertArrayEquals(results[1].buffers(), results[0].buffers());
        double perStep = (bytes[0][0] + bytes[0][1]) / 20.0 / (4.0 * bn.paramCount());
        assertTrue(perStep <= 2.2, "driver traffic " + perStep + " model copies per step");
    }
}
