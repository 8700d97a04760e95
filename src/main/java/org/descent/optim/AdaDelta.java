package org.descent.optim;

import org.descent.nn.ParamLayout;
import org.descent.schedule.Schedule;

/**
 * AdaDelta (Zeiler 2012): units-consistent steps from two running averages,
 * <pre>
 *   E[g²] ← ρE[g²] + (1−ρ)g²
 *   Δx = −(√(E[Δx²] + ε) / √(E[g²] + ε)) g
 *   E[Δx²] ← ρE[Δx²] + (1−ρ)Δx²
 *   Δθ = α Δx
 * </pre>
 * with the learning rate α = 1 by default (PyTorch's extra multiplier).
 */
public final class AdaDelta implements ElementwiseTransform {
    private static final long serialVersionUID = 1L;
    private final Schedule learningRate;
    private final float rho;
    private final float eps;

    public AdaDelta(Schedule learningRate, double rho, double eps) {
        this.learningRate = learningRate;
        this.rho = (float) rho;
        this.eps = (float) eps;
    }

    @Override
    public OptState init(ParamLayout layout) {
        OptState s = new OptState();
        s.slot("meanSquareGrad", layout.size());
        s.slot("meanSquareDelta", layout.size());
        return s;
    }

    @Override
    public void update(float[] u, OptState state, float[] params, long step, int from, int to) {
        float lr = (float) learningRate.at(step);
        float[] sq = state.slot("meanSquareGrad");
        float[] acc = state.slot("meanSquareDelta");
        float c = 1f - rho;
        for (int i = from; i < to; i++) {
            float g = u[i];
            sq[i] = sq[i] * rho + g * g * c;
            float std = (float) Math.sqrt(sq[i] + eps);
            float delta = (float) Math.sqrt(acc[i] + eps) / std * g;
            acc[i] = acc[i] * rho + delta * delta * c;
            u[i] = -lr * delta;
        }
    }

    @Override
    public void hyperparameters(long step, java.util.Map<String, Double> into) {
        into.put("learningRate", learningRate.at(step));
        into.put("rho", (double) rho);
        into.put("eps", (double) eps);
    }

    @Override
    public String toString() {
        return "adadelta(" + learningRate + ", rho " + rho + ", eps " + eps + ")";
    }
}
