package org.descent.loss;

import java.io.Serializable;

/**
 * A training objective on a batch of network outputs. Values are <em>sums</em> over the batch, and
 * the gradient written is that of the sum: the driver divides by the global example count once.
 *
 * <p>{@code out} is {@code n × k} row-major; {@code labels} holds {@link #labelWidth(int)} floats
 * per example (a class index for classification losses, a target vector for regression).
 */
public interface Loss extends Serializable {
    String name();

    /** Floats of label per example for an output of {@code k} values. */
    int labelWidth(int k);

    /**
     * Returns {@code Σ_i L(out_i, label_i)}; when {@code dOut} is non-null writes
     * {@code ∂(Σ L)/∂out} into it ({@code n × k}).
     *
     * @throws IllegalArgumentException for a label outside the loss's domain, naming the example
     */
    double evaluate(float[] out, float[] labels, int n, int k, float[] dOut);

    /** Whether the 0-1 accuracy measures this loss's predictions: one class label per example (not a target value). */
    default boolean scoresAccuracy() {
        return true;
    }
}
