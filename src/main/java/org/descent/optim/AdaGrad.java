package org.descent.optim;

import org.descent.nn.ParamLayout;
import org.descent.schedule.Schedule;

/**
 * AdaGrad (Duchi, Hazan &amp; Singer 2011), as the optimization deck: {@code r ← r + g⊙g},
 * {@code Δθ = −α/(δ + √r) ⊙ g}, with δ outside the root (as PyTorch; default δ = 1e-10).
 * The batch-norm deck's AdaGrad slide writes {@code r_t = θ_t² + r_{t−1}}: a typo for the squared gradient
 * {@code (∇f(θ_t))²} of Duchi et al., which is what is accumulated here.
 */
public final class AdaGrad implements ElementwiseTransform {
    private static final long serialVersionUID = 1L;
    private final Schedule learningRate;
    private final float eps;

    public AdaGrad(Schedule learningRate, double eps) {
        this.learningRate = learningRate;
        this.eps = (float) eps;
    }

    @Override
    public OptState init(ParamLayout layout) {
        OptState s = new OptState();
        s.slot("sumSquares", layout.size());
        return s;
    }

    @Override
    public void update(float[] u, OptState state, float[] params, long step, int from, int to) {
        float lr = (float) learningRate.at(step);
        float[] r = state.slot("sumSquares");
        for (int i = from; i < to; i++) {
            float g = u[i];
            r[i] += g * g;
            u[i] = -lr * (g / ((float) Math.sqrt(r[i]) + eps));
        }
    }

    @Override
    public void hyperparameters(long step, java.util.Map<String, Double> into) {
        into.put("learningRate", learningRate.at(step));
        into.put("eps", (double) eps);
    }

    @Override
    public String toString() {
        return "adagrad(" + learningRate + ", eps " + eps + ")";
    }
}
