package org.descent.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Spark ML tuning over the estimators' params on real Spark (local[2]): a 2×2 grid (learning rate × layers) picks the
 * model that can learn, and a grid's fits on one training split share one assembly of blocks ({@link FitCache}).
 */
@org.junit.jupiter.api.Tag("spark")
class FitCacheTest {
    private static SparkSession spark;
    private static Dataset<Row> data;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("FitCacheTest").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").config("spark.sql.shuffle.partitions", "2").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        data = blobs(150, 21);
    }

    @AfterAll
    static void stop() {
        FitCache.release();
        spark.stop();
    }

    /** Three well-separated Gaussian blobs in 4 standardized features. */
    private static Dataset<Row> blobs(int perClass, long seed) {
        double[][] centers = {{0, 0, 0, 0}, {3, 0, 3, 0}, {0, 3, 0, 3}};
        Random random = new Random(seed);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < perClass; i++) {
            for (int c = 0; c < 3; c++) {
                double[] v = new double[4];
                for (int j = 0; j < 4; j++) {
                    v[j] = centers[c][j] + 0.5 * random.nextGaussian() - 1;
                }
                rows.add(RowFactory.create(Vectors.dense(v), (double) c));
            }
        }
        StructType schema = new StructType().add("features", new org.apache.spark.ml.linalg.VectorUDT()).add("label", DataTypes.DoubleType);
        return spark.createDataFrame(rows, schema).repartition(2);
    }

    private static NeuralNetClassifier classifier() {
        return new NeuralNetClassifier().setBatchSize(50).setEpochs(6).setSeed(3).setEngineMode("job");
    }

    private static ParamMap[] grid(NeuralNetClassifier c) {
        return new ParamGridBuilder().addGrid(c.learningRate(), new double[] {1e-7, 0.05})
                .addGrid(c.layers(), scala.jdk.javaapi.CollectionConverters.asScala(List.<String[]>of(new String[] {"dense(1)", "relu"},
                        new String[] {"dense(16)", "relu"})))
                .build();
    }

    @Test
    void trainValidationSplitPicksTheLearnableSettingsAndAssemblesTheSplitOnce() {
        NeuralNetClassifier c = classifier();
        int before = FitCache.assembled();
        TrainValidationSplitModel tuned = new TrainValidationSplit().setEstimator(c).setEstimatorParamMaps(grid(c))
                .setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy")).setTrainRatio(0.7).setSeed(5).fit(data);
        NeuralNetClassificationModel best = (NeuralNetClassificationModel) tuned.bestModel();
        assertEquals(0.05, best.getLearningRate());
        assertArrayEquals(new String[] {"dense(16)", "relu"}, best.getLayers());
        double[] metrics = tuned.validationMetrics();
        assertEquals(4, metrics.length);
        for (int i = 0; i < metrics.length; i++) {
            assertTrue(i == 3 || metrics[i] < metrics[3], "the best is the last grid point: " + java.util.Arrays.toString(metrics));
        }
        assertTrue(metrics[3] > 0.9, java.util.Arrays.toString(metrics));
        // Four fits on the (cached) training split share one assembly; the final fit on all the data makes its own.
        assertEquals(2, FitCache.assembled() - before);
    }

    /** Two fits at a time (parallelism 2) share each fold's blocks; neither unpersists what the other trains on. */
    @Test
    void crossValidatorAssemblesOncePerFoldAndRefitsTheBest() {
        NeuralNetClassifier c = classifier().setValidationFraction(0.2).setEarlyStoppingPatience(2);
        int before = FitCache.assembled();
        CrossValidatorModel cv = new CrossValidator().setEstimator(c).setEstimatorParamMaps(grid(c)).setNumFolds(2).setSeed(9).setParallelism(2)
                .setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy")).fit(data);
        NeuralNetClassificationModel best = (NeuralNetClassificationModel) cv.bestModel();
        assertEquals(0.05, best.getLearningRate());
        assertArrayEquals(new String[] {"dense(16)", "relu"}, best.getLayers());
        assertEquals(2, best.getEarlyStoppingPatience(), "the best model carries every param it was fitted with");
        assertEquals(3, FitCache.assembled() - before, "two folds of four fits each, then the refit");
    }

    @Test
    void earlyStoppingNeedsValidationRows() {
        NeuralNetClassifier c = classifier().setEarlyStoppingPatience(2);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> c.fit(data));
        assertEquals("earlyStoppingPatience = 2 needs validation rows: set validationFraction > 0", e.getMessage());
    }
}
