package org.descent.schedule;

/**
 * Cosine annealing (Loshchilov &amp; Hutter 2017, one cycle):
 * {@code α_t = α_min + ½(α₀ − α_min)(1 + cos(π·min(t, T)/T))}; PyTorch's CosineAnnealingLR for t ≤ T.
 */
public record CosineDecay(double initial, double floor, long steps) implements Schedule {
    public CosineDecay {
        if (steps <= 0) {
            throw new IllegalArgumentException("cosine decay needs steps > 0, got " + steps);
        }
    }

    @Override
    public double at(long step) {
        double frac = Math.min(step, steps) / (double) steps;
        return floor + 0.5 * (initial - floor) * (1 + Math.cos(Math.PI * frac));
    }
}
