package org.descent.optim;

import org.descent.nn.ParamLayout;
import org.descent.schedule.Schedule;

/**
 * RMSProp (Tieleman &amp; Hinton 2012), as the optimization deck: {@code r ← ρr + (1−ρ) g⊙g},
 * {@code Δθ = −α g/(δ + √r)}. Centered (Graves 2013) also tracks {@code ḡ ← ρḡ + (1−ρ)g} and
 * divides by {@code √(r − ḡ²) + δ}. With momentum μ &gt; 0: {@code b ← μb + g/(√r + δ)},
 * {@code Δθ = −αb}. PyTorch's RMSprop semantics (its {@code alpha} is ρ here; δ outside the root).
 * The batch-norm deck's slide ("RMSProp = Rprop + SGD") writes {@code r_t = (1 − γ)θ_t² + γ r_{t−1}}: a typo for the
 * squared gradient of Tieleman &amp; Hinton, which is what is averaged here (γ is ρ).
 */
public final class RmsProp implements ElementwiseTransform {
    private static final long serialVersionUID = 1L;
    private final Schedule learningRate;
    private final float rho;
    private final float eps;
    private final float momentum;
    private final boolean centered;

    public RmsProp(Schedule learningRate, double rho, double eps, double momentum, boolean centered) {
        this.learningRate = learningRate;
        this.rho = (float) rho;
        this.eps = (float) eps;
        this.momentum = (float) momentum;
        this.centered = centered;
    }

    @Override
    public OptState init(ParamLayout layout) {
        OptState s = new OptState();
        s.slot("meanSquare", layout.size());
        if (centered) {
            s.slot("mean", layout.size());
        }
        if (momentum > 0) {
            s.slot("buffer", layout.size());
        }
        return s;
    }

    @Override
    public void update(float[] u, OptState state, float[] params, long step, int from, int to) {
        float lr = (float) learningRate.at(step);
        float[] r = state.slot("meanSquare");
        float[] mean = centered ? state.slot("mean") : null;
        float[] buf = momentum > 0 ? state.slot("buffer") : null;
        float oneMinusRho = 1f - rho;
        for (int i = from; i < to; i++) {
            float g = u[i];
            r[i] = rho * r[i] + oneMinusRho * g * g;
            float avg;
            if (centered) {
                mean[i] = rho * mean[i] + oneMinusRho * g;
                avg = (float) Math.sqrt(r[i] - mean[i] * mean[i]) + eps;
            } else {
                avg = (float) Math.sqrt(r[i]) + eps;
            }
            if (buf != null) {
                buf[i] = momentum * buf[i] + g / avg;
                u[i] = -lr * buf[i];
            } else {
                u[i] = -lr * (g / avg);
            }
        }
    }

    @Override
    public void hyperparameters(long step, java.util.Map<String, Double> into) {
        into.put("learningRate", learningRate.at(step));
        into.put("rho", (double) rho);
        into.put("eps", (double) eps);
        into.put("momentum", (double) momentum);
    }

    @Override
    public String toString() {
        return (centered ? "rmsprop-centered(" : "rmsprop(") + learningRate + ", rho " + rho + ", eps " + eps + ", momentum " + momentum + ")";
    }
}
