package org.descent.nn.layers;

import java.util.List;
import org.descent.nn.Kernel;
import org.descent.nn.Layer;
import org.descent.nn.LayerSlot;
import org.descent.tensor.Shape;

/**
 * Rectified linear unit {@code y = max(0, x)}; {@code f'(x) = 1 if x > 0 else 0}. The backward pass
 * reads y (y &gt; 0 ⇔ x &gt; 0) and masks bits instead of branching, which random signs would
 * mispredict.
 */
public final class ReLU extends Activation {
    private static final long serialVersionUID = 1L;

    @Override
    public String type() {
        return "relu";
    }

    /** Followed by max pooling: the pooling's rectified kernel ({@link MaxPool2d#rectifiedKernel}) does both. */
    @Override
    public Kernel kernelThrough(List<Layer> next, Shape in, LayerSlot slot) {
        return next.size() == 1 && next.get(0) instanceof MaxPool2d pool ? pool.rectifiedKernel(in) : null;
    }

    @Override
    protected void apply(float[] x, float[] y, int len) {
        for (int i = 0; i < len; i++) {
            y[i] = Math.max(0f, x[i]);
        }
    }

    @Override
    protected void derivative(float[] x, float[] y, float[] dy, float[] dx, int len) {
        for (int i = 0; i < len; i++) {
            // y ≥ +0: its bits are 0 exactly when y = 0, so (bits − 1) >> 31 is all ones only then.
            int keep = ~((Float.floatToRawIntBits(y[i]) - 1) >> 31);
            dx[i] = Float.intBitsToFloat(Float.floatToRawIntBits(dy[i]) & keep);
        }
    }
}
