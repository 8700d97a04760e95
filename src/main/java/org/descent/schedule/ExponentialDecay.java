package org.descent.schedule;

/** The optimization deck's exponential decay {@code α_t = α₀ e^{−kt}} (PyTorch's ExponentialLR with γ = e^{−k}). */
public record ExponentialDecay(double initial, double k) implements Schedule {
    @Override
    public double at(long step) {
        return initial * Math.exp(-k * step);
    }
}
