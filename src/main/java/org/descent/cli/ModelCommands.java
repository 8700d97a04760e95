package org.descent.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.descent.engine.EvalResult;
import org.descent.engine.SavedModel;
import org.descent.engine.spark.Block;
import org.descent.engine.spark.IdxBlocks;
import org.descent.engine.spark.JobLabels;
import org.descent.engine.spark.SparkEvaluator;
import org.descent.engine.spark.SparkSetup;
import org.descent.engine.spark.TrainingData;
import org.descent.app.TrainingJob;
import org.descent.data.LabelRule;
import org.descent.loss.Losses;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code evaluate} and {@code predict}: a trained model ({@code model.bin} or its run directory) applied to IDX data on Spark. */
final class ModelCommands {
    private ModelCommands() {
    }

    /** What both commands take: the model, the data and where Spark runs. */
    abstract static class ModelAndData {
        @Parameters(index = "0", paramLabel = "MODEL", description = "A run directory of 'train' or its model.bin.")
        Path model;
        @Parameters(index = "1", paramLabel = "DATA", description = "IDX: a directory with the four IDX files of an MNIST-family dataset; "
                + "csv, libsvm, parquet: a file, directory or glob (any Hadoop FS path).")
        String data;
        @Option(names = "--format", defaultValue = "idx", description = "idx, csv, libsvm, parquet or image (class folders) (default ${DEFAULT-VALUE}).")
        String format;
        @Option(names = "--split", defaultValue = "t10k", description = "idx: which files, t10k (test) or train (default ${DEFAULT-VALUE}).")
        String split;
        @Option(names = "--label", defaultValue = "label", description = "csv: the label column (header name or 0-based index); parquet: the label column "
                + "(default ${DEFAULT-VALUE}).")
        String label;
        @Option(names = "--features", defaultValue = "features", description = "parquet: the features column (default ${DEFAULT-VALUE}).")
        String features;
        @Option(names = "--no-header", description = "csv: the files have no header line.")
        boolean noHeader;
        @Option(names = "--delimiter", defaultValue = ",", description = "csv: the field separator (default '${DEFAULT-VALUE}').")
        char delimiter;
        @Option(names = "--skip-bad-rows", description = "Skip and count rows that do not parse instead of failing on the first.")
        boolean skipBadRows;
        @Option(names = "--master", description = "Spark master URL (default local[*]).")
        String master;
        @Option(names = "--partitions", defaultValue = "0", description = "Partitions; 0: one per task slot (default ${DEFAULT-VALUE}).")
        int partitions;

        SavedModel saved;

        JavaRDD<Block> blocks(JavaSparkContext sc) throws java.io.IOException {
            if (!org.descent.data.DataSpec.FORMATS.contains(format) || format.equals("synthetic")) {
                throw new UsageException("--format must be idx, csv, libsvm, parquet or image, got '" + format + "'");
            }
            if (saved.model().outputShape().rank() == 2 && !reconstructs()) {
                throw new UsageException("the model's output is a sequence " + saved.model().outputShape() + " with one label per step (a long-range "
                        + "problem's model); evaluate and predict take one label per example: its test loss is in the run's summary.json");
            }
            if (format.equals("idx") && !split.equals("t10k") && !split.equals("train")) {
                throw new UsageException("--split must be t10k or train, got '" + split + "'");
            }
            org.descent.data.DataSpec spec = new org.descent.data.DataSpec(format, data, data, data, !noHeader, label, delimiter,
                    format.equals("libsvm") ? saved.model().inputShape().size() : 0, features, label, skipBadRows, null);
            TrainingData source = TrainingData.open(sc, spec);
            if (format.equals("image") && saved.classes() != null) {
                source = source.withClasses(saved.classes());   // the labels are the model's class indices, whatever folders the data has
            }
            if (source.shape().size() != saved.model().inputShape().size()) {
                throw new IllegalArgumentException(data + ": examples have " + source.shape().size() + " features, the model takes "
                        + saved.model().inputShape() + " = " + saved.model().inputShape().size());
            }
            LabelRule rule = reconstructs() ? LabelRule.forLoss("squared_error", 1) : LabelRule.forLoss(saved.loss(), saved.model().outputShape().size());
            JavaRDD<Block> blocks = source.readOne(format.equals("idx") ? split : data, partitions > 0 ? partitions : sc.defaultParallelism(), rule);
            JavaRDD<Block> normalized = saved.standardizer() == null ? blocks : IdxBlocks.standardize(blocks, saved.standardizer());
            return reconstructs() ? IdxBlocks.inputsAsTargets(normalized, saved.loss().equals("binary_cross_entropy")) : normalized;
        }

        /** Whether the model was trained with data.target = input (its loss takes a target vector, which train allows only then). */
        boolean reconstructs() {
            return org.descent.loss.Losses.byName(saved.loss()).labelWidth(saved.model().outputShape().size()) != 1;
        }

        /** What the examples are called in messages: the IDX split, else the path. */
        String what() {
            return format.equals("idx") ? split : data;
        }
    }

    @Command(name = "evaluate", mixinStandardHelpOptions = true, description = "Loss and accuracy of a trained model on IDX, CSV, LIBSVM or Parquet data, computed on Spark.")
    static final class Evaluate extends ModelAndData implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            saved = SavedModel.load(model);
            try (JavaSparkContext sc = new JavaSparkContext(SparkSetup.conf("descent evaluate", master))) {
                sc.setLogLevel("WARN");
                JobLabels.begin(sc, "evaluate " + model.getFileName());
                EvalResult r = new SparkEvaluator(sc, saved.model(), Losses.forOutput(saved.loss(), saved.model().outputShape())).evaluate(blocks(sc), saved.params(), saved.buffers());
                System.out.printf(Locale.ROOT, "%s: loss %.4f, accuracy %.4f over %d examples (%s)%n", what(), r.loss(), r.accuracy(), r.count(), saved.loss());
            }
            return 0;
        }
    }

    @Command(name = "predict", mixinStandardHelpOptions = true,
            description = "Predictions of a trained model for every example: index, label, predicted class (and class probabilities in Parquet).")
    static final class Predict extends ModelAndData implements Callable<Integer> {
        @Option(names = "--out", required = true, description = "Output directory (must not exist; written under a temporary name, then renamed).")
        String out;
        @Option(names = "--output-format", defaultValue = "parquet", description = "parquet or csv (default ${DEFAULT-VALUE}).")
        String outputFormat;

        @Override
        public Integer call() throws Exception {
            if (!List.of("parquet", "csv").contains(outputFormat)) {
                throw new UsageException("--output-format must be parquet or csv, got '" + outputFormat + "'");
            }
            saved = SavedModel.load(model);
            if (reconstructs()) {
                throw new UsageException(model + " is an autoencoder (trained with data.target = input): predict writes class predictions; "
                        + "use evaluate for its reconstruction error");
            }
            try (JavaSparkContext sc = new JavaSparkContext(SparkSetup.conf("descent predict", master))) {
                sc.setLogLevel("WARN");
                JobLabels.begin(sc, "predict " + model.getFileName());
                String target = org.descent.io.DriverPaths.qualify(out);
                org.apache.hadoop.fs.Path dest = new org.apache.hadoop.fs.Path(target);
                FileSystem fs = dest.getFileSystem(sc.hadoopConfiguration());
                if (fs.exists(dest)) {
                    throw new IllegalArgumentException(target + " exists: predict does not overwrite");
                }
                boolean parquet = outputFormat.equals("parquet");
                JavaRDD<Row> rows = new SparkEvaluator(sc, saved.model(), Losses.forOutput(saved.loss(), saved.model().outputShape())).predict(blocks(sc), saved.params(), saved.buffers())
                        .map(p -> parquet ? RowFactory.create(p.index(), (double) p.label(), p.predicted(), toList(p.probabilities()))
                                : RowFactory.create(p.index(), (double) p.label(), p.predicted()));
                StructType schema = new StructType().add("index", DataTypes.LongType).add("label", DataTypes.DoubleType)
                        .add("prediction", DataTypes.IntegerType);
                if (parquet) {
                    schema = schema.add("probability", DataTypes.createArrayType(DataTypes.FloatType));
                }
                Dataset<Row> frame = SparkSession.builder().sparkContext(sc.sc()).getOrCreate().createDataFrame(rows.cache(), schema);
                org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(dest.getParent(), "." + dest.getName() + ".tmp-" + java.util.UUID.randomUUID());
                if (parquet) {
                    frame.write().parquet(tmp.toString());
                } else {
                    frame.write().option("header", "true").csv(tmp.toString());
                }
                if (!fs.rename(tmp, dest)) {
                    throw new java.io.IOException("could not rename " + tmp + " to " + dest);
                }
                System.out.printf(Locale.ROOT, "predictions for %d examples: %s (%s)%n", frame.count(), target, outputFormat);
            }
            return 0;
        }

        private static scala.collection.immutable.Seq<Float> toList(float[] values) {
            java.util.ArrayList<Float> out = new java.util.ArrayList<>(values.length);
            for (float v : values) {
                out.add(v);
            }
            return scala.jdk.javaapi.CollectionConverters.asScala(out).toList();
        }
    }
}
