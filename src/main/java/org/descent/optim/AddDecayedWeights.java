package org.descent.optim;

import org.descent.nn.ParamLayout;

/**
 * L2 weight decay as a gradient term: {@code g ← g + λθ} (the gradient of {@code (λ/2)‖θ‖²}), on
 * the segments whose {@link org.descent.nn.ParamSpec#decayed()} is true (weights, not biases or
 * normalization scales). This is PyTorch's {@code weight_decay} argument of SGD, Adam, etc.
 */
public final class AddDecayedWeights implements ElementwiseTransform {
    private static final long serialVersionUID = 1L;
    private final float lambda;
    private boolean[] decayed;

    public AddDecayedWeights(double lambda) {
        this.lambda = (float) lambda;
    }

    @Override
    public OptState init(ParamLayout layout) {
        decayed = Segments.decayedMask(layout);
        return new OptState();
    }

    @Override
    public void update(float[] u, OptState state, float[] params, long step, int from, int to) {
        for (int i = from; i < to; i++) {
            if (decayed[i]) {
                u[i] += lambda * params[i];
            }
        }
    }

    @Override
    public void hyperparameters(long step, java.util.Map<String, Double> into) {
        into.put("weightDecay", (double) lambda);
    }

    @Override
    public String toString() {
        return "weightDecay(" + lambda + ")";
    }
}
