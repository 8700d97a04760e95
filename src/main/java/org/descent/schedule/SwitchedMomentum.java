package org.descent.schedule;

/**
 * The momentum schedule of Sutskever et al. 2013's RNN experiments (the batch-norm deck's "Schedule of Momentum
 * coefficient μ"): {@code μ_t = first} for the first {@code steps} updates (t &lt; steps), then {@code then}
 * (the deck's μ₀ ∈ {0, 0.9, 0.98, 0.995}). The paper starts every RNN at μ = 0.9 so that the early, large gradients
 * of an echo-state initialization do not build up a velocity of 0.995 before training has settled.
 */
public record SwitchedMomentum(double first, long steps, double then) implements Schedule {
    public SwitchedMomentum {
        if (!(first >= 0 && first < 1) || !(then >= 0 && then < 1) || steps < 0) {
            throw new IllegalArgumentException("switch schedule: first and then must be in [0, 1) and steps ≥ 0, got " + first + ", " + then + ", " + steps);
        }
    }

    @Override
    public double at(long step) {
        return step < steps ? first : then;
    }
}
