package org.descent.bench;

import java.util.Arrays;
import java.util.Map;
import org.descent.engine.ParameterUpdater;
import org.descent.loss.SoftmaxCrossEntropy;
import org.descent.nn.Mode;
import org.descent.nn.Network;
import org.descent.nn.Sequential;
import org.descent.nn.StepContext;
import org.descent.optim.Optimizers;
import org.descent.tensor.Rng;

/**
 * Single-thread training throughput of one model: forward, backward, the driver's Adam update and
 * the batch-norm buffer update, on a fixed random batch. Reports the median of several timed
 * trials after warm-up steps (JIT, workspace growth).
 */
public final class ThroughputBenchmark {
    private ThroughputBenchmark() {
    }

    /** Examples per second over {@code trials} runs of {@code steps} steps each (median, min and max). */
    public record Throughput(double median, double min, double max) {
    }

    public static Throughput measure(Sequential model, int batch, int steps, int warmup, int trials) {
        return measure(model, batch, steps, warmup, trials, false);
    }

    /**
     * As {@link #measure(Sequential, int, int, int, int)}, with {@code exact} the step of {@code engine.reduction =
     * exact}: every sum over examples on the exact grid ({@code StepContext.exactGrads}, cleared before each step and
     * rounded to the float gradient after it, as a partition's step does).
     */
    public static Throughput measure(Sequential model, int batch, int steps, int warmup, int trials, boolean exact) {
        int d = model.inputShape().size();
        int k = model.outputShape().size();
        Rng rng = new Rng(7);
        float[] x = new float[batch * d];
        for (int i = 0; i < x.length; i++) {
            // Full significands, as real inputs have (see LayerTimes: multiples of 2⁻²⁴ make exact-sum terms ties).
            x[i] = (float) rng.nextDouble();
        }
        float[] y = new float[batch];
        for (int i = 0; i < batch; i++) {
            y[i] = rng.nextInt(k);
        }
        float[] params = model.initParams(1);
        float[] buffers = model.initBuffers();
        float[] grads = new float[params.length];
        StepContext ctx = new StepContext(params, grads, buffers, new double[model.statsSize()]);
        ctx.mode = Mode.TRAIN;
        if (exact) {
            ctx.exactGrads = new double[params.length];
        }
        Network net = model.newNetwork();
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        // One thread, as PyTorch's step beside it: the driver's two-thread update is not this benchmark's.
        ParameterUpdater updater = new ParameterUpdater(Optimizers.create("adam", Map.of("learningRate", 1e-3)), model.layout(), false);
        long step = 0;
        for (int i = 0; i < warmup; i++) {
            step = step(model, net, ctx, loss, updater, x, y, batch, step);
        }
        double[] rates = new double[trials];
        for (int t = 0; t < trials; t++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                step = step(model, net, ctx, loss, updater, x, y, batch, step);
            }
            rates[t] = (double) steps * batch / ((System.nanoTime() - t0) / 1e9);
        }
        Arrays.sort(rates);
        return new Throughput(rates[trials / 2], rates[0], rates[trials - 1]);
    }

    private static long step(Sequential model, Network net, StepContext ctx, SoftmaxCrossEntropy loss, ParameterUpdater updater,
                             float[] x, float[] y, int batch, long step) {
        Arrays.fill(ctx.grads, 0f);
        if (ctx.exactGrads != null) {
            Arrays.fill(ctx.exactGrads, 0.0);
        }
        ctx.seed = step;
        net.lossAndGradient(ctx, x, y, batch, loss);
        if (ctx.exactGrads != null) {
            for (int i = 0; i < ctx.grads.length; i++) {
                ctx.grads[i] = (float) ctx.exactGrads[i];
            }
        }
        updater.apply(ctx.params, ctx.grads, batch, step);
        if (ctx.stats.length > 0) {
            model.updateBuffers(ctx.buffers, ctx.stats);
        }
        return step + 1;
    }
}
