package org.descent.optim;

import org.descent.nn.ParamLayout;
import org.descent.schedule.Schedule;

/**
 * LARS (You, Gitman &amp; Ginsburg 2017): momentum SGD with a layer-wise trust ratio. For each
 * parameter segment ℓ with weights w and gradient g:
 * <pre>
 *   λ_ℓ = η‖w‖ / (‖g‖ + β‖w‖)    (1 when either norm is 0)
 *   v ← μv + α λ_ℓ (g + βw),      Δw = −v
 * </pre>
 * with η the trust coefficient and β the weight decay. Segments that are not decayed (biases,
 * normalization scales) skip both the trust ratio and the decay, as is common practice.
 */
public final class Lars implements GradientTransform {
    private static final long serialVersionUID = 1L;
    private final Schedule learningRate;
    private final Schedule momentum;
    private final double weightDecay;
    private final double trustCoefficient;
    private ParamLayout layout;

    public Lars(Schedule learningRate, Schedule momentum, double weightDecay, double trustCoefficient) {
        this.learningRate = learningRate;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.trustCoefficient = trustCoefficient;
    }

    @Override
    public OptState init(ParamLayout layout) {
        this.layout = layout;
        OptState s = new OptState();
        s.slot("velocity", layout.size());
        return s;
    }

    @Override
    public void update(float[] u, OptState state, float[] params, long step) {
        double lr = learningRate.at(step);
        float mu = (float) momentum.at(step);
        float[] v = state.slot("velocity");
        for (ParamLayout.Segment seg : layout.segments()) {
            int from = seg.offset();
            int to = seg.end();
            boolean adapt = seg.spec().decayed();
            double local = 1;
            float decay = 0f;
            if (adapt) {
                double wNorm = Segments.norm(params, from, to);
                double gNorm = Segments.norm(u, from, to);
                if (wNorm > 0 && gNorm > 0) {
                    local = trustCoefficient * wNorm / (gNorm + weightDecay * wNorm);
                }
                decay = (float) weightDecay;
            }
            float scale = (float) (lr * local);
            for (int i = from; i < to; i++) {
                v[i] = mu * v[i] + scale * (u[i] + decay * params[i]);
                u[i] = -v[i];
            }
        }
    }

    @Override
    public void hyperparameters(long step, java.util.Map<String, Double> into) {
        into.put("learningRate", learningRate.at(step));
        into.put("momentum", momentum.at(step));
        into.put("weightDecay", weightDecay);
    }

    @Override
    public String toString() {
        return "lars(" + learningRate + ", momentum " + momentum + ", weightDecay " + weightDecay + ", trust " + trustCoefficient + ")";
    }
}
