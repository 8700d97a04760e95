package org.descent.engine.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.descent.data.Dataset;
import org.descent.data.Mnist;
import org.descent.engine.EngineOptions;
import org.descent.engine.LocalTrainer;
import org.descent.loss.SoftmaxCrossEntropy;
import org.descent.models.Models;
import org.descent.optim.Optimizers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What Spark's UI shows of a run: each job's group is the run's name and its description says what it does. */
@org.junit.jupiter.api.Tag("spark")
class JobLabelsTest {
    private static JavaSparkContext sc;
    private static final List<String[]> JOBS = new CopyOnWriteArrayList<>();
    private static Dataset train;

    @BeforeAll
    static void start() throws IOException {
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("JobLabelsTest")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"));
        sc.setLogLevel("WARN");
        sc.sc().addSparkListener(new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart start) {
                JOBS.add(new String[] {start.properties().getProperty("spark.jobGroup.id"), start.properties().getProperty("spark.job.description")});
            }
        });
        train = Mnist.load(Path.of("data/fashion-mnist"), "train").slice(0, 240);
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    private static List<String[]> run(String name, EngineOptions engine) throws java.util.concurrent.TimeoutException {
        JOBS.clear();
        JobLabels.begin(sc, name);
        SparkTrainer trainer = new SparkTrainer(sc, Models.mlp(784, 16, 10), new SoftmaxCrossEntropy(), Optimizers.create("sgd", Map.of("learningRate", 0.01)),
                new LocalTrainer.Settings(60, 1, 3, false, new int[] {120, 120}));
        trainer.engine(engine);
        trainer.fit(Blocks.fromDataset(sc, train, 2), Blocks.fromDataset(sc, train.slice(0, 100), 2), null);
        sc.sc().listenerBus().waitUntilEmpty();
        return List.copyOf(JOBS);
    }

    @Test
    void jobModeNamesEveryStepAndEvaluationOfTheRun() throws Exception {
        List<String[]> jobs = run("quickstart-1", TestEngines.job());
        for (String[] job : jobs) {
            assertEquals("quickstart-1", job[0], "job group of '" + job[1] + "'");
            assertTrue(job[1].startsWith("descent quickstart-1: "), job[1]);
        }
        List<String> descriptions = jobs.stream().map(j -> j[1]).toList();
        for (int step = 0; step < 4; step++) {
            assertTrue(descriptions.contains("descent quickstart-1: epoch 0, step " + step), descriptions.toString());
        }
        assertTrue(descriptions.contains("descent quickstart-1: evaluate validation after epoch 0"), descriptions.toString());
    }

    /** A Spark ML fit inside a user's job group: the barrier stage runs in that group too, so cancelling the group stops it. */
    @Test
    void aBarrierStageJoinsTheCallersJobGroup() throws Exception {
        JOBS.clear();
        sc.setJobGroup("user-group", "a user's group", true);
        String previous = JobLabels.within(sc, "fit NeuralNetClassifier_1");
        try {
            SparkTrainer trainer = new SparkTrainer(sc, Models.mlp(784, 16, 10), new SoftmaxCrossEntropy(), Optimizers.create("sgd", Map.of("learningRate", 0.01)),
                    new LocalTrainer.Settings(60, 1, 3, false, new int[] {120, 120}));
            trainer.engine(TestEngines.star(false, 60));
            trainer.fit(Blocks.fromDataset(sc, train, 2), null, null);
            sc.sc().listenerBus().waitUntilEmpty();
        } finally {
            JobLabels.restore(sc, previous);
            sc.clearJobGroup();
        }
        List<String[]> barrier = JOBS.stream().filter(j -> j[1] != null && j[1].contains("barrier stage")).toList();
        assertTrue(!barrier.isEmpty(), "a barrier stage ran");
        for (String[] job : barrier) {
            assertEquals("user-group", job[0]);
            assertTrue(job[1].startsWith("descent fit NeuralNetClassifier_1: barrier stage"), job[1]);
        }
    }

    @Test
    void barrierModeNamesItsStage() throws Exception {
        List<String[]> jobs = run("quickstart-2", TestEngines.star(false, 60));
        for (String[] job : jobs) {
            assertEquals("quickstart-2", job[0], "job group of '" + job[1] + "'");
        }
        assertTrue(jobs.stream().anyMatch(j -> j[1].equals("descent quickstart-2: barrier stage serving the steps from epoch 0, step 0")),
                jobs.stream().map(j -> j[1]).toList().toString());
    }
}
