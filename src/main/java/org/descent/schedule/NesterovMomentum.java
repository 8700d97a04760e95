package org.descent.schedule;

/** Nesterov's momentum schedule for convex problems, {@code μ_t = 1 − 3/(t + 5)}, optionally capped at μ_max. */
public record NesterovMomentum(double max) implements Schedule {
    @Override
    public double at(long step) {
        return Math.min(1 - 3.0 / (step + 5), max);
    }
}
