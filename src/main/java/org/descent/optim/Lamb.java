package org.descent.optim;

import org.descent.nn.ParamLayout;
import org.descent.schedule.Schedule;

/**
 * LAMB (You et al. 2020): Adam's direction with decoupled decay, rescaled per segment by a trust
 * ratio. With t = step + 1 and ŝ, r̂ Adam's bias-corrected moments:
 * <pre>
 *   d = ŝ/(√r̂ + δ) + βw,   φ = ‖w‖/‖d‖  (1 when either norm is 0),   Δw = −α φ d
 * </pre>
 * Segments that are not decayed (biases, normalization scales) get neither decay nor trust ratio.
 */
public final class Lamb implements GradientTransform {
    private static final long serialVersionUID = 1L;
    private final Schedule learningRate;
    private final double beta1;
    private final double beta2;
    private final float eps;
    private final float weightDecay;
    private ParamLayout layout;

    public Lamb(Schedule learningRate, double beta1, double beta2, double eps, double weightDecay) {
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = (float) eps;
        this.weightDecay = (float) weightDecay;
    }

    @Override
    public OptState init(ParamLayout layout) {
        this.layout = layout;
        OptState s = new OptState();
        s.slot("m", layout.size());
        s.slot("v", layout.size());
        return s;
    }

    @Override
    public void update(float[] u, OptState state, float[] params, long step) {
        long t = step + 1;
        float bc1 = (float) (1 - Math.pow(beta1, t));
        float bc2 = (float) (1 - Math.pow(beta2, t));
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float[] m = state.slot("m");
        float[] v = state.slot("v");
        double lr = learningRate.at(step);
        for (ParamLayout.Segment seg : layout.segments()) {
            int from = seg.offset();
            int to = seg.end();
            boolean adapt = seg.spec().decayed();
            float decay = adapt ? weightDecay : 0f;
            for (int i = from; i < to; i++) {
                float g = u[i];
                m[i] = m[i] * b1 + g * (1 - b1);
                v[i] = v[i] * b2 + g * g * (1 - b2);
                u[i] = (m[i] / bc1) / ((float) Math.sqrt(v[i] / bc2) + eps) + decay * params[i];
            }
            double trust = 1;
            if (adapt) {
                double wNorm = Segments.norm(params, from, to);
                double dNorm = Segments.norm(u, from, to);
                if (wNorm > 0 && dNorm > 0) {
                    trust = wNorm / dNorm;
                }
            }
            float scale = (float) (-lr * trust);
            for (int i = from; i < to; i++) {
                u[i] *= scale;
            }
        }
    }

    @Override
    public void hyperparameters(long step, java.util.Map<String, Double> into) {
        Adam.report(into, learningRate.at(step), beta1, beta2, eps);
        into.put("weightDecay", (double) weightDecay);
    }

    @Override
    public String toString() {
        return "lamb(" + learningRate + ", beta1 " + beta1 + ", beta2 " + beta2 + ", eps " + eps + ", weightDecay " + weightDecay + ")";
    }
}
