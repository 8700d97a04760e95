package org.descent.schedule;

/** The optimization deck's 1/t decay {@code α_t = α₀ / (1 + kt)}; it satisfies Σα_t = ∞ and, with k &gt; 0, α_t → 0. */
public record InverseTimeDecay(double initial, double k) implements Schedule {
    @Override
    public double at(long step) {
        return initial / (1 + k * step);
    }
}
