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
}
