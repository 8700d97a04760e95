package org.descent.nn.layers;

import java.util.List;
import org.descent.init.Initializer;
import org.descent.nn.Kernel;
import org.descent.nn.Layer;
import org.descent.nn.LayerSlot;
import org.descent.nn.MultiplyAdds;
import org.descent.nn.ParamSpec;
import org.descent.tensor.Shape;

/**
 * 2-D convolution (cross-correlation, as every deep-learning library) on NCHW data:
 * {@code y[o][h][w] = b[o] + Σ_{c,i,j} W[o][c][i][j] · x[c][h·s − p + i][w·s − p + j]}.
 * Weights are {@code [outC, inC·kh·kw]} (PyTorch's layout flattened), biases {@code [outC]}.
 *
 * <p>Computed as products on the im2col matrix X̃ ({@code inC·kh·kw × OH·OW} per example): {@code Y = W X̃};
 * backward {@code ∂L/∂W += G X̃ᵀ}, {@code ∂L/∂b += Σ_{h,w} G}, {@code ∂L/∂x = col2im(Wᵀ G)}. {@link ConvKernel}
 * lowers a whole batch into one product with float sums and keeps one product per example with exact sums.
 */
public final class Conv2d implements Layer {
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

    @Override
    public MultiplyAdds multiplyAdds(Shape in) {
        Geometry g = geometry(in);
        return MultiplyAdds.product((long) outChannels * g.patch() * g.outPlane());
    }

    @Override
    public Kernel kernel(Shape in, LayerSlot slot) {
        return new ConvKernel(geometry(in), outChannels, slot.paramOffset());
    }

    @Override
    public String toString() {
        return "conv2d(" + outChannels + ", " + kernelH + "×" + kernelW + ", stride " + stride + ", padding " + padding + ")";
    }
}
