package org.descent.nn.norm;

import java.util.List;
import org.descent.nn.Kernel;
import org.descent.nn.Layer;
import org.descent.nn.LayerSlot;
import org.descent.nn.ParamSpec;
import org.descent.tensor.Shape;

/**
 * Instance normalization (Ulyanov, Vedaldi &amp; Lempitsky 2016): per example and channel, μ and σ²
 * over the H·W values of that channel (the optimization deck's table: μ, σ² ∈ ℝ^{N×C}); optional learnable γ and
 * β per channel (PyTorch's {@code InstanceNorm2d(affine=True)}, without running statistics).
 */
public final class InstanceNorm implements Layer {
    private static final long serialVersionUID = 1L;
    private final double eps;
    private final boolean affine;

    public InstanceNorm() {
        this(1e-5, true);
    }

    public InstanceNorm(double eps, boolean affine) {
        if (!(eps > 0)) {
            throw new IllegalArgumentException("instance_norm eps must be positive, got " + eps);
        }
        this.eps = eps;
        this.affine = affine;
    }

    @Override
    public String type() {
        return "instance_norm";
    }

    /** The ε added to the variance. */
    public double eps() {
        return eps;
    }

    /** Whether it has a learnable γ and β. */
    public boolean affine() {
        return affine;
    }

    @Override
    public Shape outputShape(Shape in) {
        if (in.rank() != 3) {
            throw new IllegalArgumentException("instance_norm needs a [C, H, W] input, got " + in);
        }
        return in;
    }

    @Override
    public List<ParamSpec> params(Shape in) {
        return affine ? List.of(Affine.scale(in.channels()), Affine.shift(in.channels())) : List.of();
    }

    @Override
    public Kernel kernel(Shape in, LayerSlot slot) {
        return new SegmentNormKernel(in.size(), in.spatial(), in.spatial(), affine, false, eps, slot);
    }

    @Override
    public String toString() {
        return "instance_norm(eps " + eps + (affine ? ", affine)" : ")");
    }
}
