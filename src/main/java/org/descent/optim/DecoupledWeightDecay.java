package org.descent.optim;

import org.descent.nn.ParamLayout;
import org.descent.schedule.Schedule;

/**
 * Decoupled weight decay (Loshchilov &amp; Hutter 2019, AdamW): after the adaptive step,
 * {@code Δθ ← Δθ − α_t λ θ} — the decay does not pass through the moment estimates. Chained after
 * Adam this equals PyTorch's AdamW ({@code θ ← θ(1 − αλ)} then the Adam step). Applies to all
 * parameters, as PyTorch's optimizer argument does.
 */
public final class DecoupledWeightDecay implements ElementwiseTransform {
    private static final long serialVersionUID = 1L;
    private final Schedule learningRate;
    private final double lambda;

    public DecoupledWeightDecay(Schedule learningRate, double lambda) {
        this.learningRate = learningRate;
        this.lambda = lambda;
    }

    @Override
    public OptState init(ParamLayout layout) {
        return new OptState();
    }

    @Override
    public void update(float[] u, OptState state, float[] params, long step, int from, int to) {
        float decay = (float) (learningRate.at(step) * lambda);
        for (int i = from; i < to; i++) {
            u[i] -= decay * params[i];
        }
    }

    @Override
    public void hyperparameters(long step, java.util.Map<String, Double> into) {
        into.put("weightDecay", lambda);
    }

    @Override
    public String toString() {
        return "decoupledWeightDecay(" + lambda + ")";
    }
}
