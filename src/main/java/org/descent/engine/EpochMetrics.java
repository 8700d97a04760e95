package org.descent.engine;

/**
 * Metrics of one epoch: steps so far, mean training loss, the validation evaluation (null without
 * validation data), the test evaluation when the test data is evaluated every epoch beside a
 * validation set (null otherwise), wall time.
 */
public record EpochMetrics(int epoch, long steps, double trainLoss, EvalResult validation, EvalResult test, double seconds)
        implements java.io.Serializable {
    public EpochMetrics(int epoch, long steps, double trainLoss, EvalResult validation, double seconds) {
        this(epoch, steps, trainLoss, validation, null, seconds);
    }
}
