package org.descent.ml;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.descent.engine.BatchPlan;
import org.descent.engine.EngineOptions;
import org.descent.engine.LocalTrainer;
import org.descent.engine.TrainingResult;
import org.descent.engine.spark.Block;
import org.descent.data.DataFormatException;
import org.descent.data.LabelRule;
import org.descent.engine.spark.ParquetRows;
import org.descent.engine.spark.RowBlocks;
import org.descent.engine.spark.SparkTrainer;
import org.descent.loss.Losses;
import org.descent.nn.Layer;
import org.descent.models.LayerSpecs;
import org.descent.nn.Sequential;
import org.descent.nn.layers.Dense;
import org.descent.optim.GradientTransform;
import org.descent.optim.Optimizers;
import org.descent.tensor.Shape;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An estimator's {@code fit}: the DataFrame becomes one cached float32 block per partition
 * (in input order, contiguous partitions: {@link RowBlocks}) and the engine of {@code descent train} ({@link SparkTrainer})
 * trains the network the stage's params describe, on the Spark context of the DataFrame's session.
 * The blocks are released afterwards.
 */
final class NetworkTraining {
    private static final Logger LOG = LoggerFactory.getLogger(NetworkTraining.class);
    private static final String JOB_DESCRIPTION = "spark.job.description";

    private NetworkTraining() {
    }

    /**
     * @param outputs the size of the network's output: the number of classes, or 1
     */
    static TrainedNetwork fit(Dataset<?> dataset, NeuralNetParams p, String featuresCol, String labelCol, int outputs, Task task) {
        boolean syncBatchNorm = p.getBatchNormMode().equals("sync");
        EngineOptions.Mode mode = EngineOptions.parse(EngineOptions.Mode.class, p.getEngineMode());
        if (syncBatchNorm && mode == EngineOptions.Mode.JOB) {
            throw new IllegalArgumentException("batchNormMode = sync needs engineMode = barrier (or auto)");
        }
        List<Row> first = dataset.select(featuresCol).takeAsList(1);
        if (first.isEmpty()) {
            throw new IllegalArgumentException("the training data has no rows");
        }
        if (first.get(0).get(0) == null) {
            throw new IllegalArgumentException("the features column '" + featuresCol + "' holds null");
        }
        int numFeatures = ((Vector) first.get(0).get(0)).size();
        Sequential model = new Sequential(inputShape(p.getInputShape(), numFeatures), LayerSpecs.parseAll(layers(p.getLayers(), outputs, task)));
        GradientTransform optimizer = Optimizers.create(p.getOptimizer(), Map.of("learningRate", p.getLearningRate()));
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
        // Persisted while it is numbered and cut: an input computed through a shuffle may order its rows differently on
        // every evaluation, and the counting pass and the numbering pass must see the same rows.
        Dataset<Row> frame = dataset.select(col(featuresCol), col(labelCol)).persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK_SER());
        // Rows keep their input order and are cut into contiguous partitions (deterministic, unlike a round-robin
        // repartition); a null, NaN or out-of-range value is an error naming its split and row.
        int partitions = p.getNumPartitions() > 0 ? p.getNumPartitions() : frame.javaRDD().getNumPartitions();
        JavaRDD<Block> blocks;
        try {
            blocks = RowBlocks.assemble(sc, ParquetRows.parse(frame, featuresCol, labelCol, numFeatures,
                    LabelRule.forLoss(p.getLoss(), outputs), "the training data"), numFeatures, partitions, 0, false, "the training data").train();
        } catch (DataFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        BatchPlan.Shuffle shuffle = BatchPlan.Shuffle.auto(syncBatchNorm, p.getBatchSize(), partitions);   // as training.shuffle = auto
        SparkTrainer trainer = new SparkTrainer(sc, model, Losses.byName(p.getLoss()), optimizer,
                new LocalTrainer.Settings(p.getBatchSize(), p.getEpochs(), p.getSeed(), false).withShuffle(shuffle));
        // As engine.reduction = auto: exact sums where synchronized batch norm promises equality with one process.
        EngineOptions.Reduction reduction = EngineOptions.resolveReduction(EngineOptions.Reduction.AUTO, syncBatchNorm,
                EngineOptions.firstDropout(model.layers()));
        trainer.engine(EngineOptions.defaults().withMode(mode).withSyncBatchNorm(syncBatchNorm).withReduction(reduction));
        String description = sc.getLocalProperty(JOB_DESCRIPTION);
        String run = org.descent.engine.spark.JobLabels.within(sc, "fit " + p.uid());
        try {
            TrainingResult result = trainer.fit(blocks, null, m -> LOG.info(String.format(Locale.ROOT, "epoch %d: train loss %.5f (%.1f s)",
                    m.epoch() + 1, m.trainLoss(), m.seconds())));
            return new TrainedNetwork(model, result.params(), result.buffers(), p.getLoss());
        } finally {
            blocks.unpersist(false);
            frame.unpersist(false);
            sc.setLocalProperty(JOB_DESCRIPTION, description);
            org.descent.engine.spark.JobLabels.restore(sc, run);
        }
    }

    /** {@code dims} (empty: a flat vector), checked against the features' size. */
    static Shape inputShape(int[] dims, int numFeatures) {
        if (dims.length == 0) {
            return Shape.of(numFeatures);
        }
        long size = 1;
        for (int d : dims) {
            size *= d;
        }
        if (size != numFeatures) {
            throw new IllegalArgumentException("inputShape " + java.util.Arrays.toString(dims) + " holds " + size + " values, the features vectors have "
                    + numFeatures);
        }
        return Shape.of(dims);
    }

    /**
     * The layers with the output layer: {@code dense(outputs)} appended when the last layer is not
     * a dense layer; a last dense layer must have {@code outputs} units.
     */
    static List<String> layers(String[] specs, int outputs, Task task) {
        List<String> all = new ArrayList<>(List.of(specs));
        Layer last = all.isEmpty() ? null : LayerSpecs.parse(all.get(all.size() - 1));
        if (last instanceof Dense dense) {
            if (dense.units() != outputs) {
                String needed = task == Task.CLASSIFICATION ? "the label column has " + outputs + " classes" : "a regressor has 1 output";
                throw new IllegalArgumentException("the last layer, " + all.get(all.size() - 1) + ", has " + dense.units() + " units but " + needed
                        + ": make it dense(" + outputs + "), or end with a non-dense layer to have dense(" + outputs + ") appended");
            }
        } else {
            all.add("dense(" + outputs + ")");
        }
        return all;
    }
}
