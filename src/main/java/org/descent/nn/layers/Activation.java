package org.descent.nn.layers;

import org.descent.nn.Kernel;
import org.descent.nn.Layer;
import org.descent.nn.LayerSlot;
import org.descent.nn.StepContext;
import org.descent.tensor.Shape;

/**
 * An element-wise activation {@code y = f(x)} with {@code ∂L/∂x = f'(x) ⊙ ∂L/∂y}; the output has the
 * input's shape and there are no parameters. Subclasses give f and f' (which may read x or y).
 */
public abstract class Activation implements Layer {
    private static final long serialVersionUID = 1L;

    /** {@code y[i] = f(x[i])} for {@code i < len}. */
    protected abstract void apply(float[] x, float[] y, int len);

    /** {@code dx[i] = f'(x[i]) · dy[i]}, given {@code y = f(x)}. */
    protected abstract void derivative(float[] x, float[] y, float[] dy, float[] dx, int len);

    @Override
    public Shape outputShape(Shape in) {
        return in;
    }

    @Override
    public Kernel kernel(Shape in, LayerSlot slot) {
        int size = in.size();
        return new Kernel() {
            @Override
            public void forward(StepContext ctx, int n, float[] x, float[] y) {
                apply(x, y, n * size);
            }

            @Override
            public void backward(StepContext ctx, int n, float[] x, float[] y, float[] dy, float[] dx) {
                if (dx != null) {
                    derivative(x, y, dy, dx, n * size);
                }
            }
        };
    }

    @Override
    public String toString() {
        return type();
    }
}
