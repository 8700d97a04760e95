package org.descent.nn.layers;

import org.descent.nn.Kernel;
import org.descent.nn.Layer;
import org.descent.nn.LayerSlot;
import org.descent.tensor.Shape;

/** Reshapes {@code [C, H, W]} (or any shape) to {@code [C·H·W]}; row-major data is unchanged, so its kernel
 * {@link Kernel#passesThrough passes through}: no copy either way. */
public final class Flatten implements Layer {
    private static final long serialVersionUID = 1L;

    @Override
    public String type() {
        return "flatten";
    }

    @Override
    public Shape outputShape(Shape in) {
        return Shape.of(in.size());
    }

    /** A pass-through: the next layer reads this layer's input as it is, and ∂L/∂y is ∂L/∂x. */
    @Override
    public Kernel kernel(Shape in, LayerSlot slot) {
        return Kernel.passThrough(in.size());
    }

    @Override
    public String toString() {
        return type();
    }
}
