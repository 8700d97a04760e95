package org.descent.schedule;

/**
 * The momentum schedule of Sutskever, Martens, Dahl &amp; Hinton (2013):
 * {@code μ_t = min(1 − 2^{−1 − log₂(⌊t/250⌋ + 1)}, μ_max)}, i.e. 0.5, then 0.75 after 250 steps,
 * 0.833… after 500, … approaching 1, capped at μ_max (0.9 – 0.999 in the paper).
 */
public record SutskeverMomentum(double max) implements Schedule {
    @Override
    public double at(long step) {
        double k = Math.floorDiv(step, 250L) + 1;
        return Math.min(1 - Math.pow(2, -1 - Math.log(k) / Math.log(2)), max);
    }
}
