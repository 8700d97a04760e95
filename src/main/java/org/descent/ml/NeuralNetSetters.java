package org.descent.ml;

/**
 * The fluent setters of the estimators' {@link NeuralNetParams}, written once for both: each sets
 * its param and returns the estimator as its own type {@code T}, so calls chain with Spark's own
 * setters ({@code setFeaturesCol}, …). Models carry the values they were trained with and have no
 * such setters.
 *
 * @param <T> the estimator implementing this interface
 */
@SuppressWarnings("unchecked")
public interface NeuralNetSetters<T extends NeuralNetSetters<T>> extends NeuralNetParams {
    default T setLayers(String... value) {
        set(layers(), value);
        return (T) this;
    }

    default T setInputShape(int... value) {
        set(inputShape(), value);
        return (T) this;
    }

    default T setLoss(String value) {
        set(loss(), value);
        return (T) this;
    }

    default T setOptimizer(String value) {
        set(optimizer(), value);
        return (T) this;
    }

    default T setLearningRate(double value) {
        set(learningRate(), value);
        return (T) this;
    }

    default T setBatchSize(int value) {
        set(batchSize(), value);
        return (T) this;
    }

    default T setEpochs(int value) {
        set(epochs(), value);
        return (T) this;
    }

    default T setSeed(long value) {
        set(seed(), value);
        return (T) this;
    }

    default T setNumPartitions(int value) {
        set(numPartitions(), value);
        return (T) this;
    }

    default T setEngineMode(String value) {
        set(engineMode(), value);
        return (T) this;
    }

    default T setBatchNormMode(String value) {
        set(batchNormMode(), value);
        return (T) this;
    }

    default T setMomentum(double value) {
        set(momentum(), value);
        return (T) this;
    }

    default T setBeta1(double value) {
        set(beta1(), value);
        return (T) this;
    }

    default T setBeta2(double value) {
        set(beta2(), value);
        return (T) this;
    }

    default T setEps(double value) {
        set(eps(), value);
        return (T) this;
    }

    default T setWeightDecay(double value) {
        set(weightDecay(), value);
        return (T) this;
    }

    default T setClipNorm(double value) {
        set(clipNorm(), value);
        return (T) this;
    }

    default T setLearningRateSchedule(String value) {
        set(learningRateSchedule(), value);
        return (T) this;
    }

    default T setEarlyStoppingPatience(int value) {
        set(earlyStoppingPatience(), value);
        return (T) this;
    }

    default T setEarlyStoppingMetric(String value) {
        set(earlyStoppingMetric(), value);
        return (T) this;
    }

    default T setValidationFraction(double value) {
        set(validationFraction(), value);
        return (T) this;
    }
}
