package org.descent.schedule;

/** Multiplies by γ at each milestone step: {@code α_t = α₀ γ^{#(milestones ≤ t)}}. */
public record MultiStepDecay(double initial, double gamma, long[] milestones) implements Schedule {
    public MultiStepDecay {
        milestones = milestones.clone();
        for (int i = 1; i < milestones.length; i++) {
            if (milestones[i] <= milestones[i - 1]) {
                throw new IllegalArgumentException("multistep milestones must increase, got " + java.util.Arrays.toString(milestones));
            }
        }
    }

    @Override
    public double at(long step) {
        int passed = 0;
        for (long m : milestones) {
            if (step >= m) {
                passed++;
            }
        }
        return initial * Math.pow(gamma, passed);
    }

    @Override
    public String toString() {
        return "MultiStepDecay[initial=" + initial + ", gamma=" + gamma + ", milestones=" + java.util.Arrays.toString(milestones) + "]";
    }
}
