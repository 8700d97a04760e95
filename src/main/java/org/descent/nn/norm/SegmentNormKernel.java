package org.descent.nn.norm;

import org.descent.nn.Kernel;
import org.descent.nn.LayerSlot;
import org.descent.nn.StepContext;
import org.descent.tensor.ExactSum;

/**
 * The compute shared by layer, instance and group normalization: each example is cut into
 * contiguous segments of {@code segment} values, each normalized with its own mean and biased
 * variance, {@code x̂ = (x − μ)/√(σ² + ε)}, then {@code y = γ_a x̂ + β_a} where the affine index a is
 * the position in the example ({@code perElement}) or its channel. Backward per segment of m values,
 * with {@code h = γ_a ∂L/∂y}: {@code ∂L/∂x = (h − mean(h) − x̂·mean(h x̂))/√(σ² + ε)}. Training and
 * evaluation are the same (no running statistics). Everything but the affine parameters' gradients
 * is one example's; in exact mode ({@link StepContext#exactGrads}) those are added on the exact grid.
 */
final class SegmentNormKernel implements Kernel {
    private final int exampleSize;
    private final int segment;
    private final int spatial;
    private final boolean affine;
    private final boolean perElement;
    private final double eps;
    private final LayerSlot slot;
    private float[] xhat = new float[0];
    private float[] invStd = new float[0];

    SegmentNormKernel(int exampleSize, int segment, int spatial, boolean affine, boolean perElement, double eps, LayerSlot slot) {
        this.exampleSize = exampleSize;
        this.segment = segment;
        this.spatial = spatial;
        this.affine = affine;
        this.perElement = perElement;
        this.eps = eps;
        this.slot = slot;
    }

    private int affineIndex(int positionInExample) {
        return perElement ? positionInExample : positionInExample / spatial;
    }

    private int affineSize() {
        return perElement ? exampleSize : exampleSize / spatial;
    }

    @Override
    public void forward(StepContext ctx, int n, float[] x, float[] y) {
        int total = n * exampleSize;
        int segments = total / segment;
        if (xhat.length < total) {
            xhat = new float[total];
            invStd = new float[segments];
        }
        int gamma = slot.paramOffset();
        int beta = gamma + affineSize();
        float[] p = ctx.params;
        for (int sg = 0; sg < segments; sg++) {
            int from = sg * segment;
            double sum = 0;
            for (int i = from; i < from + segment; i++) {
                sum += x[i];
            }
            double mean = sum / segment;
            double m2 = 0;
            for (int i = from; i < from + segment; i++) {
                double d = x[i] - mean;
                m2 += d * d;
            }
            float is = (float) (1.0 / Math.sqrt(m2 / segment + eps));
            invStd[sg] = is;
            float mu = (float) mean;
            int pos = from % exampleSize;
            for (int i = from; i < from + segment; i++, pos++) {
                float h = (x[i] - mu) * is;
                xhat[i] = h;
                if (affine) {
                    int a = affineIndex(pos);
                    y[i] = p[gamma + a] * h + p[beta + a];
                } else {
                    y[i] = h;
                }
            }
        }
    }

    @Override
    public void backward(StepContext ctx, int n, float[] x, float[] y, float[] dy, float[] dx) {
        int segments = n * exampleSize / segment;
        int gamma = slot.paramOffset();
        int beta = gamma + affineSize();
        float[] p = ctx.params;
        float[] grads = ctx.grads;
        double[] exact = ctx.exactGrads;
        for (int sg = 0; sg < segments; sg++) {
            int from = sg * segment;
            double sumH = 0;
            double sumHx = 0;
            int pos = from % exampleSize;
            for (int i = from; i < from + segment; i++, pos++) {
                float g = dy[i];
                float h = g;
                if (affine) {
                    int a = affineIndex(pos);
                    if (exact != null) {
                        exact[gamma + a] += ExactSum.q(g * xhat[i]);
                        exact[beta + a] += ExactSum.q(g);
                    } else {
                        grads[gamma + a] += g * xhat[i];
                        grads[beta + a] += g;
                    }
                    h = g * p[gamma + a];
                }
                sumH += h;
                sumHx += h * xhat[i];
            }
            if (dx == null) {
                continue;
            }
            float meanH = (float) (sumH / segment);
            float meanHx = (float) (sumHx / segment);
            float is = invStd[sg];
            pos = from % exampleSize;
            for (int i = from; i < from + segment; i++, pos++) {
                float h = affine ? dy[i] * p[gamma + affineIndex(pos)] : dy[i];
                dx[i] = is * (h - meanH - xhat[i] * meanHx);
            }
        }
    }
}
