package org.descent.optim;

import org.descent.nn.ParamLayout;
import org.descent.schedule.Schedule;

/**
 * Nesterov's accelerated gradient. The seed evaluates the gradient at the look-ahead point
 * {@code θ̃ = θ + λv}, then {@code v ← λv − αg(θ̃)}, {@code θ ← θ + v}. Storing the look-ahead point
 * {@code φ = θ + λv} as the parameters instead (Sutskever et al. 2013; Bengio et al. 2012) makes
 * the gradient an ordinary one at the parameters:
 * <pre>  v ← λv − α g(φ),   φ ← φ + λv − α g(φ)   (v already updated)</pre>
 * which is the same trajectory ({@code φ_t = θ_t + λv_t}; a test checks it step by step) and for a
 * constant α equals PyTorch's {@code SGD(momentum=λ, nesterov=True)} with {@code v = −α·buf}.
 * Velocity starts at 0.
 */
public final class Nesterov implements ElementwiseTransform {
    private static final long serialVersionUID = 1L;
    private final Schedule learningRate;
    private final Schedule momentum;

    public Nesterov(Schedule learningRate, Schedule momentum) {
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
            float g = u[i];
            v[i] = mu * v[i] - lr * g;
            u[i] = mu * v[i] - lr * g;
        }
    }

    @Override
    public void hyperparameters(long step, java.util.Map<String, Double> into) {
        into.put("learningRate", learningRate.at(step));
        into.put("momentum", momentum.at(step));
    }

    @Override
    public String toString() {
        return "nesterov(" + learningRate + ", " + momentum + ")";
    }
}
