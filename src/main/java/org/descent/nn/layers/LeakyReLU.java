package org.descent.nn.layers;

/** {@code y = x if x > 0 else a·x} (Maas et al. 2013); {@code f'(x) = 1 or a}. Default slope a = 0.01. */
public final class LeakyReLU extends Activation {
    private static final long serialVersionUID = 1L;
    private final float slope;

    public LeakyReLU() {
        this(0.01);
    }

    public LeakyReLU(double slope) {
        if (!(slope >= 0 && slope < 1)) {
            throw new IllegalArgumentException("leaky_relu slope must be in [0, 1), got " + slope);
        }
        this.slope = (float) slope;
    }

    @Override
    public String type() {
        return "leaky_relu";
    }

    /** The slope a for negative inputs. */
    public float slope() {
        return slope;
    }

    @Override
    protected void apply(float[] x, float[] y, int len) {
        for (int i = 0; i < len; i++) {
            float v = x[i];
            y[i] = v > 0f ? v : slope * v;
        }
    }

    @Override
    protected void derivative(float[] x, float[] y, float[] dy, float[] dx, int len) {
        for (int i = 0; i < len; i++) {
            dx[i] = x[i] > 0f ? dy[i] : slope * dy[i];
        }
    }
}
