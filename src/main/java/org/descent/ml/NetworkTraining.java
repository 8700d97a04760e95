package org.descent.ml;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.descent.data.DataFormatException;
import org.descent.data.LabelRule;
import org.descent.engine.BatchPlan;
import org.descent.engine.EarlyStopping;
import org.descent.engine.EngineOptions;
import org.descent.engine.LocalTrainer;
import org.descent.engine.TrainingResult;
import org.descent.engine.spark.Block;
import org.descent.engine.spark.ParquetRows;
import org.descent.engine.spark.RowBlocks;
import org.descent.engine.spark.SparkTrainer;
import org.descent.loss.Losses;
import org.descent.models.LayerSpecs;
import org.descent.nn.Layer;
import org.descent.nn.Sequential;
import org.descent.nn.layers.Dense;
import org.descent.optim.GradientTransform;
import org.descent.optim.Optimizers;
import org.descent.schedule.Schedule;
import org.descent.tensor.Shape;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An estimator's {@code fit}: the DataFrame becomes one cached float32 block per partition
 * (in input order, contiguous partitions: {@link RowBlocks}) and the engine of {@code descent train} ({@link SparkTrainer})
 * trains the network the stage's params describe, on the Spark context of the DataFrame's session.
 * The blocks are released afterwards, unless the DataFrame is cached: then they are kept for the next fit on the same
 * data ({@link FitCache}), as a param grid's fits on one training split are.
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
        if (model.outputShape().rank() != 1) {
            throw new IllegalArgumentException("the network's output is a sequence " + model.outputShape() + " (a dense layer on a [T, F] inputShape applies to "
                    + "each step): add flatten before the output layer, or use rnn(H, last)");
        }
        Schedule schedule = ScheduleText.parse(p.getLearningRateSchedule(), p.getLearningRate());
        GradientTransform optimizer = optimizer(p, schedule);
        if (p.getEarlyStoppingPatience() > 0 && p.getValidationFraction() == 0) {
            throw new IllegalArgumentException("earlyStoppingPatience = " + p.getEarlyStoppingPatience() + " needs validation rows: set validationFraction > 0");
        }
        if (schedule instanceof org.descent.schedule.ReduceOnPlateau && p.getValidationFraction() == 0) {
            throw new IllegalArgumentException("learningRateSchedule = " + p.getLearningRateSchedule() + " follows the validation loss: set validationFraction > 0");
        }
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
        int partitions = p.getNumPartitions() > 0 ? p.getNumPartitions() : dataset.javaRDD().getNumPartitions();
        LabelRule rule = LabelRule.forLoss(p.getLoss(), outputs);
        double fraction = p.getValidationFraction();
        FitCache.Key key = new FitCache.Key(dataset.queryExecution().analyzed(), featuresCol, labelCol, partitions, p.getLoss() + "/" + outputs, fraction);
        FitCache.Entry data = FitCache.acquire(key, FitCache.isCached(dataset), () -> assemble(sc, dataset, featuresCol, labelCol, numFeatures, partitions, rule, fraction));
        JavaRDD<Block> blocks = data.blocks().train();
        JavaRDD<Block> validation = data.blocks().validation();
        // As engine.reduction = auto: exact sums where synchronized batch norm promises equality with one process.
        EngineOptions.Reduction reduction = EngineOptions.resolveReduction(EngineOptions.Reduction.AUTO, syncBatchNorm,
                EngineOptions.firstDropout(model.layers()));
        BatchPlan.Shuffle shuffle = BatchPlan.Shuffle.auto(reduction == EngineOptions.Reduction.EXACT, p.getBatchSize(), partitions);   // as training.shuffle = auto
        SparkTrainer trainer = new SparkTrainer(sc, model, Losses.byName(p.getLoss()), optimizer,
                new LocalTrainer.Settings(p.getBatchSize(), p.getEpochs(), p.getSeed(), false).withShuffle(shuffle));
        trainer.engine(EngineOptions.defaults().withMode(mode).withSyncBatchNorm(syncBatchNorm).withReduction(reduction));
        if (schedule instanceof org.descent.schedule.ReduceOnPlateau plateau) {
            trainer.plateau(plateau);
        }
        if (p.getEarlyStoppingPatience() > 0) {
            trainer.earlyStopping(new EarlyStopping(EarlyStopping.Metric.valueOf(p.getEarlyStoppingMetric().toUpperCase(Locale.ROOT)),
                    p.getEarlyStoppingPatience(), 0));
        }
        String description = sc.getLocalProperty(JOB_DESCRIPTION);
        String run = org.descent.engine.spark.JobLabels.within(sc, "fit " + p.uid());
        try {
            TrainingResult result = trainer.fit(blocks, validation, m -> LOG.info(String.format(Locale.ROOT, "epoch %d: train loss %.5f%s (%.1f s)",
                    m.epoch() + 1, m.trainLoss(), m.validation() == null ? "" : String.format(Locale.ROOT, ", validation loss %.5f, accuracy %.4f",
                            m.validation().loss(), m.validation().accuracy()), m.seconds())));
            return new TrainedNetwork(model, result.params(), result.buffers(), p.getLoss());
        } finally {
            FitCache.release(data);
            sc.setLocalProperty(JOB_DESCRIPTION, description);
            org.descent.engine.spark.JobLabels.restore(sc, run);
        }
    }

    /**
     * The DataFrame as blocks: rows keep their input order and are cut into contiguous partitions (deterministic,
     * unlike a round-robin repartition); a null, NaN or out-of-range value is an error naming its split and row. The
     * last {@code fraction} of the rows are the validation blocks.
     */
    private static FitCache.Entry assemble(JavaSparkContext sc, Dataset<?> dataset, String featuresCol, String labelCol, int numFeatures, int partitions,
                                           LabelRule rule, double fraction) {
        // Persisted while it is numbered and cut: an input computed through a shuffle may order its rows differently on
        // every evaluation, and the counting pass and the numbering pass must see the same rows.
        Dataset<Row> frame = dataset.select(col(featuresCol), col(labelCol)).persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK_SER());
        try {
            RowBlocks.Loaded loaded = RowBlocks.assemble(sc, ParquetRows.parse(frame, featuresCol, labelCol, numFeatures, rule, "the training data"),
                    numFeatures, partitions, rows -> (long) Math.floor(fraction * rows), false, "the training data");
            return new FitCache.Entry(null, loaded, frame);
        } catch (DataFormatException e) {
            frame.unpersist(false);
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The optimizer the params name, with the hyperparameters that are set (the others take the optimizer's defaults) and the schedule. */
    static GradientTransform optimizer(NeuralNetParams p) {
        return optimizer(p, ScheduleText.parse(p.getLearningRateSchedule(), p.getLearningRate()));
    }

    private static GradientTransform optimizer(NeuralNetParams p, Schedule schedule) {
        Map<String, Double> hyper = new LinkedHashMap<>();
        hyper.put("learningRate", p.getLearningRate());
        for (DoubleParam h : List.of(p.momentum(), p.beta1(), p.beta2(), p.eps(), p.weightDecay(), p.clipNorm())) {
            if (p.isDefined(h)) {
                hyper.put(h.name(), (Double) p.getOrDefault(h));
            }
        }
        return Optimizers.create(p.getOptimizer(), hyper, schedule, null);
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
