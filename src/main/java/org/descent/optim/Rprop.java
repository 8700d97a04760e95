package org.descent.optim;

import org.descent.nn.ParamLayout;

/**
 * Resilient propagation (Riedmiller &amp; Braun 1993), as the batch-norm deck and PyTorch: a per-parameter step
 * size v that grows by η⁺ while the gradient keeps its sign and shrinks by η⁻ when it flips,
 * clamped to [stepMin, stepMax]; {@code Δθ = −v·sign(g)}. After a sign change the gradient is taken
 * as 0 (no step, and no change next time). Step sizes start at the learning rate. Only the sign of
 * the gradient is used, so Rprop suits full-batch training.
 */
public final class Rprop implements ElementwiseTransform {
    private static final long serialVersionUID = 1L;
    private final float initialStep;
    private final float etaPlus;
    private final float etaMinus;
    private final float stepMin;
    private final float stepMax;

    public Rprop(double initialStep, double etaMinus, double etaPlus, double stepMin, double stepMax) {
        this.initialStep = (float) initialStep;
        this.etaPlus = (float) etaPlus;
        this.etaMinus = (float) etaMinus;
        this.stepMin = (float) stepMin;
        this.stepMax = (float) stepMax;
    }

    @Override
    public OptState init(ParamLayout layout) {
        OptState s = new OptState();
        s.slot("previousGradient", layout.size());
        java.util.Arrays.fill(s.slot("stepSize", layout.size()), initialStep);
        return s;
    }

    @Override
    public void update(float[] u, OptState state, float[] params, long step, int from, int to) {
        float[] prev = state.slot("previousGradient");
        float[] size = state.slot("stepSize");
        for (int i = from; i < to; i++) {
            float g = u[i];
            float product = g * prev[i];
            if (product > 0) {
                size[i] = Math.min(stepMax, Math.max(stepMin, size[i] * etaPlus));
            } else if (product < 0) {
                size[i] = Math.min(stepMax, Math.max(stepMin, size[i] * etaMinus));
                g = 0f;
            } else {
                size[i] = Math.min(stepMax, Math.max(stepMin, size[i]));
            }
            prev[i] = g;
            u[i] = -Math.signum(g) * size[i];
        }
    }

    @Override
    public void hyperparameters(long step, java.util.Map<String, Double> into) {
        into.put("learningRate", (double) initialStep);
    }

    @Override
    public String toString() {
        return "rprop(" + initialStep + ", etaMinus " + etaMinus + ", etaPlus " + etaPlus + ", steps [" + stepMin + ", " + stepMax + "])";
    }
}
