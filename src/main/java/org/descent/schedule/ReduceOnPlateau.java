package org.descent.schedule;

import java.io.Serializable;

/**
 * Reduce-on-plateau: the one schedule with state. After each evaluation {@link #observe} compares
 * the metric with the best so far (improvement means better by more than {@code threshold},
 * relative); after {@code patience} evaluations without one the value is multiplied by
 * {@code factor} (not below {@code minValue}) and {@code cooldown} evaluations pass before counting
 * again — PyTorch's ReduceLROnPlateau in "rel" mode. The state is an explicit record that
 * checkpoints carry ({@link #snapshot}, {@link #restore}; {@link #saveTo} and {@link #loadFrom} keep it in the
 * optimizer's state, which every checkpoint holds, so a resumed run continues bit for bit).
 *
 * <p>As {@code learningRateSchedule.type = plateau} (keys initial, factor, patience, threshold, cooldown, min) the
 * engine calls {@link #observe} with the loss evaluated after every epoch: the validation loss, or the test loss when
 * no validation data is held out — the optimization deck's "plateaus" are where it cuts the rate.
 */
public final class ReduceOnPlateau implements Schedule {
    private static final long serialVersionUID = 1L;

    /** Whether smaller metrics are better (a loss) or larger ones (an accuracy). */
    public enum Goal { MIN, MAX }

    /** The checkpointable state. */
    public record State(double value, double best, int badEvaluations, int cooldownLeft) implements Serializable {
    }

    private final double factor;
    private final int patience;
    private final double threshold;
    private final int cooldown;
    private final double minValue;
    private final Goal goal;
    private State state;

    public ReduceOnPlateau(double initial, double factor, int patience, double threshold, int cooldown, double minValue, Goal goal) {
        if (!(factor > 0 && factor < 1) || patience < 0 || threshold < 0 || cooldown < 0) {
            throw new IllegalArgumentException("reduce-on-plateau needs factor in (0, 1), patience, threshold and cooldown ≥ 0");
        }
        this.factor = factor;
        this.patience = patience;
        this.threshold = threshold;
        this.cooldown = cooldown;
        this.minValue = minValue;
        this.goal = goal;
        this.state = new State(initial, goal == Goal.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY, 0, 0);
    }

    @Override
    public double at(long step) {
        return state.value();
    }

    /** Records one evaluation's metric and returns the (possibly reduced) value. */
    public double observe(double metric) {
        boolean better = goal == Goal.MIN ? metric < state.best() * (1 - Math.signum(state.best()) * threshold)
                : metric > state.best() * (1 + Math.signum(state.best()) * threshold);
        if (Double.isInfinite(state.best())) {
            better = true;
        }
        double best = better ? metric : state.best();
        int bad = better ? 0 : state.badEvaluations() + 1;
        int cool = state.cooldownLeft();
        double value = state.value();
        if (cool > 0) {
            cool--;
            bad = 0;
        }
        if (bad > patience) {
            value = Math.max(value * factor, minValue);
            cool = cooldown;
            bad = 0;
        }
        state = new State(value, best, bad, cool);
        return value;
    }

    /** The scalar slot of the optimizer state that carries this schedule's state. */
    public static final String SLOT = "reduceOnPlateau";

    /**
     * Writes the state into the optimizer state's scalars ({@code OptState.scalars()}, which checkpoints carry): value, best,
     * bad evaluations, cooldown left (exact in doubles).
     */
    public void saveTo(java.util.Map<String, double[]> scalars) {
        scalars.put(SLOT, new double[] {state.value(), state.best(), state.badEvaluations(), state.cooldownLeft()});
    }

    /** Restores what {@link #saveTo} wrote; scalars without it (no evaluation yet) leave the initial state. */
    public void loadFrom(java.util.Map<String, double[]> scalars) {
        double[] s = scalars.get(SLOT);
        if (s != null) {
            state = new State(s[0], s[1], (int) s[2], (int) s[3]);
        }
    }

    public State snapshot() {
        return state;
    }

    public void restore(State saved) {
        this.state = saved;
    }
}
