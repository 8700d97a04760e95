package org.descent.nn;

import java.io.Serializable;
import java.util.List;
import org.descent.tensor.Shape;

/**
 * A layer's configuration: immutable and serializable (it travels to executors inside the model).
 * It validates its input shape, declares its parameters, buffers and statistics, and creates
 * {@link Kernel}s that do the compute.
 */
public interface Layer extends Serializable {
    /** Short lower-case type name used in parameter names and messages, e.g. {@code "conv2d"}. */
    String type();

    /**
     * The output shape for an input shape.
     *
     * @throws IllegalArgumentException naming the expected and the actual shape
     */
    Shape outputShape(Shape in);

    /** Trained parameter tensors, in their fixed order. */
    default List<ParamSpec> params(Shape in) {
        return List.of();
    }

    /** Number of non-trained floats (e.g. batch-norm running mean and variance). */
    default int bufferSize(Shape in) {
        return 0;
    }

    /** Writes the initial buffers (running variance starts at 1). */
    default void initBuffers(Shape in, float[] buffers, int offset) {
    }

    /** Number of doubles of per-step batch statistics; a multiple of 3: (count, mean, M2) per channel. */
    default int statsSize(Shape in) {
        return 0;
    }

    /**
     * Folds merged batch statistics (global count, mean and M2 per channel) into the buffers; the
     * driver calls it once per training step.
     */
    default void updateBuffers(Shape in, float[] buffers, int bufferOffset, double[] stats, int statsOffset) {
    }

    /**
     * Replaces the running statistics by population statistics (inference estimates computed over
     * the whole training set); {@code mean} and {@code variance} are indexed by the model-wide channel
     * index, this layer's channels starting at {@code channelOffset}.
     */
    default void assignPopulationStatistics(Shape in, float[] buffers, int bufferOffset, double[] mean, double[] variance, int channelOffset) {
    }

    /** The multiply-adds of this layer's matrix products per example (for FLOP counts; none by default). */
    default MultiplyAdds multiplyAdds(Shape in) {
        return MultiplyAdds.NONE;
    }

    /** A new kernel for this layer at {@code slot}. */
    Kernel kernel(Shape in, LayerSlot slot);

    /**
     * A kernel that computes this layer and {@code next}, the one or more layers right after it, in one, when they can
     * be fused with the same bits (a ReLU and max pooling: pooling first and rectifying the pooled values takes one pass
     * over a quarter of the memory; batch norm, ReLU and 2×2 max pooling: the normalized values never go through
     * memory); null when they cannot (the default). This layer and all of {@code next} but the last then get
     * {@link Kernel#passesThrough pass-through} kernels, and the fused kernel takes the place of the last, reading this
     * layer's input. {@code in} and {@code slot} are this layer's.
     */
    default Kernel kernelThrough(java.util.List<Layer> next, Shape in, LayerSlot slot) {
        return null;
    }
}
