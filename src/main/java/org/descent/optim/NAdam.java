package org.descent.optim;

import org.descent.nn.ParamLayout;
import org.descent.schedule.Schedule;

/**
 * NAdam (Dozat 2016): Adam with Nesterov momentum and a warming momentum schedule
 * {@code μ_t = ρ₁(1 − ½·0.96^{tψ})} (ψ = 0.004), as PyTorch 1.13 implements it, with t = step + 1:
 * <pre>
 *   Π_t = Π_{t−1} μ_t     s ← ρ₁s + (1−ρ₁)g     r ← ρ₂r + (1−ρ₂)g⊙g
 *   d = √(r/(1−ρ₂ᵗ)) + δ
 *   Δθ = −α(1−μ_t)/(1−Π_t) · g/d − α μ_{t+1}/(1−Π_t μ_{t+1}) · s/d
 * </pre>
 * The running product Π is part of the state.
 */
public final class NAdam implements GradientTransform {
    private static final long serialVersionUID = 1L;
    private static final double MOMENTUM_DECAY = 4e-3;
    private final Schedule learningRate;
    private final double beta1;
    private final double beta2;
    private final float eps;

    public NAdam(Schedule learningRate, double beta1, double beta2, double eps) {
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = (float) eps;
    }

    @Override
    public OptState init(ParamLayout layout) {
        OptState s = new OptState();
        s.slot("m", layout.size());
        s.slot("v", layout.size());
        s.scalar("muProduct", 1.0);
        return s;
    }

    @Override
    public void update(float[] u, OptState state, float[] params, long step) {
        long t = step + 1;
        double lr = learningRate.at(step);
        double bc2 = 1 - Math.pow(beta2, t);
        double mu = beta1 * (1 - 0.5 * Math.pow(0.96, t * MOMENTUM_DECAY));
        double muNext = beta1 * (1 - 0.5 * Math.pow(0.96, (t + 1) * MOMENTUM_DECAY));
        double[] product = state.scalar("muProduct", 1.0);
        product[0] *= mu;
        double productNext = product[0] * muNext;
        float gradCoef = (float) (lr * (1 - mu) / (1 - product[0]));
        float momentCoef = (float) (lr * muNext / (1 - productNext));
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float c1 = (float) (1 - beta1);
        float c2 = (float) (1 - beta2);
        float bc2f = (float) bc2;
        float[] m = state.slot("m");
        float[] v = state.slot("v");
        for (int i = 0; i < u.length; i++) {
            float g = u[i];
            m[i] = m[i] * b1 + g * c1;
            v[i] = v[i] * b2 + g * g * c2;
            float denom = (float) Math.sqrt(v[i] / bc2f) + eps;
            u[i] = -gradCoef * (g / denom) - momentCoef * (m[i] / denom);
        }
    }

    @Override
    public void hyperparameters(long step, java.util.Map<String, Double> into) {
        Adam.report(into, learningRate.at(step), beta1, beta2, eps);
    }

    @Override
    public String toString() {
        return "nadam(" + learningRate + ", beta1 " + beta1 + ", beta2 " + beta2 + ", eps " + eps + ")";
    }
}
