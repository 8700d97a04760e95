package org.descent.nn.norm;

import java.util.List;
import org.descent.nn.Kernel;
import org.descent.nn.Layer;
import org.descent.nn.LayerSlot;
import org.descent.nn.ParamSpec;
import org.descent.tensor.Shape;

/**
 * Group normalization (Wu &amp; He 2018): the C channels are split into G groups of C/G; per example
 * and group, μ and σ² over the (C/G)·H·W values (the optimization deck's table: μ, σ² ∈ ℝ^{N×G}); learnable γ and
 * β per channel. G = 1 normalizes like layer norm, G = C like instance norm (with per-channel
 * affine). A {@code [F]} input is treated as F channels of one value.
 */
public final class GroupNorm implements Layer {
    private static final long serialVersionUID = 1L;
    private final int groups;
    private final double eps;

    public GroupNorm(int groups) {
        this(groups, 1e-5);
    }

    public GroupNorm(int groups, double eps) {
        if (groups <= 0) {
            throw new IllegalArgumentException("group_norm needs a positive number of groups, got " + groups);
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("group_norm eps must be positive, got " + eps);
        }
        this.groups = groups;
        this.eps = eps;
    }

    @Override
    public String type() {
        return "group_norm";
    }

    /** The ε added to the variance. */
    public double eps() {
        return eps;
    }

    public int groups() {
        return groups;
    }

    @Override
    public Shape outputShape(Shape in) {
        if (in.rank() != 1 && in.rank() != 3) {
            throw new IllegalArgumentException("group_norm needs a [F] or [C, H, W] input, got " + in);
        }
        if (in.channels() % groups != 0) {
            throw new IllegalArgumentException("group_norm: " + in.channels() + " channels cannot be split into " + groups + " equal groups");
        }
        return in;
    }

    @Override
    public List<ParamSpec> params(Shape in) {
        return List.of(Affine.scale(in.channels()), Affine.shift(in.channels()));
    }

    @Override
    public Kernel kernel(Shape in, LayerSlot slot) {
        return new SegmentNormKernel(in.size(), in.size() / groups, in.spatial(), true, false, eps, slot);
    }

    @Override
    public String toString() {
        return "group_norm(" + groups + ", eps " + eps + ")";
    }
}
