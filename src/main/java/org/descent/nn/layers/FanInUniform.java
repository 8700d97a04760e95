package org.descent.nn.layers;

import org.descent.init.Initializer;
import org.descent.init.TensorShape;
import org.descent.tensor.Rng;

/**
 * The default initializer of dense and convolution layers, as PyTorch's: U(−1/√fanIn, 1/√fanIn)
 * for weights and biases (Kaiming-uniform with a = √5).
 */
public final class FanInUniform implements Initializer {
    private static final long serialVersionUID = 1L;
    public static final FanInUniform INSTANCE = new FanInUniform();

    private FanInUniform() {
    }

    @Override
    public void fill(float[] w, int offset, TensorShape shape, Rng rng) {
        double bound = 1.0 / Math.sqrt(shape.fanIn());
        for (int i = 0; i < shape.length(); i++) {
            w[offset + i] = (float) ((2 * rng.nextDouble() - 1) * bound);
        }
    }

    private Object readResolve() {
        return INSTANCE;
    }

    @Override
    public String toString() {
        return "fan_in_uniform";
    }
}
