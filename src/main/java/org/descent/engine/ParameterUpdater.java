package org.descent.engine;

import org.descent.nn.ParamLayout;
import org.descent.optim.GradientTransform;
import org.descent.optim.OptState;

/**
 * The driver's half of a step: the summed gradient of a global mini-batch is divided by the global
 * example count <em>once</em> ({@code g = (1/m) Σ_i ∇L_i}), turned into an update by the optimizer
 * chain and added to the parameters ({@code θ ← θ + Δθ}). The optimizer state lives here and
 * nowhere else. One work buffer is reused, so a step allocates nothing.
 */
public final class ParameterUpdater {
    private final GradientTransform optimizer;
    private OptState state;
    private final float[] work;
    private double gradientNorm;

    public ParameterUpdater(GradientTransform optimizer, ParamLayout layout) {
        this.optimizer = optimizer;
        this.state = optimizer.init(layout);
        this.work = new float[layout.size()];
    }

    /**
     * Applies one step.
     *
     * @param gradSum the gradient summed over {@code count} examples (not modified)
     * @param step    0-based step number (schedules and bias corrections read it)
     */
    public void apply(float[] params, float[] gradSum, long count, long step) {
        if (count <= 0) {
            throw new IllegalArgumentException("a step needs at least one example, got " + count);
        }
        float inv = (float) (1.0 / count);
        double squares = 0;
        for (int i = 0; i < work.length; i++) {
            work[i] = gradSum[i] * inv;
            squares += (double) work[i] * work[i];
        }
        gradientNorm = Math.sqrt(squares);
        optimizer.update(work, state, params, step);
        for (int i = 0; i < work.length; i++) {
            params[i] += work[i];
        }
    }

    /** ‖g‖₂ of the last step's mean gradient, before any clipping of the optimizer chain. */
    public double gradientNorm() {
        return gradientNorm;
    }

    public OptState state() {
        return state;
    }

    /** Continues from a saved state (a checkpoint's). */
    public void restore(OptState saved) {
        this.state = saved.deepCopy();
    }
}
