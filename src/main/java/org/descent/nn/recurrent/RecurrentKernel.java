package org.descent.nn.recurrent;

import java.util.Arrays;
import org.descent.nn.Kernel;
import org.descent.nn.LayerSlot;
import org.descent.nn.StepContext;
import org.descent.tensor.Blas;
import org.descent.tensor.ExactSum;

/**
 * Forward and backpropagation through time for a layer of {@code G} gates, one example at a time. Per example,
 * the input projection of all T steps is one product {@code [T, F]·W_ihᵀ}; per step, the recurrent product
 * {@code W_hh h_{t−1}} is one row; the cell ({@link #cell}) turns both into {@code h_t} and keeps what its backward
 * needs. Backward runs t = T … 1: the cell turns {@code g_t = ∂L/∂h_t} into the gradients of its gate
 * pre-activations on the input side ({@code δx_t}) and the hidden side ({@code δh_t}, the same for layers whose
 * hidden-side pre-activation is not gated); {@code W_hhᵀ δh_t} flows to {@code g_{t−1}}. After the loop the weight
 * gradients are {@code Σ_t δx_t x_tᵀ} and {@code Σ_t δh_t h_{t−1}ᵀ}, each one product over the T steps, and
 * {@code ∂L/∂x = δx·W_ih} one more. In exact mode every term goes to the exact accumulator instead, so a batch's
 * gradient does not depend on how it is split.
 *
 * <p>Every workspace is sized once per batch size: no step allocates.
 */
abstract class RecurrentKernel implements Kernel {
    protected final int steps;
    protected final int features;
    protected final int hidden;
    protected final int width;
    private final boolean lastOnly;
    private final int cacheWidth;
    protected final int wih;
    protected final int whh;
    protected final int bih;
    protected final int bhh;
    /** h_t for t = 0 … T of every example of the last forward, h_0 = 0. */
    protected float[] states = new float[0];
    /** {@link #cacheWidth} floats per step of every example of the last forward. */
    protected float[] cache = new float[0];
    private final float[] pre;
    private final float[] rec;
    private final float[] deltaX;
    private final float[] deltaH;
    private final float[] stateGrad;
    private final float[] back;

    /** {@code cacheWidth}: the floats per step the cell keeps for its backward. */
    RecurrentKernel(int steps, int features, int hidden, int gates, int cacheWidth, boolean lastOnly, LayerSlot slot) {
        this.steps = steps;
        this.features = features;
        this.hidden = hidden;
        this.width = gates * hidden;
        this.lastOnly = lastOnly;
        this.cacheWidth = cacheWidth;
        this.wih = slot.paramOffset();
        this.whh = wih + width * features;
        this.bih = whh + width * hidden;
        this.bhh = bih + width;
        this.pre = new float[steps * width];
        this.rec = new float[width];
        this.deltaX = new float[steps * width];
        this.deltaH = hiddenSideGated() ? new float[steps * width] : deltaX;
        this.stateGrad = new float[hidden];
        this.back = new float[hidden];
    }

    /** Offset of h_t (t = 0 … T) of example e in {@link #states}. */
    protected final int state(int e, int t) {
        return (e * (steps + 1) + t) * hidden;
    }

    /** Offset of step t's (t = 1 … T) cache of example e in {@link #cache}. */
    protected final int cached(int e, int t) {
        return (e * steps + t - 1) * cacheWidth;
    }

    /** Whether the hidden side's pre-activation gradient differs from the input side's (GRU's reset gate). */
    protected boolean hiddenSideGated() {
        return false;
    }

    /**
     * Step t of example e: {@code pre[po …]} is {@code W_ih x_t} and {@code rec} is {@code W_hh h_{t−1}} (biases not
     * added); writes {@code h_t} at {@code states[state(e, t)]} and fills the step's cache.
     */
    protected abstract void cell(float[] p, int e, int t, float[] pre, int po, float[] rec);

    /** Called before an example's backward, to clear state the cell carries between steps (LSTM's cell gradient). */
    protected void beginBackward() {
    }

    /**
     * Backward of step t of example e, given {@code g = ∂L/∂h_t}: writes the gate pre-activation gradients
     * {@code dx[o …]} and, when {@link #hiddenSideGated()}, {@code dh[o …]}, and sets {@code toPrevious} to the part
     * of {@code ∂L/∂h_{t−1}} that does not go through {@code W_hh}.
     */
    protected abstract void cellBackward(float[] p, int e, int t, float[] g, float[] dx, float[] dh, int o, float[] toPrevious);

    @Override
    public void forward(StepContext ctx, int n, float[] x, float[] y) {
        if (states.length < n * (steps + 1) * hidden) {
            states = new float[n * (steps + 1) * hidden];
            cache = new float[n * steps * cacheWidth];
        }
        float[] p = ctx.params;
        for (int e = 0; e < n; e++) {
            Arrays.fill(states, state(e, 0), state(e, 0) + hidden, 0f);
            Blas.gemm(false, true, steps, width, features, 1f, x, e * steps * features, p, wih, 0f, pre, 0);
            for (int t = 1; t <= steps; t++) {
                Blas.gemm(false, true, 1, width, hidden, 1f, states, state(e, t - 1), p, whh, 0f, rec, 0);
                cell(p, e, t, pre, (t - 1) * width, rec);
            }
            if (lastOnly) {
                System.arraycopy(states, state(e, steps), y, e * hidden, hidden);
            } else {
                System.arraycopy(states, state(e, 1), y, e * steps * hidden, steps * hidden);
            }
        }
    }

    @Override
    public void backward(StepContext ctx, int n, float[] x, float[] y, float[] dy, float[] dx) {
        float[] p = ctx.params;
        for (int e = 0; e < n; e++) {
            Arrays.fill(back, 0f);
            beginBackward();
            for (int t = steps; t >= 1; t--) {
                int out = lastOnly ? (t == steps ? e * hidden : -1) : (e * steps + t - 1) * hidden;
                for (int j = 0; j < hidden; j++) {
                    stateGrad[j] = back[j] + (out >= 0 ? dy[out + j] : 0f);
                }
                int o = (t - 1) * width;
                cellBackward(p, e, t, stateGrad, deltaX, deltaH, o, back);
                Blas.gemm(false, false, 1, hidden, width, 1f, deltaH, o, p, whh, 1f, back, 0);
            }
            int xe = e * steps * features;
            if (ctx.exactGrads != null) {
                accumulateExactly(ctx.exactGrads, x, xe, e);
            } else {
                float[] g = ctx.grads;
                Blas.gemm(true, false, width, features, steps, 1f, deltaX, 0, x, xe, 1f, g, wih);
                Blas.gemm(true, false, width, hidden, steps, 1f, deltaH, 0, states, state(e, 0), 1f, g, whh);
                for (int t = 0; t < steps; t++) {
                    for (int k = 0; k < width; k++) {
                        g[bih + k] += deltaX[t * width + k];
                        g[bhh + k] += deltaH[t * width + k];
                    }
                }
            }
            if (dx != null) {
                Blas.gemm(false, false, steps, features, width, 1f, deltaX, 0, p, wih, 0f, dx, xe);
            }
        }
    }

    /** Every example's weight-gradient terms rounded to the exact grid and added: the sum does not depend on order. */
    private void accumulateExactly(double[] exact, float[] x, int xe, int e) {
        for (int t = 0; t < steps; t++) {
            int xt = xe + t * features;
            int prev = state(e, t);
            for (int k = 0; k < width; k++) {
                float a = deltaX[t * width + k];
                float b = deltaH[t * width + k];
                if (a != 0f) {
                    ExactSum.addScaled(exact, wih + k * features, a, x, xt, features);
                    exact[bih + k] += ExactSum.q(a);
                }
                if (b != 0f) {
                    ExactSum.addScaled(exact, whh + k * hidden, b, states, prev, hidden);
                    exact[bhh + k] += ExactSum.q(b);
                }
            }
        }
    }

    static float sigmoid(float a) {
        return (float) (1 / (1 + Math.exp(-a)));
    }
}
