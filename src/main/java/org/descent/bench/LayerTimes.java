package org.descent.bench;

import java.util.Arrays;
import org.descent.nn.Collective;
import org.descent.nn.Kernel;
import org.descent.nn.Mode;
import org.descent.nn.Sequential;
import org.descent.nn.StepContext;
import org.descent.tensor.Rng;

/**
 * Single-thread time of each layer's forward and backward in a training step, on a fixed random batch and random
 * output gradients: where a model's step goes. The first trained layer's backward computes no input gradient, as in
 * training; with {@code exact} the step runs with exact sums ({@code StepContext.exactGrads}); with {@code syncBatchNorm}
 * batch norm takes its synchronized path (one exchange forward with float sums, two with exact, and one backward, as with {@code batchNorm.mode = sync} over
 * two workers), through a collective that exchanges nothing: the kernels' own time, without the waits.
 */
public final class LayerTimes {
    private LayerTimes() {
    }

    /** Two workers' collective whose other worker adds nothing: the synchronized kernels run, no exchange waits. */
    private static final Collective NO_PEERS = new Collective() {
        @Override
        public void allReduceSum(double[] values, int offset, int length) {
        }

        @Override
        public int size() {
            return 2;
        }
    };

    /** Median milliseconds per step of each layer's forward ({@code [i][0]}) and backward ({@code [i][1]}). */
    public static double[][] measure(Sequential model, int batch, int steps, int warmup, boolean exact, boolean syncBatchNorm) {
        int layers = model.layers().size();
        float[] params = model.initParams(1);
        StepContext ctx = new StepContext(params, new float[params.length], model.initBuffers(), new double[model.statsSize()]);
        ctx.mode = Mode.TRAIN;
        if (exact) {
            ctx.exactGrads = new double[params.length];
        }
        if (syncBatchNorm) {
            ctx.syncBatchNorm = true;
            ctx.collective = NO_PEERS;
        }
        // The kernels a Network runs, fused pairs included: a pass-through layer's input and output are one array
        // (and so are its gradients), and it takes no time.
        Kernel[] kernels = model.newKernels().toArray(new Kernel[0]);
        float[][] acts = new float[layers + 1][];
        float[][] grads = new float[layers + 1][];
        Rng rng = new Rng(3);
        for (int i = 0; i <= layers; i++) {
            int size = batch * (i < layers ? model.shapeBefore(i) : model.outputShape()).size();
            acts[i] = i > 0 && kernels[i - 1].passesThrough() ? acts[i - 1] : new float[size];
        }
        for (int i = layers; i >= 0; i--) {
            int size = batch * (i < layers ? model.shapeBefore(i) : model.outputShape()).size();
            grads[i] = i < layers && kernels[i].passesThrough() ? grads[i + 1] : new float[size];
        }
        // Floats with full significands, as data and gradients have, and output gradients of a mean over the batch's
        // examples (|∂L/∂y| ≤ 1/batch for softmax cross-entropy): rng.nextFloat()'s multiples of 2⁻²⁴, or gradients
        // `batch` times too large, make many exact-sum terms ties for rint, which the exact kernels take on a slower
        // path (ExactSum.addOuterProducts).
        for (int i = 0; i < acts[0].length; i++) {
            acts[0][i] = (float) rng.nextDouble();
        }
        for (int i = 0; i < grads[layers].length; i++) {
            grads[layers][i] = (float) ((rng.nextDouble() - 0.5) / batch);
        }
        int first = model.firstTrainedLayer();
        long[][][] nanos = new long[layers][2][steps];
        for (int s = -warmup; s < steps; s++) {
            for (int i = 0; i < layers; i++) {
                if (kernels[i].passesThrough()) {
                    continue;
                }
                long t0 = System.nanoTime();
                kernels[i].forward(ctx, batch, acts[i], acts[i + 1]);
                if (s >= 0) {
                    nanos[i][0][s] = System.nanoTime() - t0;
                }
            }
            for (int i = layers - 1; i >= first; i--) {
                if (kernels[i].passesThrough()) {
                    continue;
                }
                long t0 = System.nanoTime();
                kernels[i].backward(ctx, batch, acts[i], acts[i + 1], grads[i + 1], i == first ? null : grads[i]);
                if (s >= 0) {
                    nanos[i][1][s] = System.nanoTime() - t0;
                }
            }
        }
        double[][] ms = new double[layers][2];
        for (int i = 0; i < layers; i++) {
            for (int pass = 0; pass < 2; pass++) {
                long[] t = nanos[i][pass];
                Arrays.sort(t);
                ms[i][pass] = t[steps / 2] / 1e6;
            }
        }
        return ms;
    }
}
