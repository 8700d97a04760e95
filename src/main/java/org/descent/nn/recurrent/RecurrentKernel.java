package org.descent.nn.recurrent;

import java.util.Arrays;
import org.descent.nn.Kernel;
import org.descent.nn.LayerSlot;
import org.descent.nn.StepContext;
import org.descent.tensor.Blas;
import org.descent.tensor.ExactSum;
import org.descent.tensor.FixedOrderProduct;
import org.descent.tensor.FloatArrays;

/**
 * Forward and backpropagation through time for a layer of {@code G} gates. The input projection {@code x_t W_ihᵀ} of
 * every step of every example is one product over the batch's {@code n·T} rows; then, step by step, the recurrent
 * product {@code h_{t−1} W_hhᵀ} is one product over the batch's n rows, and the cell ({@link #cell}) turns both into
 * {@code h_t} and keeps what its backward needs. Backward runs t = T … 1: the cell turns {@code g_t = ∂L/∂h_t} into
 * the gradients of its gate pre-activations on the input side ({@code δx_t}) and the hidden side ({@code δh_t}, the
 * same for layers whose hidden-side pre-activation is not gated); {@code δh_t W_hh} (n rows at once) flows to
 * {@code g_{t−1}}. After the loop the weight gradients are {@code Σ δx_tᵀ x_t} (one product over the n·T rows) and
 * {@code Σ δh_tᵀ h_{t−1}} (one product over the n·T rows, the previous states copied back to back), and
 * {@code ∂L/∂x = δx W_ih} one more.
 *
 * <p>In exact mode ({@code engine.reduction = exact}) the products go through {@link FixedOrderProduct}, whose value for
 * a row does not depend on the other rows (a BLAS call's does), and every weight-gradient term goes to the exact
 * accumulator, so a batch's gradient does not depend on how it is split. Every workspace is sized once per batch
 * size: no step allocates. An evaluation allocates no backward workspace and runs its batch in chunks of
 * {@link #EVAL_CHUNK} examples.
 */
abstract class RecurrentKernel implements Kernel {
    /** Whether gated cells run their element-wise loops on the Vector API ({@link GateLanes}; the same bits). */
    protected static final boolean VECTOR_LANES = org.descent.tensor.FloatMath.vectorized();

    protected final int steps;
    protected final int features;
    protected final int hidden;
    protected final int width;
    private final boolean lastOnly;
    private final int cacheWidth;
    private final boolean gatedHiddenSide;
    protected final int wih;
    protected final int whh;
    protected final int bih;
    protected final int bhh;
    /** h_t for t = 0 … T of every example of the last forward, h_0 = 0. */
    protected float[] states = new float[0];
    /** {@link #cacheWidth} floats per step of every example of the last forward. */
    protected float[] cache = new float[0];
    private float[] pre = new float[0];
    private float[] rec = new float[0];
    private float[] deltaX = new float[0];
    private float[] deltaH = deltaX;
    private float[] back = new float[0];
    /** Every example's h_0 … h_{T−1} back to back ({@code n·T} rows of H): the hidden side's weight gradient in one product. */
    private float[] previousStates = new float[0];
    /** Exact mode: W_ihᵀ and W_hhᵀ for the fixed-order products, the recurrent gradient's product, a row of sums. */
    private final float[] inputWeightsT;
    private final float[] hiddenWeightsT;
    private float[] throughWeights = new float[0];
    private double[] rowOfSums = new double[0];
    private final float[] stateGrad;
    private final float[] biasSum;
    private int capacity;

    /** {@code cacheWidth}: the floats per step the cell keeps for its backward. */
    RecurrentKernel(int steps, int features, int hidden, int gates, int cacheWidth, boolean lastOnly, LayerSlot slot) {
        this.steps = steps;
        this.features = features;
        this.hidden = hidden;
        this.width = gates * hidden;
        this.lastOnly = lastOnly;
        this.cacheWidth = cacheWidth;
        this.gatedHiddenSide = hiddenSideGated();
        this.wih = slot.paramOffset();
        this.whh = wih + width * features;
        this.bih = whh + width * hidden;
        this.bhh = bih + width;
        this.stateGrad = new float[hidden];
        this.biasSum = new float[width];
        this.inputWeightsT = new float[width * features];
        this.hiddenWeightsT = new float[width * hidden];
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
     * Step t of example e: {@code pre[po …]} is {@code W_ih x_t} and {@code rec[ro …]} is {@code W_hh h_{t−1}} (biases
     * not added); writes {@code h_t} at {@code states[state(e, t)]} and fills the step's cache.
     */
    protected abstract void cell(float[] p, int e, int t, float[] pre, int po, float[] rec, int ro);

    /** Called before a batch's backward with its size, to clear state the cell carries between steps (LSTM's ∂c). */
    protected void beginBackward(int n) {
    }

    /**
     * Backward of step t of example e, given {@code g = ∂L/∂h_t}: writes the gate pre-activation gradients
     * {@code dx[o …]} and, when {@link #hiddenSideGated()}, {@code dh[o …]}, and sets {@code toPrevious[tp …]} to
     * the part of {@code ∂L/∂h_{t−1}} that does not go through {@code W_hh}.
     */
    protected abstract void cellBackward(float[] p, int e, int t, float[] g, float[] dx, float[] dh, int o, float[] toPrevious, int tp);

    /** The forward's workspaces for n examples (states, caches, projections), grown only for a larger n. */
    private void ensure(int n) {
        if (n > capacity) {
            capacity = n;
            states = new float[size(n, steps + 1, hidden)];
            cache = new float[size(n, steps, cacheWidth)];
            pre = new float[size(n, steps, width)];
            rec = new float[size(n, 1, width)];
        }
    }

    /** The backward's workspaces, allocated by the first backward only (an evaluation never needs them). */
    private void ensureBackward(int n) {
        if (deltaX.length < size(n, steps, width)) {
            deltaX = new float[size(n, steps, width)];
            deltaH = gatedHiddenSide ? new float[size(n, steps, width)] : deltaX;
            back = new float[size(n, 1, hidden)];
            previousStates = new float[size(n, steps, hidden)];
            throughWeights = new float[size(n, 1, hidden)];
        }
    }

    /** n · a · b floats, or one line when that passes what an array holds. */
    private int size(int n, int a, int b) {
        long floats = (long) n * a * b;
        if (floats > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a recurrent layer over " + steps + " steps of " + hidden + " units cannot hold a batch of " + n
                    + " examples in one array (" + floats + " floats); use a smaller training.batchSize");
        }
        return (int) floats;
    }

    /**
     * In evaluation the batch goes through in chunks of this many examples, so that evaluating a large block (the
     * evaluator's batches are 1,024) holds the caches of a chunk, not of the block.
     */
    static final int EVAL_CHUNK = 64;

    @Override
    public void forward(StepContext ctx, int n, float[] x, float[] y) {
        if (ctx.mode == org.descent.nn.Mode.EVAL && n > EVAL_CHUNK) {
            int out = lastOnly ? hidden : steps * hidden;
            for (int from = 0; from < n; from += EVAL_CHUNK) {
                forward(ctx, Math.min(EVAL_CHUNK, n - from), x, from * steps * features, y, from * out);
            }
            return;
        }
        forward(ctx, n, x, 0, y, 0);
    }

    /** Forward of n examples read from {@code x[xo …]}, written to {@code y[yo …]}. */
    private void forward(StepContext ctx, int n, float[] x, int xo, float[] y, int yo) {
        ensure(n);
        float[] p = ctx.params;
        boolean exact = ctx.exactGrads != null;
        for (int e = 0; e < n; e++) {
            Arrays.fill(states, state(e, 0), state(e, 0) + hidden, 0f);
        }
        if (exact) {
            FixedOrderProduct.transpose(p, wih, width, features, inputWeightsT);
            FixedOrderProduct.transpose(p, whh, width, hidden, hiddenWeightsT);
            FixedOrderProduct.multiply(n * steps, width, features, x, xo, features, inputWeightsT, 0, width, pre, 0, width);
        } else {
            Blas.gemm(false, true, n * steps, width, features, 1f, x, xo, p, wih, 0f, pre, 0);
        }
        int stateStride = (steps + 1) * hidden;
        for (int t = 1; t <= steps; t++) {
            if (exact) {
                FixedOrderProduct.multiply(n, width, hidden, states, state(0, t - 1), stateStride, hiddenWeightsT, 0, width, rec, 0, width);
            } else {
                Blas.gemm(false, true, n, width, hidden, 1f, states, state(0, t - 1), stateStride, p, whh, hidden, 0f, rec, 0, width);
            }
            for (int e = 0; e < n; e++) {
                cell(p, e, t, pre, (e * steps + t - 1) * width, rec, e * width);
            }
        }
        for (int e = 0; e < n; e++) {
            if (lastOnly) {
                System.arraycopy(states, state(e, steps), y, yo + e * hidden, hidden);
            } else {
                System.arraycopy(states, state(e, 1), y, yo + e * steps * hidden, steps * hidden);
            }
        }
    }

    @Override
    public void backward(StepContext ctx, int n, float[] x, float[] y, float[] dy, float[] dx) {
        ensureBackward(n);
        float[] p = ctx.params;
        boolean exact = ctx.exactGrads != null;
        Arrays.fill(back, 0, n * hidden, 0f);
        beginBackward(n);
        for (int t = steps; t >= 1; t--) {
            for (int e = 0; e < n; e++) {
                int out = lastOnly ? (t == steps ? e * hidden : -1) : (e * steps + t - 1) * hidden;
                for (int j = 0; j < hidden; j++) {
                    stateGrad[j] = back[e * hidden + j] + (out >= 0 ? dy[out + j] : 0f);
                }
                cellBackward(p, e, t, stateGrad, deltaX, deltaH, (e * steps + t - 1) * width, back, e * hidden);
            }
            if (exact) {
                FixedOrderProduct.multiply(n, hidden, width, deltaH, (t - 1) * width, steps * width, p, whh, hidden, throughWeights, 0, hidden);
                FloatArrays.add(throughWeights, 0, back, 0, n * hidden);
            } else {
                Blas.gemm(false, false, n, hidden, width, 1f, deltaH, (t - 1) * width, steps * width, p, whh, hidden, 1f, back, 0, hidden);
            }
        }
        if (exact) {
            accumulateExactly(ctx.exactGrads, x, n);
        } else {
            float[] g = ctx.grads;
            Blas.gemm(true, false, width, features, n * steps, 1f, deltaX, 0, x, 0, 1f, g, wih);
            copyPreviousStates(n);
            Blas.gemm(true, false, width, hidden, n * steps, 1f, deltaH, 0, previousStates, 0, 1f, g, whh);
            columnSums(deltaX, n * steps);
            for (int k = 0; k < width; k++) {
                g[bih + k] += biasSum[k];
            }
            if (deltaH != deltaX) {
                columnSums(deltaH, n * steps);
            }
            // Not gated (deltaH is deltaX): both biases have the same gradient.
            for (int k = 0; k < width; k++) {
                g[bhh + k] += biasSum[k];
            }
        }
        if (dx != null) {
            if (exact) {
                FixedOrderProduct.multiply(n * steps, features, width, deltaX, 0, width, p, wih, features, dx, 0, features);
            } else {
                Blas.gemm(false, false, n * steps, features, width, 1f, deltaX, 0, p, wih, 0f, dx, 0);
            }
        }
    }

    /** {@link #previousStates} = every example's h_0 … h_{T−1}, back to back. */
    private void copyPreviousStates(int n) {
        for (int e = 0; e < n; e++) {
            System.arraycopy(states, state(e, 0), previousStates, e * steps * hidden, steps * hidden);
        }
    }

    /** {@link #biasSum} = the sums over the first {@code rows} rows of {@code delta} ({@code rows × width}). */
    private void columnSums(float[] delta, int rows) {
        Arrays.fill(biasSum, 0f);
        for (int r = 0; r < rows; r++) {
            int o = r * width;
            for (int k = 0; k < width; k++) {
                biasSum[k] += delta[o + k];
            }
        }
    }

    /**
     * The batch's weight-gradient terms rounded to the exact grid and added ({@link ExactSum#addOuterProducts}: the
     * input side over the n·T rows of x, the hidden side over the previous states copied back to back), and the bias
     * terms one by one: the sums do not depend on order, so not on how the batch is split.
     */
    private void accumulateExactly(double[] exact, float[] x, int n) {
        int rows = n * steps;
        copyPreviousStates(n);
        int scratch = ExactSum.outerProductScratch(rows, Math.max(features, hidden));
        if (rowOfSums.length < scratch) {
            rowOfSums = new double[scratch];
        }
        ExactSum.addOuterProducts(exact, wih, deltaX, 0, width, x, 0, features, rows, rowOfSums);
        ExactSum.addOuterProducts(exact, whh, deltaH, 0, width, previousStates, 0, hidden, rows, rowOfSums);
        for (int r = 0; r < rows; r++) {
            ExactSum.add(exact, bih, deltaX, r * width, width);
            ExactSum.add(exact, bhh, deltaH, r * width, width);
        }
    }
}
