package org.descent.nn;

/**
 * Told by backward how far the gradient is final, so that a caller can send the last layers'
 * gradients while the first layers are still in backward (the buckets of PyTorch's
 * DistributedDataParallel). Parameters are laid out in layer order and backward runs from the last
 * layer to the first, so the final part of the gradient only grows from the end: after layer
 * {@code i}'s backward every entry from its {@link LayerSlot#paramOffset} on is final, and no later
 * call of the same pass writes it again. The pass ends with {@code ready(ctx, 0)}.
 */
@FunctionalInterface
public interface GradientProgress {
    /**
     * Every entry of {@code ctx.grads} (or, in exact mode, {@code ctx.exactGrads}) at index
     * {@code offset} or above is final for this pass; offsets never increase within a pass.
     */
    void ready(StepContext ctx, int offset);
}
