package org.descent.engine;

/** Metrics of one epoch: steps so far, mean training loss, validation (null without validation data), wall time. */
public record EpochMetrics(int epoch, long steps, double trainLoss, EvalResult validation, double seconds) implements java.io.Serializable {
}
