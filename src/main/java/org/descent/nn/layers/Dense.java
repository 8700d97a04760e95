package org.descent.nn.layers;

import java.util.List;
import org.descent.init.Initializer;
import org.descent.nn.Kernel;
import org.descent.nn.Layer;
import org.descent.nn.LayerSlot;
import org.descent.nn.MultiplyAdds;
import org.descent.nn.ParamSpec;
import org.descent.nn.StepContext;
import org.descent.tensor.Blas;
import org.descent.tensor.ExactSum;
import org.descent.tensor.FixedOrderProduct;
import org.descent.tensor.Shape;

/**
 * Affine layer {@code y = x Wᵀ + b} with {@code W ∈ ℝ^{out×in}} (PyTorch's layout) and
 * {@code b ∈ ℝ^{out}}. A sequence {@code [T, F]} (a recurrent layer's output, or a {@code [T, F]} input) is
 * transformed step by step, as PyTorch's {@code nn.Linear} on its last axis: {@code [T, F] → [T, out]}; any other
 * input shape is treated as its flattened vector.
 *
 * <p>Backward, for a batch X (n×in) and upstream G = ∂L/∂Y (n×out):
 * {@code ∂L/∂W = Gᵀ X}, {@code ∂L/∂b = Σ_rows G}, {@code ∂L/∂X = G W}; all three products are sgemm.
 *
 * <p>In exact mode ({@link StepContext#exactGrads}) Y and ∂L/∂X go through {@link FixedOrderProduct}, whose value
 * for a row does not depend on the other rows of the call (a BLAS product's does), and
 * {@code ∂L/∂W = Σᵢ gᵢ xᵢᵀ}, {@code ∂L/∂b = Σᵢ gᵢ} add each example's terms on the exact grid
 * ({@link ExactSum#addOuterProducts}, unit by unit over the whole batch).
 */
public final class Dense implements Layer {
    private static final long serialVersionUID = 1L;
    private final int units;
    private final Initializer weightInit;
    private final Initializer biasInit;

    public Dense(int units) {
        this(units, FanInUniform.INSTANCE, FanInUniform.INSTANCE);
    }

    public Dense(int units, Initializer weightInit, Initializer biasInit) {
        if (units <= 0) {
            throw new IllegalArgumentException("dense needs a positive number of units, got " + units);
        }
        this.units = units;
        this.weightInit = weightInit;
        this.biasInit = biasInit;
    }

    /** The initializer of the weights (kernels). */
    public Initializer weightInit() {
        return weightInit;
    }

    /** The initializer of the biases. */
    public Initializer biasInit() {
        return biasInit;
    }

    /** A copy with other initializers. */
    public Dense withInit(Initializer weights, Initializer bias) {
        return new Dense(units, weights, bias);
    }

    public int units() {
        return units;
    }

    @Override
    public String type() {
        return "dense";
    }

    @Override
    public Shape outputShape(Shape in) {
        return in.rank() == 2 ? Shape.of(in.dim(0), units) : Shape.of(units);
    }

    /** Inputs per row of the product: a step's features for a sequence, else the whole example. */
    private static int fanIn(Shape in) {
        return in.rank() == 2 ? in.dim(1) : in.size();
    }

    /** Rows of the product per example: its steps for a sequence, else 1. */
    private static int rowsPerExample(Shape in) {
        return in.rank() == 2 ? in.dim(0) : 1;
    }

    @Override
    public List<ParamSpec> params(Shape in) {
        int fanIn = fanIn(in);
        return List.of(new ParamSpec("weight", units * fanIn, fanIn, units, weightInit, true),
                new ParamSpec("bias", units, fanIn, units, biasInit, false));
    }

    @Override
    public MultiplyAdds multiplyAdds(Shape in) {
        return MultiplyAdds.product((long) rowsPerExample(in) * fanIn(in) * units);
    }

    @Override
    public Kernel kernel(Shape in, LayerSlot slot) {
        int fanIn = fanIn(in);
        int perExample = rowsPerExample(in);
        int w = slot.paramOffset();
        int b = w + units * fanIn;
        return new Kernel() {
            /**
             * Exact mode only (allocated by its first step): Wᵀ for the forward product, its rows padded with zeros to
             * whole vectors of the product's kernel, the padded output, and the weight-gradient sums' scratch.
             */
            private float[] transposed;
            private final int paddedUnits = FixedOrderProduct.vectorColumns(units);
            private float[] paddedY = new float[0];
            /** Exact mode's Xᵀ and Yᵀ when the product runs as {@code Yᵀ = W·Xᵀ} ({@link #forwardByTransposedInput}). */
            private float[] inputT = new float[0];
            private float[] outputT = new float[0];
            private double[] rowOfSums;

            @Override
            public void forward(StepContext ctx, int examples, float[] x, float[] y) {
                int n = examples * perExample;
                if (ctx.exactGrads != null && (long) n * (fanIn + units) < (long) units * fanIn) {
                    forwardByTransposedInput(ctx, n, x, y);
                } else if (ctx.exactGrads != null) {
                    // Each row's outputs on their own: the product's fixed order, over Wᵀ.
                    if (transposed == null) {
                        transposed = new float[paddedUnits * fanIn];
                    }
                    FixedOrderProduct.transpose(ctx.params, w, units, fanIn, transposed, paddedUnits);
                    if (paddedUnits == units) {
                        FixedOrderProduct.multiply(n, units, fanIn, x, 0, fanIn, transposed, 0, units, y, 0, units);
                    } else {
                        if (paddedY.length < n * paddedUnits) {
                            paddedY = new float[n * paddedUnits];
                        }
                        FixedOrderProduct.multiply(n, paddedUnits, fanIn, x, 0, fanIn, transposed, 0, paddedUnits, paddedY, 0, paddedUnits);
                        for (int i = 0; i < n; i++) {
                            System.arraycopy(paddedY, i * paddedUnits, y, i * units, units);
                        }
                    }
                } else {
                    Blas.gemm(false, true, n, units, fanIn, 1f, x, 0, ctx.params, w, 0f, y, 0);
                }
                float[] p = ctx.params;
                for (int i = 0; i < n; i++) {
                    int row = i * units;
                    for (int j = 0; j < units; j++) {
                        y[row + j] += p[b + j];
                    }
                }
            }

            /**
             * The exact forward product as {@code Yᵀ = W·Xᵀ}, over W as it is and Xᵀ (its columns padded to whole vectors),
             * then Yᵀ transposed into Y: each element is the same chain of fused multiply-adds in k order as in
             * {@code X·Wᵀ} ({@code fma(a, b, c) = fma(b, a, c)}), so the same bits, and the transposes move
             * {@code n·(in + out)} floats instead of W's {@code out·in} (a third of them for the quickstart's first
             * layer at 128 rows, a sixth for a partition of 64).
             */
            private void forwardByTransposedInput(StepContext ctx, int n, float[] x, float[] y) {
                int cols = FixedOrderProduct.vectorColumns(n);
                if (inputT.length < fanIn * cols) {
                    inputT = new float[fanIn * cols];
                }
                if (outputT.length < units * cols) {
                    outputT = new float[units * cols];
                }
                // Columns n … cols − 1 of Xᵀ hold zeros or an earlier batch's rows: they only reach the dropped columns of Yᵀ.
                FixedOrderProduct.transpose(x, 0, n, fanIn, inputT, cols);
                FixedOrderProduct.multiply(units, cols, fanIn, ctx.params, w, fanIn, inputT, 0, cols, outputT, 0, cols);
                FixedOrderProduct.transpose(outputT, 0, cols, units, n, y, units);
            }

            @Override
            public void backward(StepContext ctx, int examples, float[] x, float[] y, float[] dy, float[] dx) {
                int n = examples * perExample;
                if (ctx.exactGrads != null) {
                    backwardExact(ctx, n, x, dy, dx);
                    return;
                }
                float[] g = ctx.grads;
                Blas.gemm(true, false, units, fanIn, n, 1f, dy, 0, x, 0, 1f, g, w);
                for (int i = 0; i < n; i++) {
                    int row = i * units;
                    for (int j = 0; j < units; j++) {
                        g[b + j] += dy[row + j];
                    }
                }
                if (dx != null) {
                    Blas.gemm(false, false, n, fanIn, units, 1f, dy, 0, ctx.params, w, 0f, dx, 0);
                }
            }

            private void backwardExact(StepContext ctx, int n, float[] x, float[] dy, float[] dx) {
                double[] e = ctx.exactGrads;
                int scratch = ExactSum.outerProductScratch(n, fanIn);
                if (rowOfSums == null || rowOfSums.length < scratch) {
                    rowOfSums = new double[scratch];
                }
                ExactSum.addOuterProducts(e, w, dy, 0, units, x, 0, fanIn, n, rowOfSums);
                for (int i = 0; i < n; i++) {
                    ExactSum.add(e, b, dy, i * units, units);
                }
                if (dx != null) {
                    FixedOrderProduct.multiply(n, fanIn, units, dy, 0, units, ctx.params, w, fanIn, dx, 0, fanIn);
                }
            }
        };
    }

    @Override
    public String toString() {
        return "dense(" + units + ")";
    }
}
