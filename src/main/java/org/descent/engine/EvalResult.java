package org.descent.engine;

/** Mean loss and accuracy (fraction of correct predictions; NaN when the targets are vectors, as an autoencoder's) over {@code count} examples. */
public record EvalResult(double loss, double accuracy, long count) implements java.io.Serializable {
}
