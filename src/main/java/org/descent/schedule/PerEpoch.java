package org.descent.schedule;

/** Evaluates an epoch-indexed schedule at the step's epoch {@code ⌊t / stepsPerEpoch⌋}. */
public record PerEpoch(Schedule byEpoch, long stepsPerEpoch) implements Schedule {
    public PerEpoch {
        if (stepsPerEpoch <= 0) {
            throw new IllegalArgumentException("stepsPerEpoch must be positive, got " + stepsPerEpoch);
        }
    }

    @Override
    public double at(long step) {
        return byEpoch.at(Math.floorDiv(step, stepsPerEpoch));
    }
}
