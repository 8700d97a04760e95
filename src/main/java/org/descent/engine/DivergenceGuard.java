package org.descent.engine;

import org.descent.nn.ParamLayout;

/**
 * Stops a run at the first step whose summed loss or gradient is not finite, before the optimizer
 * applies it, naming the step and the first parameter tensor (in layer order) whose gradient is
 * NaN or infinite — the parameters stay those of the last good step.
 */
public final class DivergenceGuard {
    private DivergenceGuard() {
    }

    /**
     * Throws unless {@code gradientNorm} and {@code lossSum} are finite ({@link ParameterUpdater#prepare}'s
     * norm is finite exactly when every gradient entry is); the message names the first non-finite tensor.
     */
    public static void check(ParamLayout layout, float[] gradSum, double gradientNorm, double lossSum, int epoch, long step) {
        if (!Double.isFinite(gradientNorm) || !Double.isFinite(lossSum)) {
            fail(layout, gradSum, lossSum, epoch, step);
        }
    }

    private static void fail(ParamLayout layout, float[] gradSum, double lossSum, int epoch, long step) {
        for (ParamLayout.Segment s : layout.segments()) {
            for (int i = s.offset(); i < s.end(); i++) {
                if (!Float.isFinite(gradSum[i])) {
                    throw new DivergenceException("training diverged at step " + step + " (epoch " + (epoch + 1) + "): the gradient of "
                            + s.name() + " is " + gradSum[i] + " (loss " + lossSum + "); lower the learning rate or clip gradients (optimizer.clipNorm)");
                }
            }
        }
        if (!Double.isFinite(lossSum)) {
            throw new DivergenceException("training diverged at step " + step + " (epoch " + (epoch + 1) + "): the loss is " + lossSum
                    + "; lower the learning rate or clip gradients (optimizer.clipNorm)");
        }
    }
}
