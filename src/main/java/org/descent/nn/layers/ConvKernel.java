package org.descent.nn.layers;

import java.util.Arrays;
import org.descent.nn.Kernel;
import org.descent.nn.Mode;
import org.descent.nn.StepContext;
import org.descent.tensor.Blas;
import org.descent.tensor.ExactSum;

/**
 * The compute of {@link Conv2d}: {@code Y = W X̃} on the im2col matrix X̃, {@code ∂L/∂W += G X̃ᵀ},
 * {@code ∂L/∂b += Σ G}, {@code ∂L/∂x = col2im(Wᵀ G)}.
 *
 * <p><b>Float sums</b> lower a tile of E examples at once: their im2col matrices side by side make one
 * {@code [C·kh·kw, E·OH·OW]} matrix, so each of the three products is one GEMM whose long dimension is E·OH·OW
 * (the whole batch in training, where the matrix is kept for backward; {@link #EVAL_TILE} examples in evaluation)
 * instead of E small ones. The products' results are channel-major ({@code [C_out, E·OH·OW]}); the outputs are
 * copied to NCHW with the bias added in the same pass, and the output gradients gathered the other way. In backward
 * the input gradient's {@code Wᵀ G} overwrites X̃ once the weight gradient has used it.
 *
 * <p><b>Exact sums</b> ({@link StepContext#exactGrads}) keep one product per example, whose shape does not depend on
 * the batch, so an example's outputs and gradient terms are the same bits however the batch is split; each example's
 * {@code ∂L/∂W} and {@code ∂L/∂b} are added on the exact grid.
 */
final class ConvKernel implements Kernel {
    /** Examples lowered together in evaluation (bounds the workspace when the evaluator's batches are large). */
    static final int EVAL_TILE = 32;

    private final Geometry g;
    private final int outChannels;
    private final int k;
    private final int plane;
    private final int inSize;
    private final int outSize;
    private final int w;
    private final int b;
    /** The im2col matrices: side by side ({@code [k, E·plane]}) in float mode, one after another in exact mode. */
    private float[] cols = new float[0];
    /** Float mode: a tile's outputs, or its output gradients, channel-major {@code [C_out, E·plane]}. */
    private float[] wide = new float[0];
    /** Exact mode: one example's input-gradient columns and weight gradient. */
    private float[] dcols;
    private float[] dW;
    /** The batch size whose im2col matrix {@link #cols} holds from the last training forward, or −1. */
    private int colsFor = -1;
    private boolean colsExact;

    ConvKernel(Geometry g, int outChannels, int paramOffset) {
        this.g = g;
        this.outChannels = outChannels;
        this.k = g.patch();
        this.plane = g.outPlane();
        this.inSize = g.inSize();
        this.outSize = outChannels * plane;
        this.w = paramOffset;
        this.b = paramOffset + outChannels * k;
    }

    private void ensure(int examples) {
        int need = examples * k * plane;
        if (cols.length < need) {
            cols = new float[need];
        }
    }

    private void ensureWide(int examples) {
        if (wide.length < examples * outSize) {
            wide = new float[examples * outSize];
        }
    }

    @Override
    public void forward(StepContext ctx, int n, float[] x, float[] y) {
        boolean keep = ctx.mode == Mode.TRAIN;
        if (ctx.exactGrads != null) {
            forwardPerExample(ctx.params, n, x, y, keep);
        } else {
            int tile = keep ? n : Math.min(n, EVAL_TILE);
            ensure(tile);
            ensureWide(tile);
            for (int from = 0; from < n; from += tile) {
                forwardTile(ctx.params, from, Math.min(tile, n - from), x, y);
            }
        }
        colsFor = keep ? n : -1;
        colsExact = ctx.exactGrads != null;
    }

    /** Examples {@code from … from + count − 1}: one im2col matrix, one product, one pass to NCHW with the bias. */
    private void forwardTile(float[] p, int from, int count, float[] x, float[] y) {
        int ld = count * plane;
        for (int e = 0; e < count; e++) {
            g.im2col(x, (from + e) * inSize, cols, e * plane, ld);
        }
        Blas.gemm(false, false, outChannels, ld, k, 1f, p, w, cols, 0, 0f, wide, 0);
        for (int e = 0; e < count; e++) {
            int yOff = (from + e) * outSize;
            for (int o = 0; o < outChannels; o++) {
                float bias = p[b + o];
                int src = o * ld + e * plane;
                int dst = yOff + o * plane;
                for (int q = 0; q < plane; q++) {
                    y[dst + q] = wide[src + q] + bias;
                }
            }
        }
    }

    private void forwardPerExample(float[] p, int n, float[] x, float[] y, boolean keep) {
        ensure(keep ? n : 1);
        for (int e = 0; e < n; e++) {
            int cOff = keep ? e * k * plane : 0;
            g.im2col(x, e * inSize, cols, cOff);
            int yOff = e * outSize;
            for (int o = 0; o < outChannels; o++) {
                Arrays.fill(y, yOff + o * plane, yOff + (o + 1) * plane, p[b + o]);
            }
            Blas.gemm(false, false, outChannels, plane, k, 1f, p, w, cols, cOff, 1f, y, yOff);
        }
    }

    @Override
    public void backward(StepContext ctx, int n, float[] x, float[] y, float[] dy, float[] dx) {
        if (ctx.exactGrads != null) {
            backwardPerExample(ctx, n, x, dy, dx);
        } else {
            backwardBatch(ctx, n, x, dy, dx);
        }
        colsFor = -1;
    }

    private void backwardBatch(StepContext ctx, int n, float[] x, float[] dy, float[] dx) {
        float[] p = ctx.params;
        float[] grads = ctx.grads;
        int ld = n * plane;
        if (colsFor != n || colsExact) {
            ensure(n);
            for (int e = 0; e < n; e++) {
                g.im2col(x, e * inSize, cols, e * plane, ld);
            }
        }
        ensureWide(n);
        for (int e = 0; e < n; e++) {
            for (int o = 0; o < outChannels; o++) {
                System.arraycopy(dy, e * outSize + o * plane, wide, o * ld + e * plane, plane);
            }
        }
        for (int o = 0; o < outChannels; o++) {
            double s = 0;
            for (int q = o * ld, end = q + ld; q < end; q++) {
                s += wide[q];
            }
            grads[b + o] += (float) s;
        }
        Blas.gemm(false, true, outChannels, k, ld, 1f, wide, 0, cols, 0, 1f, grads, w);
        if (dx != null) {
            Blas.gemm(true, false, k, ld, outChannels, 1f, p, w, wide, 0, 0f, cols, 0);
            Arrays.fill(dx, 0, n * inSize, 0f);
            for (int e = 0; e < n; e++) {
                g.col2imAdd(cols, e * plane, dx, e * inSize, ld);
            }
        }
    }

    private void backwardPerExample(StepContext ctx, int n, float[] x, float[] dy, float[] dx) {
        float[] p = ctx.params;
        double[] exact = ctx.exactGrads;
        boolean cached = colsFor == n && colsExact;
        if (!cached) {
            ensure(1);
        }
        if (dW == null) {
            dW = new float[outChannels * k];
            dcols = new float[k * plane];
        }
        for (int e = 0; e < n; e++) {
            int yOff = e * outSize;
            int cOff = cached ? e * k * plane : 0;
            if (!cached) {
                g.im2col(x, e * inSize, cols, 0);
            }
            // This example's ∂L/∂W on its own, then added on the exact grid.
            Blas.gemm(false, true, outChannels, k, plane, 1f, dy, yOff, cols, cOff, 0f, dW, 0);
            ExactSum.add(exact, w, dW, 0, outChannels * k);
            for (int o = 0; o < outChannels; o++) {
                float s = 0f;
                int off = yOff + o * plane;
                for (int q = 0; q < plane; q++) {
                    s += dy[off + q];
                }
                exact[b + o] += ExactSum.q(s);
            }
            if (dx != null) {
                Blas.gemm(true, false, k, plane, outChannels, 1f, p, w, dy, yOff, 0f, dcols, 0);
                Arrays.fill(dx, e * inSize, (e + 1) * inSize, 0f);
                g.col2imAdd(dcols, 0, dx, e * inSize);
            }
        }
    }
}
