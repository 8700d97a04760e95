package org.descent.nn.layers;

import org.descent.nn.Kernel;
import org.descent.nn.Layer;
import org.descent.nn.LayerSlot;
import org.descent.nn.Mode;
import org.descent.nn.StepContext;
import org.descent.tensor.Rng;
import org.descent.tensor.Shape;

/**
 * Inverted dropout (Srivastava et al. 2014): in training each value is kept with probability
 * {@code 1 − p} and scaled by {@code 1/(1 − p)}, otherwise zeroed, so evaluation is the identity.
 * The mask is drawn from a stream derived from the step's seed and the layer's index, so it is the
 * same for the same (seed, epoch, step, partition) and bit-reproducible.
 */
public final class Dropout implements Layer {
    private static final long serialVersionUID = 1L;
    private final double p;

    public Dropout(double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
        this.p = p;
    }

    public double probability() {
        return p;
    }

    @Override
    public String type() {
        return "dropout";
    }

    @Override
    public Shape outputShape(Shape in) {
        return in;
    }

    @Override
    public Kernel kernel(Shape in, LayerSlot slot) {
        int size = in.size();
        float scale = (float) (1.0 / (1.0 - p));
        return new Kernel() {
            private float[] mask = new float[0];
            private boolean trained;
            private final Rng rng = new Rng(0);

            @Override
            public void forward(StepContext ctx, int n, float[] x, float[] y) {
                int len = n * size;
                trained = ctx.mode == Mode.TRAIN && p > 0;
                if (!trained) {
                    System.arraycopy(x, 0, y, 0, len);
                    return;
                }
                if (mask.length < len) {
                    mask = new float[len];
                }
                if (ctx.exactGrads != null) {
                    throw new IllegalStateException("dropout cannot train with engine.reduction = exact: its masks are drawn per partition");
                }
                rng.reset(Rng.derive(ctx.seed, 0x44524f50L, slot.index()));
                for (int i = 0; i < len; i++) {
                    float m = rng.nextFloat() >= p ? scale : 0f;
                    mask[i] = m;
                    y[i] = x[i] * m;
                }
            }

            @Override
            public void backward(StepContext ctx, int n, float[] x, float[] y, float[] dy, float[] dx) {
                if (dx == null) {
                    return;
                }
                int len = n * size;
                if (!trained) {
                    System.arraycopy(dy, 0, dx, 0, len);
                    return;
                }
                for (int i = 0; i < len; i++) {
                    dx[i] = dy[i] * mask[i];
                }
            }
        };
    }

    @Override
    public String toString() {
        return "dropout(" + p + ")";
    }
}
