package org.descent.schedule;

/**
 * Linear warm-up around any schedule (Goyal et al. 2017, for large batches): for t &lt; W the value
 * rises linearly from {@code startFactor·s(W)} to {@code s(W)}, {@code α_t = s(W)(f + (1 − f) t/W)};
 * from W on it is the wrapped schedule's own value {@code s(t)} (not shifted).
 */
public record LinearWarmup(Schedule wrapped, long warmupSteps, double startFactor) implements Schedule {
    public LinearWarmup {
        if (warmupSteps < 0 || !(startFactor >= 0 && startFactor <= 1)) {
            throw new IllegalArgumentException("warm-up needs warmupSteps ≥ 0 and startFactor in [0, 1], got " + warmupSteps + " and " + startFactor);
        }
    }

    @Override
    public double at(long step) {
        if (step >= warmupSteps) {
            return wrapped.at(step);
        }
        return wrapped.at(warmupSteps) * (startFactor + (1 - startFactor) * step / (double) warmupSteps);
    }
}
