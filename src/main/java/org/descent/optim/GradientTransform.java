package org.descent.optim;

import java.io.Serializable;
import org.descent.nn.ParamLayout;

/**
 * One stage of an optimizer, in the style of optax: {@link #init} makes its state, {@link #update}
 * turns an incoming vector (the gradient, or the previous stage's output) into an outgoing one in
 * place. Optimizers are chains whose final output is the update {@code Δθ} that is added to the
 * parameters: {@code θ ← θ + Δθ}.
 */
public interface GradientTransform extends Serializable {
    OptState init(ParamLayout layout);

    /**
     * Transforms {@code u} in place.
     *
     * @param u      on entry the gradient (or upstream output), on exit this stage's output
     * @param state  this stage's state, updated in place
     * @param params the current parameters θ (read only)
     * @param step   the 0-based step being taken; bias corrections use {@code t = step + 1}
     */
    void update(float[] u, OptState state, float[] params, long step);

    /**
     * True when {@link #update} transforms every entry on its own — from its gradient entry, its own
     * state entries, its parameter and the step's scalars (learning rate, bias corrections), with no
     * quantity over the whole vector (a global norm, a per-layer trust ratio) and no state that
     * changes once per call — so that updates over the ranges of any split of {@code [0, n)}, in any
     * order, give the bits of one update over the whole — also when they run at once on different
     * threads (its state slots are all made in {@link #init}). The driver then updates each gradient
     * segment as soon as its sum is complete ({@code engine.overlap}), and splits its whole-step update
     * over two threads.
     */
    default boolean elementwise() {
        return false;
    }

    /**
     * Puts the hyperparameters in force at {@code step} into {@code into} (as optax's
     * {@code inject_hyperparams} exposes them): the learning rate and momentum as their schedules give
     * them at that step, β₁ and β₂, ε, ρ, weight decay, clipping thresholds — under the names of the
     * {@code optimizer.*} keys. A chain reports every stage's; what is logged per step comes from here,
     * so the log shows what the update used.
     */
    default void hyperparameters(long step, java.util.Map<String, Double> into) {
    }

    /** {@link #hyperparameters(long, java.util.Map)} as a new map, in the order the stages report them. */
    default java.util.Map<String, Double> hyperparameters(long step) {
        java.util.Map<String, Double> h = new java.util.LinkedHashMap<>();
        hyperparameters(step, h);
        return h;
    }

    /**
     * {@link #update} of the entries {@code [from, to)} only; for an {@link #elementwise} transform,
     * any split of {@code [0, n)} into ranges gives the bits of one update over the whole. Others
     * update the whole vector at once and refuse a part of it.
     */
    default void update(float[] u, OptState state, float[] params, long step, int from, int to) {
        if (from != 0 || to != u.length) {
            throw new UnsupportedOperationException(this + " updates the whole vector at once, not [" + from + ", " + to + ")");
        }
        update(u, state, params, step);
    }
}
