package org.descent.optim;

import org.descent.nn.ParamLayout;

/**
 * Resilient propagation (Riedmiller &amp; Braun 1993): a per-parameter step size v that grows by η⁺ while the
 * gradient keeps its sign and shrinks by η⁻ when it flips, clamped to [stepMin, stepMax];
 * {@code Δθ = −v·sign(g)}. Step sizes start at the learning rate. Only the sign of the gradient is used, so Rprop
 * suits full-batch training. Two variants differ after a sign change ({@link Variant}):
 * <ul>
 *   <li>{@code rprop_minus} (Rprop⁻, the batch-norm deck's rule: "else if ∇f_t ∇f_{t−1} &lt; 0, v_t = η⁻v_{t−1}", then
 *       {@code θ_{t+1} = θ_t − v_t}) steps with the reduced size in the direction of the new gradient. The slide's
 *       {@code θ_t − v_t} omits the gradient's sign, which the paper's rule has: a typo, followed here as the paper.</li>
 *   <li>{@code irprop_minus} (iRprop⁻, Igel &amp; Hüsken 2000; PyTorch's {@code Rprop}, the default) takes the gradient
 *       as 0 after a sign change: no step, and no change of the step size the next time.</li>
 * </ul>
 */
public final class Rprop implements ElementwiseTransform {
    private static final long serialVersionUID = 1L;
    private final float initialStep;
    private final float etaPlus;
    private final float etaMinus;
    private final float stepMin;
    private final float stepMax;
    private final Variant variant;

    /** What happens after a sign change; the optimizer key {@code variant} names it. */
    public enum Variant {
        /** iRprop⁻: no step, and the gradient is forgotten (PyTorch). */
        IRPROP_MINUS,
        /** Rprop⁻: a step of the reduced size along the new gradient's sign (the deck). */
        RPROP_MINUS;

        /** The key's value in configurations: {@code irprop_minus} or {@code rprop_minus}. */
        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The variant a configuration names; one line listing both otherwise. */
        public static Variant parse(String value) {
            for (Variant v : values()) {
                if (v.key().equals(value)) {
                    return v;
                }
            }
            throw new IllegalArgumentException("rprop variant '" + value + "' is not irprop_minus (PyTorch's, the default) or rprop_minus (the deck's)");
        }
    }

    public Rprop(double initialStep, double etaMinus, double etaPlus, double stepMin, double stepMax) {
        this(initialStep, etaMinus, etaPlus, stepMin, stepMax, Variant.IRPROP_MINUS);
    }

    public Rprop(double initialStep, double etaMinus, double etaPlus, double stepMin, double stepMax, Variant variant) {
        this.variant = variant;
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
                if (variant == Variant.IRPROP_MINUS) {
                    g = 0f;
                }
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
        return "rprop(" + initialStep + ", etaMinus " + etaMinus + ", etaPlus " + etaPlus + ", steps [" + stepMin + ", " + stepMax + "], "
                + variant.key() + ")";
    }
}
