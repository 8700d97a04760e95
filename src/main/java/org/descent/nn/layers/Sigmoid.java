package org.descent.nn.layers;

/** Logistic sigmoid {@code y = 1 / (1 + e^{−x})}; {@code f'(x) = y(1 − y)}. */
public final class Sigmoid extends Activation {
    private static final long serialVersionUID = 1L;

    @Override
    public String type() {
        return "sigmoid";
    }

    @Override
    protected void apply(float[] x, float[] y, int len) {
        for (int i = 0; i < len; i++) {
            float v = x[i];
            // Two branches keep exp's argument ≤ 0, so neither overflows.
            y[i] = v >= 0f ? (float) (1.0 / (1.0 + Math.exp(-v))) : (float) (Math.exp(v) / (1.0 + Math.exp(v)));
        }
    }

    @Override
    protected void derivative(float[] x, float[] y, float[] dy, float[] dx, int len) {
        for (int i = 0; i < len; i++) {
            dx[i] = dy[i] * y[i] * (1f - y[i]);
        }
    }
}
