package org.descent.schedule;

/** Step decay, e.g. halving every few epochs (the optimization deck): {@code α_t = α₀ γ^⌊t/s⌋}. */
public record StepDecay(double initial, double gamma, long stepSize) implements Schedule {
    public StepDecay {
        if (stepSize <= 0) {
            throw new IllegalArgumentException("step decay needs stepSize > 0, got " + stepSize);
        }
    }

    @Override
    public double at(long step) {
        return initial * Math.pow(gamma, Math.floorDiv(step, stepSize));
    }
}
