package org.descent.init;

import org.descent.tensor.Rng;

/**
 * The identity matrix (times {@code gain}) for hidden-to-hidden weights: Le, Jaitly &amp; Hinton 2015's IRNN, where a
 * ReLU or tanh recurrence starts by carrying its state unchanged.
 */
final class Identity implements Initializer {
    private static final long serialVersionUID = 1L;
    private final double gain;

    Identity(double gain) {
        this.gain = gain;
    }

    @Override
    public void fill(float[] w, int offset, TensorShape shape, Rng rng) {
        int n = shape.rows();
        int cols = shape.length() / n;
        java.util.Arrays.fill(w, offset, offset + shape.length(), 0f);
        for (int i = 0; i < Math.min(n, cols); i++) {
            w[offset + i * cols + i] = (float) gain;
        }
    }

    @Override
    public String toString() {
        return "identity(" + gain + ")";
    }
}
