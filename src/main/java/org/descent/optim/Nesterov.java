package org.descent.optim;

import org.descent.nn.ParamLayout;
import org.descent.schedule.Schedule;

/**
 * Nesterov's accelerated gradient. The seed evaluates the gradient at the look-ahead point
 * {@code θ̃_t = θ_t + μ_t v_t}, then {@code v_{t+1} = μ_t v_t − α_t g(θ̃_t)}, {@code θ_{t+1} = θ_t + v_{t+1}}
 * (Sutskever et al. 2013, eq. 3–4, with a momentum schedule μ_t). Storing the look-ahead point
 * {@code φ_t = θ_t + μ_t v_t} as the parameters instead (Sutskever et al. 2013; Bengio et al. 2012) makes
 * the gradient an ordinary one at the parameters:
 * <pre>  v_{t+1} = μ_t v_t − α_t g(φ_t),   φ_{t+1} = φ_t + μ_{t+1} v_{t+1} − α_t g(φ_t)</pre>
 * since {@code φ_{t+1} − φ_t = v_{t+1} + μ_{t+1} v_{t+1} − μ_t v_t}. The next look-ahead takes the next step's
 * momentum μ_{t+1}: with a constant μ this is the familiar {@code φ ← φ + μv − αg}, and with a schedule (Sutskever's,
 * which changes μ every 250 steps) it stays on the seed's trajectory ({@code φ_t = θ_t + μ_t v_t}; a test checks it
 * step by step with a schedule). For a constant α and μ it equals PyTorch's {@code SGD(momentum=μ, nesterov=True)}
 * with {@code v = −α·buf}. Velocity starts at 0.
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
        float muNext = (float) momentum.at(step + 1);
        float[] v = state.slot("velocity");
        for (int i = from; i < to; i++) {
            float g = u[i];
            v[i] = mu * v[i] - lr * g;
            u[i] = muNext * v[i] - lr * g;
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
