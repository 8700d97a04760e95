package org.descent.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.descent.engine.spark.SparkSetup;
import org.descent.ml.NeuralNetClassificationModel;
import org.descent.ml.NeuralNetClassifier;

/**
 * A neural-network classifier in a Spark ML Pipeline: VectorAssembler → StandardScaler →
 * {@link NeuralNetClassifier} on a small DataFrame of three Gaussian blobs in four raw columns,
 * fitted, scored with MulticlassClassificationEvaluator, saved, loaded and scored again.
 *
 * <p>Run it from the project's jars, e.g.
 * {@code java $(cat target/jvm-flags.txt) -cp target/classes:$(cat target/classpath.txt) org.descent.examples.NeuralNetPipelineExample [master] [directory]};
 * the master defaults to {@code local[2]}, the directory (where the fitted Pipeline is saved) to a
 * new temporary one.
 */
public final class NeuralNetPipelineExample {
    private NeuralNetPipelineExample() {
    }

    public static void main(String[] args) throws Exception {
        String master = args.length > 0 ? args[0] : "local[2]";
        Path out = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("descent-pipeline-");
        SparkSession spark = SparkSession.builder().config(SparkSetup.conf("NeuralNetPipelineExample", master))
                .config("spark.sql.shuffle.partitions", "4").getOrCreate();
        try {
            spark.sparkContext().setLogLevel("WARN");
            Dataset<Row> train = blobs(spark, 300, 1);
            Dataset<Row> test = blobs(spark, 100, 2);

            String[] raw = {"a", "b", "c", "d"};
            NeuralNetClassifier classifier = new NeuralNetClassifier()
                    .setLayers("dense(32)", "relu")      // dense(3), one output per class, is appended
                    .setOptimizer("adam").setLearningRate(0.01).setBatchSize(64).setEpochs(10).setSeed(42);
            Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
                new VectorAssembler().setInputCols(raw).setOutputCol("raw"),
                new StandardScaler().setInputCol("raw").setOutputCol("features").setWithMean(true).setWithStd(true),
                classifier});
            System.out.println(classifier.explainParams());

            PipelineModel fitted = pipeline.fit(train);
            NeuralNetClassificationModel model = (NeuralNetClassificationModel) fitted.stages()[2];
            System.out.println(model);
            System.out.println(model.networkSummary());
            MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy");
            double before = accuracy.evaluate(fitted.transform(test));
            System.out.printf(Locale.ROOT, "test accuracy: %.4f%n", before);

            String path = out.resolve("pipeline").toAbsolutePath().toUri().toString();
            fitted.write().overwrite().save(path);
            PipelineModel loaded = PipelineModel.load(path);
            double after = accuracy.evaluate(loaded.transform(test));
            long differing = fitted.transform(test).select("id", "prediction")
                    .join(loaded.transform(test).select("id", "prediction").withColumnRenamed("prediction", "reloaded"), "id")
                    .filter("prediction != reloaded").count();
            System.out.printf(Locale.ROOT, "saved to %s; reloaded test accuracy: %.4f; predictions that differ: %d%n", path, after, differing);
        } finally {
            spark.stop();
        }
    }

    /** Three Gaussian blobs (centers 4 apart in two coordinates) in four columns of very different scales, with an id and a label. */
    static Dataset<Row> blobs(SparkSession spark, int perClass, long seed) {
        double[][] centers = {{0, 0, 0, 0}, {4, 0, 4, 0}, {0, 4, 0, 4}};
        double[] scale = {1, 50, 0.01, 1000};
        Random random = new Random(seed);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < perClass; i++) {
            for (int c = 0; c < centers.length; c++) {
                rows.add(RowFactory.create(rows.size(), scale[0] * (centers[c][0] + random.nextGaussian()), scale[1] * (centers[c][1] + random.nextGaussian()),
                        scale[2] * (centers[c][2] + random.nextGaussian()), scale[3] * (centers[c][3] + random.nextGaussian()), (double) c));
            }
        }
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("a", DataTypes.DoubleType).add("b", DataTypes.DoubleType)
                .add("c", DataTypes.DoubleType).add("d", DataTypes.DoubleType).add("label", DataTypes.DoubleType);
        return spark.createDataFrame(rows, schema);
    }
}
