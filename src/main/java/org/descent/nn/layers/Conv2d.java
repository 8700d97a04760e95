package org.descent.nn.layers;

import java.util.Arrays;
import java.util.List;
import org.descent.init.Initializer;
import org.descent.nn.Kernel;
import org.descent.nn.Layer;
import org.descent.nn.LayerSlot;
import org.descent.nn.MultiplyAdds;
import org.descent.nn.Mode;
import org.descent.nn.ParamSpec;
import org.descent.nn.StepContext;
import org.descent.tensor.Blas;
import org.descent.tensor.ExactSum;
import org.descent.tensor.RowSums;
import org.descent.tensor.Shape;

/**
 * 2-D convolution (cross-correlation, as every deep-learning library) on NCHW data:
 * {@code y[o][h][w] = b[o] + Σ_{c,i,j} W[o][c][i][j] · x[c][h·s − p + i][w·s − p + j]}.
 * Weights are {@code [outC, inC·kh·kw]} (PyTorch's layout flattened), biases {@code [outC]}.
 *
 * <p>Computed per example as one sgemm on the im2col matrix X̃ ({@code inC·kh·kw × OH·OW}; in
 * training the batch's matrices are kept for backward; stride-1 windows are lowered from a zero-bordered copy,
 * {@link PaddedIm2col}):
 * {@code Y = W X̃}, whose row-major result is already the NCHW output. Backward:
 * {@code ∂L/∂W += G X̃ᵀ}, {@code ∂L/∂b += Σ_{h,w} G}, {@code ∂L/∂x = col2im(Wᵀ G)} (for stride 1 through a wide layout of
 * G, {@link WideInputGradient}).
 * Every product is already one example's, so in exact mode ({@link StepContext#exactGrads}) only the
 * sums over examples change: each example's ∂L/∂W and ∂L/∂b are added on the exact grid.
 *
 * <p>With float sums, a 3×3 stride-1 convolution over 16 or more input channels runs Winograd's F(2×2, 3×3) instead
 * ({@link Winograd3x3}): 4/9 of the multiply-adds, in 16 products over blocks of examples. {@code
 * -Ddescent.conv.winograd=false} keeps every convolution on the products above.
 */
public final class Conv2d implements Layer {
    /** The system property that, set to {@code false}, keeps every convolution off Winograd's F(2×2, 3×3). */
    public static final String WINOGRAD_PROPERTY = Winograd3x3.PROPERTY;
    private static final long serialVersionUID = 1L;
    private final int outChannels;
    private final int kernelH;
    private final int kernelW;
    private final int stride;
    private final int padding;
    private final Initializer weightInit;
    private final Initializer biasInit;

    public Conv2d(int outChannels, int kernelH, int kernelW, int stride, int padding) {
        this(outChannels, kernelH, kernelW, stride, padding, FanInUniform.INSTANCE, FanInUniform.INSTANCE);
    }

    public Conv2d(int outChannels, int kernelH, int kernelW, int stride, int padding, Initializer weightInit, Initializer biasInit) {
        if (outChannels <= 0 || kernelH <= 0 || kernelW <= 0 || stride <= 0 || padding < 0) {
            throw new IllegalArgumentException("conv2d needs positive channels, kernel and stride and padding ≥ 0, got channels "
                    + outChannels + ", kernel " + kernelH + "×" + kernelW + ", stride " + stride + ", padding " + padding);
        }
        this.outChannels = outChannels;
        this.kernelH = kernelH;
        this.kernelW = kernelW;
        this.stride = stride;
        this.padding = padding;
        this.weightInit = weightInit;
        this.biasInit = biasInit;
    }

    /** The initializer of the kernels. */
    public Initializer weightInit() {
        return weightInit;
    }

    /** The initializer of the biases. */
    public Initializer biasInit() {
        return biasInit;
    }

    /** A copy with other initializers. */
    public Conv2d withInit(Initializer weights, Initializer bias) {
        return new Conv2d(outChannels, kernelH, kernelW, stride, padding, weights, bias);
    }

    @Override
    public String type() {
        return "conv2d";
    }

    public int outChannels() {
        return outChannels;
    }

    public int kernelH() {
        return kernelH;
    }

    public int kernelW() {
        return kernelW;
    }

    public int stride() {
        return stride;
    }

    /** Zero padding on each of the four sides. */
    public int padding() {
        return padding;
    }

    private Geometry geometry(Shape in) {
        return Geometry.of(type(), in, kernelH, kernelW, stride, padding);
    }

    @Override
    public Shape outputShape(Shape in) {
        Geometry g = geometry(in);
        return Shape.of(outChannels, g.outH(), g.outW());
    }

    @Override
    public List<ParamSpec> params(Shape in) {
        Geometry g = geometry(in);
        int fanIn = g.patch();
        int fanOut = outChannels * kernelH * kernelW;
        return List.of(new ParamSpec("weight", outChannels * fanIn, fanIn, fanOut, weightInit, true),
                new ParamSpec("bias", outChannels, fanIn, fanOut, biasInit, false));
    }

    /**
     * True when float-mode steps on {@code in} run Winograd's F(2×2, 3×3) ({@link Winograd3x3}): 4/9 of the
     * {@link #multiplyAdds} counted for the direct convolution.
     */
    public boolean runsWinograd(Shape in) {
        return Winograd3x3.appliesTo(geometry(in));
    }

    @Override
    public MultiplyAdds multiplyAdds(Shape in) {
        Geometry g = geometry(in);
        return MultiplyAdds.product((long) outChannels * g.patch() * g.outPlane());
    }

    @Override
    public Kernel kernel(Shape in, LayerSlot slot) {
        Geometry g = geometry(in);
        int k = g.patch();
        int plane = g.outPlane();
        int inSize = g.inSize();
        int outSize = outChannels * plane;
        int w = slot.paramOffset();
        int b = w + outChannels * k;
        return new Kernel() {
            // The im2col matrices of the whole batch, kept from forward for backward (training only).
            private float[] cols = new float[0];
            /** ∂L/∂x's workspaces, made by the first backward that needs them (the first layer never does). */
            private float[] dcols;
            private WideInputGradient wideInputGradient;
            private final PaddedIm2col paddedIm2col = PaddedIm2col.appliesTo(g) ? new PaddedIm2col(g) : null;
            /** F(2×2, 3×3) for float sums; exact sums keep the per-example direct products. */
            private final Winograd3x3 winograd = Winograd3x3.appliesTo(g) ? new Winograd3x3(g, outChannels) : null;
            private float[] dW;
            /** One example's ∂L/∂b per output channel, before it is added. */
            private double[] planeSums;
            private final double[] planeSumScratch = RowSums.scratch();
            /** Every example's plane sums of ∂L/∂y from Winograd's backward blocks: [e][o]. */
            private double[] batchPlaneSums = new double[0];
            private int colsFor = -1;

            @Override
            public void forward(StepContext ctx, int n, float[] x, float[] y) {
                float[] p = ctx.params;
                boolean keep = ctx.mode == Mode.TRAIN;
                if (onWinograd(ctx)) {
                    winograd.forward(p, w, b, n, x, y, keep, ctx.share);
                    colsFor = -1;
                    return;
                }
                if (winograd != null) {
                    // Its inputs kept from an earlier step are not this step's.
                    winograd.forgetInputs();
                }
                int need = (keep ? n : 1) * k * plane + PaddedIm2col.SLACK;
                if (cols.length < need) {
                    cols = new float[need];
                }
                for (int e = 0; e < n; e++) {
                    int cOff = keep ? e * k * plane : 0;
                    im2col(x, e * inSize, cols, cOff);
                    int yOff = e * outSize;
                    for (int o = 0; o < outChannels; o++) {
                        Arrays.fill(y, yOff + o * plane, yOff + (o + 1) * plane, p[b + o]);
                    }
                    Blas.gemm(false, false, outChannels, plane, k, 1f, p, w, cols, cOff, 1f, y, yOff);
                }
                colsFor = keep ? n : -1;
            }

            @Override
            public void backward(StepContext ctx, int n, float[] x, float[] y, float[] dy, float[] dx) {
                float[] p = ctx.params;
                float[] grads = ctx.grads;
                if (onWinograd(ctx)) {
                    // Each example's plane sums come from the blocks; added here in example order.
                    if (batchPlaneSums.length < n * outChannels) {
                        batchPlaneSums = new double[n * outChannels];
                    }
                    winograd.backward(p, w, grads, n, x, dy, dx, ctx.share, batchPlaneSums);
                    for (int e = 0; e < n; e++) {
                        addPlaneSums(batchPlaneSums, e * outChannels, grads, null);
                    }
                    return;
                }
                boolean cached = colsFor == n;
                if (!cached && cols.length < k * plane + PaddedIm2col.SLACK) {
                    cols = new float[k * plane + PaddedIm2col.SLACK];
                }
                for (int e = 0; e < n; e++) {
                    int yOff = e * outSize;
                    int cOff = cached ? e * k * plane : 0;
                    if (!cached) {
                        im2col(x, e * inSize, cols, 0);
                    }
                    double[] exact = ctx.exactGrads;
                    if (exact != null) {
                        // Exact mode: this example's ∂L/∂W on its own, then added on the exact grid.
                        if (dW == null) {
                            dW = new float[outChannels * k];
                        }
                        Blas.gemm(false, true, outChannels, k, plane, 1f, dy, yOff, cols, cOff, 0f, dW, 0);
                        ExactSum.add(exact, w, dW, 0, outChannels * k);
                    } else {
                        Blas.gemm(false, true, outChannels, k, plane, 1f, dy, yOff, cols, cOff, 1f, grads, w);
                    }
                    addBiasGradients(dy, yOff, grads, exact);
                    if (dx != null && WideInputGradient.appliesTo(g)) {
                        if (wideInputGradient == null) {
                            wideInputGradient = new WideInputGradient(g, outChannels);
                        }
                        wideInputGradient.compute(p, w, dy, yOff, dx, e * inSize);
                    } else if (dx != null) {
                        if (dcols == null) {
                            dcols = new float[k * plane];
                        }
                        Blas.gemm(true, false, k, plane, outChannels, 1f, p, w, dy, yOff, 0f, dcols, 0);
                        Arrays.fill(dx, e * inSize, (e + 1) * inSize, 0f);
                        g.col2imAdd(dcols, 0, dx, e * inSize);
                    }
                }
            }

            /**
             * Whether this step's pass takes F(2×2, 3×3): the layer's shape allows it and the step has float sums. Forward
             * and backward each ask for their own step, so any mix of float and exact steps stays correct.
             */
            private boolean onWinograd(StepContext ctx) {
                return winograd != null && ctx.exactGrads == null;
            }

            /** One example's ∂L/∂b (its output gradient at {@code dy[yOff]}) added to {@code grads}, or on the exact grid. */
            private void addBiasGradients(float[] dy, int yOff, float[] grads, double[] exact) {
                // One example's sums over each plane, vectorized and four planes at a time: a serial chain of float adds
                // is bound by the add's latency (it was 1.5 of the first layer's 4.1 ms of backward per step of 128).
                if (planeSums == null) {
                    planeSums = new double[outChannels];
                }
                RowSums.sums(dy, yOff, plane, outChannels, plane, false, planeSums, 0, planeSumScratch);
                addPlaneSums(planeSums, 0, grads, exact);
            }

            /** One example's plane sums ({@code sums[at …]}, one per output channel) added to ∂L/∂b, or on the exact grid. */
            private void addPlaneSums(double[] sums, int at, float[] grads, double[] exact) {
                for (int o = 0; o < outChannels; o++) {
                    double s = sums[at + o];
                    if (exact != null) {
                        exact[b + o] += ExactSum.q(s);
                    } else {
                        grads[b + o] += (float) s;
                    }
                }
            }

            private void im2col(float[] x, int xOff, float[] out, int outOff) {
                if (paddedIm2col != null) {
                    paddedIm2col.im2col(x, xOff, out, outOff);
                } else {
                    g.im2col(x, xOff, out, outOff);
                }
            }
        };
    }

    @Override
    public String toString() {
        return "conv2d(" + outChannels + ", " + kernelH + "×" + kernelW + ", stride " + stride + ", padding " + padding + ")";
    }
}
