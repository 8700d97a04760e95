package org.descent.schedule;

/** {@code α_t = (α₀ − α_end)(1 − min(t, T)/T)^p + α_end}: from α₀ to α_end over T steps, then constant. */
public record PolynomialDecay(double initial, double end, long steps, double power) implements Schedule {
    public PolynomialDecay {
        if (steps <= 0) {
            throw new IllegalArgumentException("polynomial decay needs steps > 0, got " + steps);
        }
    }

    @Override
    public double at(long step) {
        double frac = Math.min(step, steps) / (double) steps;
        return (initial - end) * Math.pow(1 - frac, power) + end;
    }
}
