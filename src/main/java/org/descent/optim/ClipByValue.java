package org.descent.optim;

import org.descent.nn.ParamLayout;

/** Clips every gradient coordinate to {@code [−c, c]}. */
public final class ClipByValue implements ElementwiseTransform {
    private static final long serialVersionUID = 1L;
    private final float c;

    public ClipByValue(double c) {
        this.c = (float) c;
    }

    @Override
    public OptState init(ParamLayout layout) {
        return new OptState();
    }

    @Override
    public void update(float[] u, OptState state, float[] params, long step, int from, int to) {
        for (int i = from; i < to; i++) {
            u[i] = Math.max(-c, Math.min(c, u[i]));
        }
    }

    @Override
    public void hyperparameters(long step, java.util.Map<String, Double> into) {
        into.put("clipValue", (double) c);
    }

    @Override
    public String toString() {
        return "clipValue(" + c + ")";
    }
}
