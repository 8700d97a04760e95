package org.descent.optim;

import org.descent.nn.ParamLayout;
import org.descent.schedule.Schedule;

/**
 * Adam (Kingma &amp; Ba 2015, Algorithm 1), with t = step + 1:
 * <pre>
 *   s ← ρ₁s + (1−ρ₁)g        r ← ρ₂r + (1−ρ₂) g⊙g
 *   ŝ = s/(1−ρ₁ᵗ)            r̂ = r/(1−ρ₂ᵗ)
 *   Δθ = −α ŝ/(√r̂ + δ)
 * </pre>
 * The optimization deck's slide writes the bias corrections as {@code 1−ρ} without the power t, and the batch-norm
 * deck's as {@code 1 − (1 − γ)ᵗ}, where its γ is the weight of the old average (ρ here), so the power belongs on γ:
 * both are typos; the paper's {@code 1−ρᵗ} is used here. δ is added outside the root as in Algorithm 1 (and PyTorch).
 * With {@code amsgrad} (Reddi et al. 2018) the denominator uses the running maximum of r, as
 * PyTorch 1.13: {@code √(max r)/√(1−ρ₂ᵗ) + δ}.
 */
public final class Adam implements ElementwiseTransform {
    private static final long serialVersionUID = 1L;
    /** Whether the update loop runs on the Vector API ({@link AdamLanes}, the same bits). */
    private static final boolean VECTOR = org.descent.tensor.FloatMath.vectorized();
    private final Schedule learningRate;
    private final double beta1;
    private final double beta2;
    private final float eps;
    private final boolean amsgrad;

    public Adam(Schedule learningRate, double beta1, double beta2, double eps, boolean amsgrad) {
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = (float) eps;
        this.amsgrad = amsgrad;
    }

    @Override
    public OptState init(ParamLayout layout) {
        OptState s = new OptState();
        s.slot("m", layout.size());
        s.slot("v", layout.size());
        if (amsgrad) {
            s.slot("vMax", layout.size());
        }
        return s;
    }

    @Override
    public void update(float[] u, OptState state, float[] params, long step, int from, int to) {
        long t = step + 1;
        double bc1 = 1 - Math.pow(beta1, t);
        double bc2 = 1 - Math.pow(beta2, t);
        float stepSize = (float) (learningRate.at(step) / bc1);
        float bc2Sqrt = (float) Math.sqrt(bc2);
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float c1 = (float) (1 - beta1);
        float c2 = (float) (1 - beta2);
        float[] m = state.slot("m");
        float[] v = state.slot("v");
        float[] vMax = amsgrad ? state.slot("vMax") : null;
        int start = VECTOR && vMax == null ? AdamLanes.update(u, m, v, from, to, b1, c1, b2, c2, bc2Sqrt, eps, stepSize) : from;
        for (int i = start; i < to; i++) {
            float g = u[i];
            m[i] = m[i] * b1 + g * c1;
            v[i] = v[i] * b2 + g * g * c2;
            float second = v[i];
            if (vMax != null) {
                vMax[i] = Math.max(vMax[i], v[i]);
                second = vMax[i];
            }
            float denom = (float) Math.sqrt(second) / bc2Sqrt + eps;
            u[i] = -stepSize * (m[i] / denom);
        }
    }

    @Override
    public void hyperparameters(long step, java.util.Map<String, Double> into) {
        report(into, learningRate.at(step), beta1, beta2, eps);
    }

    /** The Adam family's hyperparameters at a step, as every member reports them. */
    static void report(java.util.Map<String, Double> into, double learningRate, double beta1, double beta2, double eps) {
        into.put("learningRate", learningRate);
        into.put("beta1", beta1);
        into.put("beta2", beta2);
        into.put("eps", eps);
    }

    @Override
    public String toString() {
        return (amsgrad ? "amsgrad(" : "adam(") + learningRate + ", beta1 " + beta1 + ", beta2 " + beta2 + ", eps " + eps + ")";
    }
}
