package org.descent.nn.layers;

/** Rectified linear unit {@code y = max(0, x)}; {@code f'(x) = 1 if x > 0 else 0}. */
public final class ReLU extends Activation {
    private static final long serialVersionUID = 1L;

    @Override
    public String type() {
        return "relu";
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
            dx[i] = x[i] > 0f ? dy[i] : 0f;
        }
    }
}
