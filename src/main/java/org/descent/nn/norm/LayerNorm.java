package org.descent.nn.norm;

import java.util.List;
import org.descent.nn.Kernel;
import org.descent.nn.Layer;
import org.descent.nn.LayerSlot;
import org.descent.nn.ParamSpec;
import org.descent.tensor.Shape;

/**
 * Layer normalization (Ba, Kiros &amp; Hinton 2016): per example, μ and σ² over all its values (the
 * optimization deck's table: μ, σ² ∈ ℝ^N), then a learnable γ and β per element of the example's shape (as
 * PyTorch's {@code LayerNorm(normalized_shape = example shape)}). Same in training and evaluation.
 */
public final class LayerNorm implements Layer {
    private static final long serialVersionUID = 1L;
    private final double eps;

    public LayerNorm() {
        this(1e-5);
    }

    public LayerNorm(double eps) {
        if (!(eps > 0)) {
            throw new IllegalArgumentException("layer_norm eps must be positive, got " + eps);
        }
        this.eps = eps;
    }

    @Override
    public String type() {
        return "layer_norm";
    }

    /** The ε added to the variance. */
    public double eps() {
        return eps;
    }

    @Override
    public Shape outputShape(Shape in) {
        return in;
    }

    @Override
    public List<ParamSpec> params(Shape in) {
        return List.of(Affine.scale(in.size()), Affine.shift(in.size()));
    }

    @Override
    public Kernel kernel(Shape in, LayerSlot slot) {
        return new SegmentNormKernel(in.size(), in.size(), 1, true, true, eps, slot);
    }

    @Override
    public String toString() {
        return "layer_norm(eps " + eps + ")";
    }
}
