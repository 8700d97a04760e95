package org.descent.optim;

import org.descent.nn.ParamLayout;
import org.descent.schedule.Schedule;

/** Plain gradient descent: {@code Δθ = −α_t g} (the optimization deck's batch, mini-batch and stochastic forms differ only in g). */
public final class Sgd implements ElementwiseTransform {
    private static final long serialVersionUID = 1L;
    private final Schedule learningRate;

    public Sgd(Schedule learningRate) {
        this.learningRate = learningRate;
    }

    @Override
    public OptState init(ParamLayout layout) {
        return new OptState();
    }

    @Override
    public void update(float[] u, OptState state, float[] params, long step, int from, int to) {
        float lr = (float) learningRate.at(step);
        for (int i = from; i < to; i++) {
            u[i] = -lr * u[i];
        }
    }

    @Override
    public void hyperparameters(long step, java.util.Map<String, Double> into) {
        into.put("learningRate", learningRate.at(step));
    }

    @Override
    public String toString() {
        return "sgd(" + learningRate + ")";
    }
}
