package org.descent.engine;

import java.io.Serializable;

/**
 * Early stopping (the optimization deck's regularizer): after each epoch the validation metric is compared with
 * the best so far; an epoch improves it when it is better by more than {@code minDelta}; after
 * {@code patience} epochs without improvement training stops, and the parameters of the best epoch
 * are restored. The metric is the validation loss (lower is better) or accuracy (higher is better).
 * The state is a plain record so checkpoints carry it and resume is exact.
 */
public final class EarlyStopping implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Which validation figure decides. */
    public enum Metric { LOSS, ACCURACY }

    /** Best metric and epoch so far, and epochs since the last improvement. */
    public record State(double best, int bestEpoch, int badEpochs) implements Serializable {
    }

    private final Metric metric;
    private final int patience;
    private final double minDelta;

    public EarlyStopping(Metric metric, int patience, double minDelta) {
        if (patience < 1 || minDelta < 0) {
            throw new IllegalArgumentException("early stopping needs patience ≥ 1 and minDelta ≥ 0, got " + patience + " and " + minDelta);
        }
        this.metric = metric;
        this.patience = patience;
        this.minDelta = minDelta;
    }

    public State initial() {
        return new State(Double.NaN, -1, 0);
    }

    /** The state after observing epoch {@code epoch}'s validation result. */
    public State observe(State s, int epoch, EvalResult validation) {
        double v = metric == Metric.LOSS ? validation.loss() : validation.accuracy();
        boolean improved = Double.isNaN(s.best()) || (metric == Metric.LOSS ? v < s.best() - minDelta : v > s.best() + minDelta);
        return improved ? new State(v, epoch, 0) : new State(s.best(), s.bestEpoch(), s.badEpochs() + 1);
    }

    public boolean shouldStop(State s) {
        return s.badEpochs() >= patience;
    }

    public static boolean improvedAt(State s, int epoch) {
        return s.bestEpoch() == epoch;
    }
}
