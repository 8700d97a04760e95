package org.descent.optim;

import org.descent.nn.ParamLayout;
import org.descent.schedule.Schedule;

/**
 * Classical momentum, as the optimization deck writes it: {@code v ← λ_t v − α_t g}, {@code θ ← θ + v}, with
 * the velocity starting at {@code v₀ = 0}. The momentum λ may follow a schedule (Sutskever et al.
 * 2013). For a constant α this is PyTorch's {@code SGD(momentum=λ)} with {@code v = −α·buf}.
 */
public final class Momentum implements ElementwiseTransform {
    private static final long serialVersionUID = 1L;
    private final Schedule learningRate;
    private final Schedule momentum;

    public Momentum(Schedule learningRate, Schedule momentum) {
        this.learningRate = learningRate;
        this.momentum = momentum;
    }

    @Override
    public OptState init(ParamLayout layout) {
        OptState s = new OptState();
        s.slot("velocity", layout.size());
        return s;
    }

    @Override
    public void update(float[] u, OptState state, float[] params, long step, int from, int to) {
        float lr = (float) learningRate.at(step);
        float mu = (float) momentum.at(step);
        float[] v = state.slot("velocity");
        for (int i = from; i < to; i++) {
            v[i] = mu * v[i] - lr * u[i];
            u[i] = v[i];
        }
    }

    @Override
    public void hyperparameters(long step, java.util.Map<String, Double> into) {
        into.put("learningRate", learningRate.at(step));
        into.put("momentum", momentum.at(step));
    }

    @Override
    public String toString() {
        return "momentum(" + learningRate + ", " + momentum + ")";
    }
}
