package org.descent.nn.layers;

/**
 * Exponential linear unit (Clevert et al. 2016): {@code y = x if x > 0 else α(eˣ − 1)};
 * {@code f'(x) = 1 if x > 0 else y + α}. Default α = 1.
 */
public final class ELU extends Activation {
    private static final long serialVersionUID = 1L;
    private final float alpha;

    public ELU() {
        this(1.0);
    }

    public ELU(double alpha) {
        if (!(alpha > 0)) {
            throw new IllegalArgumentException("elu alpha must be positive, got " + alpha);
        }
        this.alpha = (float) alpha;
    }

    @Override
    public String type() {
        return "elu";
    }

    public float alpha() {
        return alpha;
    }

    @Override
    protected void apply(float[] x, float[] y, int len) {
        for (int i = 0; i < len; i++) {
            float v = x[i];
            y[i] = v > 0f ? v : alpha * (float) Math.expm1(v);
        }
    }

    @Override
    protected void derivative(float[] x, float[] y, float[] dy, float[] dx, int len) {
        for (int i = 0; i < len; i++) {
            dx[i] = x[i] > 0f ? dy[i] : dy[i] * (y[i] + alpha);
        }
    }
}
