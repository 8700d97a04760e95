package org.descent.ml;

import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.param.StringArrayParam;

/**
 * The params every neural-network stage has, estimators and models alike (a model carries the
 * values it was trained with). Spark finds params by reflection on public no-argument methods
 * returning a {@link Param}, so the accessors below make them appear in {@code explainParams()},
 * in {@code copy} and in saved metadata; the getters return the set value or the default.
 */
public interface NeuralNetParams extends Params {
    /** The param objects of this stage (see {@link NeuralNetParamSet}). */
    NeuralNetParamSet neuralNetParams();

    /** The layers, as text (default {@code ["dense(64)", "relu"]} plus the output layer). */
    default StringArrayParam layers() {
        return neuralNetParams().layers;
    }

    /** The shape a features vector is read as (default empty: flat). */
    default IntArrayParam inputShape() {
        return neuralNetParams().inputShape;
    }

    /** The loss (default softmax_cross_entropy for classifiers, squared_error for regressors). */
    default Param<String> loss() {
        return neuralNetParams().loss;
    }

    /** The optimizer's name (default adam). */
    default Param<String> optimizer() {
        return neuralNetParams().optimizer;
    }

    /** The learning rate (default 0.001). */
    default DoubleParam learningRate() {
        return neuralNetParams().learningRate;
    }

    /** The global mini-batch (default 128). */
    default IntParam batchSize() {
        return neuralNetParams().batchSize;
    }

    /** Passes over the data (default 10). */
    default IntParam epochs() {
        return neuralNetParams().epochs;
    }

    /** The random seed (default 1). */
    default LongParam seed() {
        return neuralNetParams().seed;
    }

    /** Training partitions (default 0: the input's). */
    default IntParam numPartitions() {
        return neuralNetParams().numPartitions;
    }

    /** auto, job or barrier (default auto: barrier when the cluster can hold the stage). */
    default Param<String> engineMode() {
        return neuralNetParams().engineMode;
    }

    /** local or sync (default local). */
    default Param<String> batchNormMode() {
        return neuralNetParams().batchNormMode;
    }

    /** The momentum μ (unset: the optimizer's default). */
    default DoubleParam momentum() {
        return neuralNetParams().momentum;
    }

    /** Β₁ (unset: the optimizer's default). */
    default DoubleParam beta1() {
        return neuralNetParams().beta1;
    }

    /** Β₂ (unset: the optimizer's default). */
    default DoubleParam beta2() {
        return neuralNetParams().beta2;
    }

    /** Ε (unset: the optimizer's default). */
    default DoubleParam eps() {
        return neuralNetParams().eps;
    }

    /** Weight decay (unset: the optimizer's default). */
    default DoubleParam weightDecay() {
        return neuralNetParams().weightDecay;
    }

    /** Global-norm gradient clipping (unset: off). */
    default DoubleParam clipNorm() {
        return neuralNetParams().clipNorm;
    }

    /** The learning-rate schedule as text (default constant). */
    default Param<String> learningRateSchedule() {
        return neuralNetParams().learningRateSchedule;
    }

    /** Epochs without improvement before stopping (default 0: off). */
    default IntParam earlyStoppingPatience() {
        return neuralNetParams().earlyStoppingPatience;
    }

    /** Loss or accuracy (default loss). */
    default Param<String> earlyStoppingMetric() {
        return neuralNetParams().earlyStoppingMetric;
    }

    /** The held-out fraction of the training rows (default 0). */
    default DoubleParam validationFraction() {
        return neuralNetParams().validationFraction;
    }

    default String[] getLayers() {
        return getOrDefault(layers());
    }

    default int[] getInputShape() {
        return getOrDefault(inputShape());
    }

    default String getLoss() {
        return getOrDefault(loss());
    }

    default String getOptimizer() {
        return getOrDefault(optimizer());
    }

    default double getLearningRate() {
        return (Double) getOrDefault(learningRate());
    }

    default int getBatchSize() {
        return (Integer) getOrDefault(batchSize());
    }

    default int getEpochs() {
        return (Integer) getOrDefault(epochs());
    }

    default long getSeed() {
        return (Long) getOrDefault(seed());
    }

    default int getNumPartitions() {
        return (Integer) getOrDefault(numPartitions());
    }

    default String getEngineMode() {
        return getOrDefault(engineMode());
    }

    default String getBatchNormMode() {
        return getOrDefault(batchNormMode());
    }

    default double getMomentum() {
        return (Double) getOrDefault(momentum());
    }

    default double getBeta1() {
        return (Double) getOrDefault(beta1());
    }

    default double getBeta2() {
        return (Double) getOrDefault(beta2());
    }

    default double getEps() {
        return (Double) getOrDefault(eps());
    }

    default double getWeightDecay() {
        return (Double) getOrDefault(weightDecay());
    }

    default double getClipNorm() {
        return (Double) getOrDefault(clipNorm());
    }

    default String getLearningRateSchedule() {
        return getOrDefault(learningRateSchedule());
    }

    default int getEarlyStoppingPatience() {
        return (Integer) getOrDefault(earlyStoppingPatience());
    }

    default String getEarlyStoppingMetric() {
        return getOrDefault(earlyStoppingMetric());
    }

    default double getValidationFraction() {
        return (Double) getOrDefault(validationFraction());
    }
}
