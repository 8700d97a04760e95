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
     * Applies one step: {@link #prepare} then {@link #applyPrepared}.
     *
     * @param gradSum the gradient summed over {@code count} examples (not modified)
     * @param step    0-based step number (schedules and bias corrections read it)
     */
    public void apply(float[] params, float[] gradSum, long count, long step) {
        prepare(gradSum, count);
        applyPrepared(params, step);
    }

    /**
     * Takes the mean gradient {@code gradSum / count} for the next {@link #applyPrepared} and returns
     * its norm ‖g‖₂, which is finite exactly when every entry is (a float's square cannot overflow a
     * double, nor can a sum of fewer than 2³¹ of them). Neither the parameters nor the optimizer state
     * change, so a caller can stop a diverged run here with the last good step's parameters.
     */
    public double prepare(float[] gradSum, long count) {
        if (count <= 0) {
            throw new IllegalArgumentException("a step needs at least one example, got " + count);
        }
        float inv = (float) (1.0 / count);
        // Four partial sums of squares: independent chains the CPU overlaps (one chain waits on every add).
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int n = work.length;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            float a = gradSum[i] * inv;
            float b = gradSum[i + 1] * inv;
            float c = gradSum[i + 2] * inv;
            float d = gradSum[i + 3] * inv;
            work[i] = a;
            work[i + 1] = b;
            work[i + 2] = c;
            work[i + 3] = d;
            s0 += (double) a * a;
            s1 += (double) b * b;
            s2 += (double) c * c;
            s3 += (double) d * d;
        }
        for (; i < n; i++) {
            work[i] = gradSum[i] * inv;
            s0 += (double) work[i] * work[i];
        }
        gradientNorm = Math.sqrt((s0 + s1) + (s2 + s3));
        return gradientNorm;
    }

    /** Turns the prepared mean gradient into the optimizer's update and adds it: {@code θ ← θ + Δθ}. */
    public void applyPrepared(float[] params, long step) {
        optimizer.update(work, state, params, step);
        for (int j = 0; j < work.length; j++) {
            params[j] += work[j];
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
