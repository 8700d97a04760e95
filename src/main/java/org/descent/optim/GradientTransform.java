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
}
