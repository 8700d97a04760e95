package org.descent.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ML stages on real Spark (local[2]) inside Pipelines with MLlib's VectorAssembler and
 * StandardScaler: fit, evaluate with MLlib's evaluators, save and load, determinism, both step
 * modes, and refusals that depend on the data.
 */
@org.junit.jupiter.api.Tag("spark")
class NeuralNetPipelineTest {
    private static final String[] RAW = {"a", "b", "c", "d"};
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("NeuralNetPipelineTest").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").config("spark.sql.shuffle.partitions", "2").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /**
     * Three Gaussian blobs (unit spread, centers 4 apart in two coordinates) in four raw columns
     * of very different scales, so the StandardScaler matters; rows are numbered by {@code id}.
     */
    static Dataset<Row> blobs(int perClass, long seed) {
        double[][] centers = {{0, 0, 0, 0}, {4, 0, 4, 0}, {0, 4, 0, 4}};
        double[] scale = {1, 50, 0.01, 1000};
        double[] offset = {3, -200, 0.5, 10_000};
        Random random = new Random(seed);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < perClass; i++) {
            for (int c = 0; c < centers.length; c++) {
                Object[] v = new Object[RAW.length + 2];
                v[0] = rows.size();
                for (int j = 0; j < RAW.length; j++) {
                    v[j + 1] = offset[j] + scale[j] * (centers[c][j] + random.nextGaussian());
                }
                v[RAW.length + 1] = (double) c;
                rows.add(RowFactory.create(v));
            }
        }
        StructType schema = new StructType().add("id", DataTypes.IntegerType);
        for (String name : RAW) {
            schema = schema.add(name, DataTypes.DoubleType);
        }
        return spark.createDataFrame(rows, schema.add("label", DataTypes.DoubleType));
    }

    /** y = 2a − b + ½c² + noise(0.1) for standard normal a, b, c given in raw columns of different scales. */
    static Dataset<Row> curve(int n, long seed) {
        Random random = new Random(seed);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double a = random.nextGaussian();
            double b = random.nextGaussian();
            double c = random.nextGaussian();
            double y = 2 * a - b + 0.5 * c * c + 0.1 * random.nextGaussian();
            rows.add(RowFactory.create(i, 10 + 100 * a, b / 100, c, y));
        }
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("a", DataTypes.DoubleType).add("b", DataTypes.DoubleType)
                .add("c", DataTypes.DoubleType).add("label", DataTypes.DoubleType);
        return spark.createDataFrame(rows, schema);
    }

    private static Pipeline pipeline(String[] inputs, PipelineStage model) {
        return new Pipeline().setStages(new PipelineStage[] {
            new VectorAssembler().setInputCols(inputs).setOutputCol("raw"),
            new StandardScaler().setInputCol("raw").setOutputCol("features").setWithMean(true).setWithStd(true),
            model});
    }

    private static NeuralNetClassifier classifier() {
        return new NeuralNetClassifier().setLayers("dense(16)", "relu").setLearningRate(0.02).setBatchSize(64).setEpochs(8).setSeed(7);
    }

    /** Rows ordered by id: (prediction, probability vector, rawPrediction vector) as arrays. */
    private static List<double[][]> classified(Dataset<Row> predictions) {
        List<double[][]> out = new ArrayList<>();
        for (Row r : predictions.orderBy("id").select("prediction", "probability", "rawPrediction").collectAsList()) {
            out.add(new double[][] {{r.getDouble(0)}, ((Vector) r.get(1)).toArray(), ((Vector) r.get(2)).toArray()});
        }
        return out;
    }

    @Test
    void aFittedPipelineClassifiesAndRoundTripsThroughSaveAndLoad(@TempDir Path dir) throws Exception {
        Dataset<Row> train = blobs(200, 1);
        Dataset<Row> test = blobs(100, 2);
        PipelineModel fitted = pipeline(RAW, classifier()).fit(train);
        Dataset<Row> predictions = fitted.transform(test);
        double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(predictions);
        assertTrue(accuracy >= 0.95, "accuracy " + accuracy);

        NeuralNetClassificationModel model = (NeuralNetClassificationModel) fitted.stages()[2];
        assertEquals(3, model.numClasses());
        assertEquals(4, model.numFeatures());
        assertEquals(0.02, model.getLearningRate(), "the model carries the params it was trained with");
        List<double[][]> before = classified(predictions);
        for (double[][] row : before) {
            assertEquals(1.0, row[1][0] + row[1][1] + row[1][2], 1e-9);
        }

        String path = dir.resolve("pipeline").toString();
        fitted.write().overwrite().save(path);
        PipelineModel loaded = PipelineModel.load(path);
        NeuralNetClassificationModel reloaded = assertInstanceOf(NeuralNetClassificationModel.class, loaded.stages()[2]);
        assertEquals(model.uid(), reloaded.uid());
        assertArrayEquals(model.getLayers(), reloaded.getLayers());
        assertEquals(model.getEpochs(), reloaded.getEpochs());
        List<double[][]> after = classified(loaded.transform(test));
        assertEquals(before.size(), after.size());
        for (int i = 0; i < before.size(); i++) {
            for (int part = 0; part < 3; part++) {
                assertArrayEquals(before.get(i)[part], after.get(i)[part], "row " + i);
            }
        }
        assertEquals(accuracy, new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(loaded.transform(test)));
    }

    @Test
    void transformMatchesTheSingleRowPathAndHonoursColumnParams() {
        Dataset<Row> train = blobs(60, 3);
        PipelineModel fitted = pipeline(RAW, classifier().setEpochs(2)).fit(train);
        NeuralNetClassificationModel model = (NeuralNetClassificationModel) fitted.stages()[2];
        Dataset<Row> features = new PipelineModel("features", new org.apache.spark.ml.Transformer[] {fitted.stages()[0], fitted.stages()[1]}).transform(train);
        List<Row> rows = model.transform(features).select("features", "rawPrediction", "probability", "prediction").collectAsList();
        for (Row r : rows) {
            Vector f = (Vector) r.get(0);
            // One row alone and a batch of rows round differently in float32 matrix products.
            assertArrayEquals(model.predictRaw(f).toArray(), ((Vector) r.get(1)).toArray(), 1e-5);
            assertArrayEquals(model.predictProbability(f).toArray(), ((Vector) r.get(2)).toArray(), 1e-5);
        }
        NeuralNetClassificationModel onlyPrediction = model.copy(new org.apache.spark.ml.param.ParamMap()).setRawPredictionCol("").setProbabilityCol("")
                .setPredictionCol("p");
        List<String> columns = List.of(onlyPrediction.transform(features).columns());
        assertTrue(columns.contains("p"));
        assertFalse(columns.contains("rawPrediction") || columns.contains("probability"), columns.toString());
    }

    @Test
    void theSameSeedGivesTheSamePredictionsAndAnotherSeedDoesNot() {
        Dataset<Row> train = blobs(60, 4);
        Dataset<Row> test = blobs(20, 5);
        List<double[][]> first = classified(pipeline(RAW, classifier().setEpochs(3)).fit(train).transform(test));
        List<double[][]> second = classified(pipeline(RAW, classifier().setEpochs(3)).fit(train).transform(test));
        List<double[][]> other = classified(pipeline(RAW, classifier().setEpochs(3).setSeed(8)).fit(train).transform(test));
        boolean differs = false;
        for (int i = 0; i < first.size(); i++) {
            assertArrayEquals(first.get(i)[2], second.get(i)[2], "row " + i);
            differs |= !java.util.Arrays.equals(first.get(i)[2], other.get(i)[2]);
        }
        assertTrue(differs, "another seed should give other weights");
    }

    @Test
    void aRegressorPipelineFitsACurveAndRoundTrips(@TempDir Path dir) throws Exception {
        Dataset<Row> train = curve(800, 11);
        Dataset<Row> test = curve(300, 12);
        NeuralNetRegressor regressor = new NeuralNetRegressor().setLayers("dense(32)", "relu").setLearningRate(0.02).setBatchSize(64).setEpochs(30);
        PipelineModel fitted = pipeline(new String[] {"a", "b", "c"}, regressor).fit(train);
        Dataset<Row> predictions = fitted.transform(test);
        double rmse = new RegressionEvaluator().setMetricName("rmse").evaluate(predictions);
        double std = test.agg(org.apache.spark.sql.functions.stddev_pop("label")).first().getDouble(0);
        // A linear fit cannot go below the ½c² term's spread (≈ 0.71); the network must.
        assertTrue(rmse < 0.1 * std, "rmse " + rmse + ", label std " + std);

        NeuralNetRegressionModel model = (NeuralNetRegressionModel) fitted.stages()[2];
        Dataset<Row> features = new PipelineModel("features", new org.apache.spark.ml.Transformer[] {fitted.stages()[0], fitted.stages()[1]}).transform(test);
        String path = dir.resolve("regressor").toString();
        model.write().save(path);
        NeuralNetRegressionModel loaded = NeuralNetRegressionModel.load(path);
        assertEquals(model.uid(), loaded.uid());
        assertEquals("squared_error", loaded.getLoss());
        List<Row> a = model.transform(features).orderBy("id").select("prediction").collectAsList();
        List<Row> b = loaded.transform(features).orderBy("id").select("prediction").collectAsList();
        assertEquals(a, b);
        for (Row r : model.transform(features).select("features", "prediction").collectAsList()) {
            assertEquals(model.predict((Vector) r.get(0)), r.getDouble(1), 1e-5);
        }
        java.io.IOException overwrite = assertThrows(java.io.IOException.class, () -> model.write().save(path));
        assertTrue(overwrite.getMessage().contains("already exists"), overwrite.getMessage());
    }

    @Test
    void fittedModelsExportToOnnxAndOnnxRuntimeGivesTheirPredictions(@TempDir Path dir) throws Exception {
        PipelineModel classifier = pipeline(RAW, classifier().setEpochs(2)).fit(blobs(60, 5));
        NeuralNetClassificationModel model = (NeuralNetClassificationModel) classifier.stages()[2];
        String file = dir.resolve("onnx/classifier.onnx").toString();
        model.exportOnnx(file);
        List<Row> rows = classifier.transform(blobs(20, 6)).select("features", "rawPrediction", "probability", "prediction").collectAsList();
        Object[] outputs = runOnnx(file, rows, "output", "probabilities", "label");
        float[][][] onnx = {(float[][]) outputs[0], (float[][]) outputs[1]};
        long[] labels = (long[]) outputs[2];
        for (int i = 0; i < rows.size(); i++) {
            double[] raw = ((Vector) rows.get(i).get(1)).toArray();
            double[] probability = ((Vector) rows.get(i).get(2)).toArray();
            for (int j = 0; j < raw.length; j++) {
                assertEquals(raw[j], onnx[0][i][j], 1e-5 * Math.max(1, Math.abs(raw[j])), "row " + i + " rawPrediction " + j);
                assertEquals(probability[j], onnx[1][i][j], 1e-5, "row " + i + " probability " + j);
            }
            assertEquals(rows.get(i).getDouble(3), (double) labels[i], "row " + i + " prediction");
        }

        PipelineModel regressor = pipeline(new String[] {"a", "b", "c"}, new NeuralNetRegressor().setLayers("dense(8)", "tanh").setEpochs(2)).fit(curve(200, 13));
        String regressorFile = dir.resolve("regressor.onnx").toString();
        ((NeuralNetRegressionModel) regressor.stages()[2]).exportOnnx(regressorFile);
        List<Row> predicted = regressor.transform(curve(30, 14)).select("features", "prediction").collectAsList();
        float[][] regressed = (float[][]) runOnnx(regressorFile, predicted, "output")[0];
        for (int i = 0; i < predicted.size(); i++) {
            assertEquals(predicted.get(i).getDouble(1), regressed[i][0], 1e-5 * Math.max(1, Math.abs(predicted.get(i).getDouble(1))), "row " + i);
        }
    }

    /** The named outputs of an ONNX file run by ONNX Runtime on the rows' {@code features} (column 0), as Java arrays. */
    private static Object[] runOnnx(String file, List<Row> rows, String... outputs) throws ai.onnxruntime.OrtException {
        ai.onnxruntime.OrtEnvironment env = ai.onnxruntime.OrtEnvironment.getEnvironment();
        try (ai.onnxruntime.OrtSession session = env.createSession(file, new ai.onnxruntime.OrtSession.SessionOptions());
             ai.onnxruntime.OnnxTensor input = ai.onnxruntime.OnnxTensor.createTensor(env, features(rows));
             ai.onnxruntime.OrtSession.Result result = session.run(java.util.Map.of("input", input))) {
            Object[] values = new Object[outputs.length];
            for (int k = 0; k < outputs.length; k++) {
                values[k] = result.get(outputs[k]).orElseThrow().getValue();
            }
            return values;
        }
    }

    private static float[][] features(List<Row> rows) {
        float[][] x = new float[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            double[] v = ((Vector) rows.get(i).get(0)).toArray();
            x[i] = new float[v.length];
            for (int j = 0; j < v.length; j++) {
                x[i][j] = (float) v[j];
            }
        }
        return x;
    }

    @Test
    void anUnfittedPipelineSavesAndLoadsItsParams(@TempDir Path dir) throws Exception {
        Pipeline p = pipeline(RAW, classifier().setOptimizer("nadam").setEngineMode("barrier").setBatchNormMode("sync"));
        String path = dir.resolve("unfitted").toString();
        p.write().save(path);
        NeuralNetClassifier c = assertInstanceOf(NeuralNetClassifier.class, Pipeline.load(path).getStages()[2]);
        assertEquals("nadam", c.getOptimizer());
        assertEquals("barrier", c.getEngineMode());
        assertEquals("sync", c.getBatchNormMode());
        assertArrayEquals(new String[] {"dense(16)", "relu"}, c.getLayers());
        assertEquals(7L, c.getSeed());
        assertEquals(p.getStages()[2].uid(), c.uid());
        NeuralNetRegressor r = new NeuralNetRegressor().setEpochs(2);
        r.write().save(dir.resolve("regressor").toString());
        assertEquals(2, NeuralNetRegressor.load(dir.resolve("regressor").toString()).getEpochs());
    }

    @Test
    void barrierModeWithSynchronizedBatchNormTrainsToo() {
        Dataset<Row> train = blobs(100, 6);
        NeuralNetClassifier c = classifier().setLayers("dense(16)", "batch_norm", "relu").setEngineMode("barrier").setBatchNormMode("sync")
                .setNumPartitions(2).setEpochs(5);
        Dataset<Row> predictions = pipeline(RAW, c).fit(train).transform(blobs(50, 7));
        double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(predictions);
        assertTrue(accuracy >= 0.95, "accuracy " + accuracy);
    }

    @Test
    void dataDependentMistakesAreRefusedWhenFittingStarts() {
        Dataset<Row> train = blobs(10, 8);
        assertFitRefused(train, classifier().setLayers("dense(8)", "relu", "dense(5)"), "the last layer, dense(5), has 5 units but the label column has 3 classes");
        assertFitRefused(train, classifier().setEngineMode("job").setBatchNormMode("sync"), "batchNormMode = sync needs engineMode = barrier");
        assertFitRefused(train, classifier().setInputShape(1, 2, 3), "inputShape [1, 2, 3] holds 6 values, the features vectors have 4");
        assertFitRefused(train, classifier().setLayers("conv2d(4, 3)"), "conv2d");
    }

    private static void assertFitRefused(Dataset<Row> train, NeuralNetClassifier c, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pipeline(RAW, c).fit(train));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
