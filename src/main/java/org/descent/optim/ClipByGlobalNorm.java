package org.descent.optim;

import org.descent.nn.ParamLayout;

/**
 * Rescales the whole gradient when its global L2 norm exceeds c: {@code g ← g · c / max(‖g‖, c)}
 * (Pascanu et al. 2013; PyTorch's {@code clip_grad_norm_} without its 1e-6 guard).
 */
public final class ClipByGlobalNorm implements GradientTransform {
    private static final long serialVersionUID = 1L;
    private final double c;

    public ClipByGlobalNorm(double c) {
        this.c = c;
    }

    @Override
    public OptState init(ParamLayout layout) {
        return new OptState();
    }

    @Override
    public void update(float[] u, OptState state, float[] params, long step) {
        double norm = Segments.norm(u, 0, u.length);
        if (norm > c) {
            float scale = (float) (c / norm);
            for (int i = 0; i < u.length; i++) {
                u[i] *= scale;
            }
        }
    }

    @Override
    public void hyperparameters(long step, java.util.Map<String, Double> into) {
        into.put("clipNorm", c);
    }

    @Override
    public String toString() {
        return "clipNorm(" + c + ")";
    }
}
