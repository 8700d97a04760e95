package org.descent.nn.layers;

import org.descent.nn.Kernel;
import org.descent.nn.Layer;
import org.descent.nn.LayerSlot;
import org.descent.nn.StepContext;
import org.descent.tensor.Shape;

/** Reshapes {@code [C, H, W]} (or any shape) to {@code [C·H·W]}; row-major data is unchanged, so forward and backward are copies. */
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

    @Override
    public Kernel kernel(Shape in, LayerSlot slot) {
        int size = in.size();
        return new Kernel() {
            @Override
            public void forward(StepContext ctx, int n, float[] x, float[] y) {
                System.arraycopy(x, 0, y, 0, n * size);
            }

            @Override
            public void backward(StepContext ctx, int n, float[] x, float[] y, float[] dy, float[] dx) {
                if (dx != null) {
                    System.arraycopy(dy, 0, dx, 0, n * size);
                }
            }
        };
    }

    @Override
    public String toString() {
        return type();
    }
}
