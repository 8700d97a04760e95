package org.descent.nn;

import java.util.List;
import org.descent.loss.Loss;

/**
 * The compute of a {@link Sequential} for one thread: kernels plus activation and gradient
 * buffers that grow to the largest batch seen and are reused, so a steady-state step allocates
 * nothing.
 */
public final class Network {
    private final Sequential model;
    private final Kernel[] kernels;
    private final int[] sizes;
    private final float[][] acts;
    private float[] gradA = new float[0];
    private float[] gradB = new float[0];
    private int maxSize;

    Network(Sequential model) {
        this.model = model;
        List<Kernel> ks = model.newKernels();
        this.kernels = ks.toArray(new Kernel[0]);
        this.sizes = new int[kernels.length + 1];
        for (int i = 0; i <= kernels.length; i++) {
            sizes[i] = model.shapeBefore(i).size();
            maxSize = Math.max(maxSize, sizes[i]);
        }
        this.acts = new float[kernels.length + 1][];
        for (int i = 1; i <= kernels.length; i++) {
            acts[i] = new float[0];
        }
    }

    public Sequential model() {
        return model;
    }

    /**
     * Runs the layers on {@code x} ({@code n × inputSize}) in {@code ctx.mode}; returns the output
     * buffer ({@code n × outputSize} at index 0), valid until the next call. With {@code ctx.arriving}
     * set, each layer first waits for its own parameters, so the first layers compute while the
     * later layers' parameters are still arriving.
     */
    public float[] forward(StepContext ctx, float[] x, int n) {
        if (x.length < n * sizes[0]) {
            throw new IllegalArgumentException("input holds " + x.length + " floats, " + n + " examples of " + model.inputShape() + " need " + n * sizes[0]);
        }
        acts[0] = x;
        for (int i = 0; i < kernels.length; i++) {
            if (kernels[i].passesThrough()) {
                acts[i + 1] = acts[i];
                continue;
            }
            int need = n * sizes[i + 1];
            if (acts[i + 1].length < need) {
                acts[i + 1] = new float[need];
            }
            if (ctx.arriving != null) {
                ctx.arriving.awaitThrough(i + 1 < kernels.length ? model.slot(i + 1).paramOffset() : model.paramCount());
            }
            kernels[i].forward(ctx, n, acts[i], acts[i + 1]);
        }
        return acts[kernels.length];
    }

    /**
     * Forward in {@code ctx.mode}, the loss, and backward: adds the gradient of the summed loss to
     * {@code ctx.grads} and returns the summed loss. Backward ends at the first layer with
     * parameters, which is not asked for ∂L/∂x: for an MLP behind {@code flatten} that saves the
     * product {@code dY·W} of its widest layer, a quarter of the step's arithmetic. With
     * {@code ctx.progress} set, each layer's backward is followed by {@link GradientProgress#ready}
     * with the layer's parameter offset.
     */
    public double lossAndGradient(StepContext ctx, float[] x, float[] labels, int n, Loss loss) {
        float[] out = forward(ctx, x, n);
        int need = n * maxSize;
        if (gradA.length < need) {
            gradA = new float[need];
            gradB = new float[need];
        }
        int k = sizes[kernels.length];
        double value = loss.evaluate(out, labels, n, k, gradA);
        float[] dy = gradA;
        float[] dx = gradB;
        int first = model.firstTrainedLayer();
        for (int i = kernels.length - 1; i >= first; i--) {
            if (kernels[i].passesThrough()) {
                // ∂L/∂y is already ∂L/∂x: the next kernel took this layer's derivative into its own.
                if (ctx.progress != null) {
                    ctx.progress.ready(ctx, model.slot(i).paramOffset());
                }
                continue;
            }
            kernels[i].backward(ctx, n, acts[i], acts[i + 1], dy, i == first ? null : dx);
            if (ctx.progress != null) {
                ctx.progress.ready(ctx, model.slot(i).paramOffset());
            }
            float[] t = dy;
            dy = dx;
            dx = t;
        }
        if (ctx.progress != null) {
            ctx.progress.ready(ctx, 0);   // the layers before the first trained one have no parameters
        }
        return value;
    }

    /** Summed loss of a batch without gradients (uses {@code ctx.mode}). */
    public double loss(StepContext ctx, float[] x, float[] labels, int n, Loss loss) {
        float[] out = forward(ctx, x, n);
        return loss.evaluate(out, labels, n, sizes[kernels.length], null);
    }
}
