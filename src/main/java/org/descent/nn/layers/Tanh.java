package org.descent.nn.layers;

/** {@code y = tanh(x)}; {@code f'(x) = 1 − y²}. */
public final class Tanh extends Activation {
    private static final long serialVersionUID = 1L;

    @Override
    public String type() {
        return "tanh";
    }

    @Override
    protected void apply(float[] x, float[] y, int len) {
        for (int i = 0; i < len; i++) {
            y[i] = (float) Math.tanh(x[i]);
        }
    }

    @Override
    protected void derivative(float[] x, float[] y, float[] dy, float[] dx, int len) {
        for (int i = 0; i < len; i++) {
            dx[i] = dy[i] * (1f - y[i] * y[i]);
        }
    }
}
