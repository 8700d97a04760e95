package org.descent.optim;

import org.descent.nn.ParamLayout;
import org.descent.schedule.Schedule;

/**
 * AdaMax (Kingma &amp; Ba 2015, Algorithm 2), the infinity-norm variant of Adam, with t = step + 1:
 * {@code s ← ρ₁s + (1−ρ₁)g}, {@code u ← max(ρ₂u, |g| + δ)}, {@code Δθ = −(α/(1−ρ₁ᵗ)) s/u}
 * (δ inside the max, as PyTorch 1.13).
 */
public final class Adamax implements ElementwiseTransform {
    private static final long serialVersionUID = 1L;
    private final Schedule learningRate;
    private final double beta1;
    private final float beta2;
    private final float eps;

    public Adamax(Schedule learningRate, double beta1, double beta2, double eps) {
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = (float) beta2;
        this.eps = (float) eps;
    }

    @Override
    public OptState init(ParamLayout layout) {
        OptState s = new OptState();
        s.slot("m", layout.size());
        s.slot("uInf", layout.size());
        return s;
    }

    @Override
    public void update(float[] u, OptState state, float[] params, long step, int from, int to) {
        long t = step + 1;
        float clr = (float) (learningRate.at(step) / (1 - Math.pow(beta1, t)));
        float b1 = (float) beta1;
        float c1 = (float) (1 - beta1);
        float[] m = state.slot("m");
        float[] inf = state.slot("uInf");
        for (int i = from; i < to; i++) {
            float g = u[i];
            m[i] = m[i] * b1 + g * c1;
            inf[i] = Math.max(inf[i] * beta2, Math.abs(g) + eps);
            u[i] = -clr * (m[i] / inf[i]);
        }
    }

    @Override
    public void hyperparameters(long step, java.util.Map<String, Double> into) {
        Adam.report(into, learningRate.at(step), beta1, beta2, eps);
    }

    @Override
    public String toString() {
        return "adamax(" + learningRate + ", beta1 " + beta1 + ", beta2 " + beta2 + ", eps " + eps + ")";
    }
}
