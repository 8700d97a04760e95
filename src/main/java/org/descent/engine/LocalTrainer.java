package org.descent.engine;

import java.util.ArrayList;
import java.util.List;
import org.descent.data.Dataset;
import org.descent.loss.Loss;
import org.descent.nn.Mode;
import org.descent.nn.Network;
import org.descent.nn.Sequential;
import org.descent.nn.StepContext;
import org.descent.optim.GradientTransform;
import org.descent.tensor.Rng;

/**
 * Single-process mini-batch gradient descent: the reference the distributed engine must equal.
 *
 * <p>Every epoch walks a permutation of the training set drawn from (seed, epoch); each step takes
 * the next {@code batchSize} examples (the seed's batch regime is {@code batchSize = n}, the
 * stochastic one {@code batchSize = 1}), sums their gradients, and lets a {@link ParameterUpdater}
 * divide by the count and apply the optimizer. Batch-norm batch statistics of each step are folded
 * into the running buffers. The same seed gives bit-identical parameters.
 */
public final class LocalTrainer {
    /** Training settings. {@code dropLast} drops an epoch's final partial batch. */
    public record Settings(int batchSize, int epochs, long seed, boolean dropLast) {
        public Settings {
            if (batchSize <= 0) {
                throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
            }
            if (epochs < 0) {
                throw new IllegalArgumentException("epochs must be ≥ 0, got " + epochs);
            }
        }
    }

    /** Metrics of one epoch; {@code validation} is null without validation data. */
    public record EpochMetrics(int epoch, long steps, double trainLoss, EvalResult validation, double seconds) {
    }

    /** Called after every epoch. */
    @FunctionalInterface
    public interface Listener {
        void epochEnded(EpochMetrics metrics);
    }

    private final Sequential model;
    private final Loss loss;
    private final GradientTransform optimizer;
    private final Settings settings;

    public LocalTrainer(Sequential model, Loss loss, GradientTransform optimizer, Settings settings) {
        this.model = model;
        this.loss = loss;
        this.optimizer = optimizer;
        this.settings = settings;
    }

    /** The trained parameters and buffers, with per-epoch metrics. */
    public record Result(float[] params, float[] buffers, List<EpochMetrics> history, long steps) {
    }

    public Result fit(Dataset train, Dataset validation, Listener listener) {
        float[] params = model.initParams(settings.seed());
        float[] buffers = model.initBuffers();
        return fit(train, validation, params, buffers, listener);
    }

    /** Trains from the given parameters and buffers (updated in place). */
    public Result fit(Dataset train, Dataset validation, float[] params, float[] buffers, Listener listener) {
        if (train.size() == 0) {
            throw new IllegalArgumentException("the training set is empty");
        }
        Network net = model.newNetwork();
        Evaluator evaluator = new Evaluator(model.newNetwork(), loss, 1024);
        float[] grads = new float[model.paramCount()];
        double[] stats = new double[model.statsSize()];
        StepContext ctx = new StepContext(params, grads, buffers, stats);
        ctx.mode = Mode.TRAIN;
        ParameterUpdater updater = new ParameterUpdater(optimizer, model.layout());
        int b = Math.min(settings.batchSize(), train.size());
        float[] x = new float[b * train.featureSize()];
        float[] y = new float[b * train.labelWidth()];
        int[] order = new int[train.size()];
        List<EpochMetrics> history = new ArrayList<>();
        long step = 0;
        for (int epoch = 0; epoch < settings.epochs(); epoch++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            new Rng(Rng.derive(settings.seed(), 1, epoch)).shuffle(order);
            double lossSum = 0;
            long seen = 0;
            for (int from = 0; from < order.length; from += b) {
                int n = Math.min(b, order.length - from);
                if (n < b && settings.dropLast() && from > 0) {
                    break;
                }
                train.gather(order, from, n, x, y);
                java.util.Arrays.fill(grads, 0f);
                ctx.seed = Rng.derive(settings.seed(), 2, epoch, step, 0);
                lossSum += net.lossAndGradient(ctx, x, y, n, loss);
                seen += n;
                updater.apply(params, grads, n, step);
                if (stats.length > 0) {
                    model.updateBuffers(buffers, stats);
                }
                step++;
            }
            EvalResult val = validation == null ? null : evaluator.evaluate(params, buffers, validation);
            EpochMetrics m = new EpochMetrics(epoch, step, lossSum / Math.max(1, seen), val, (System.nanoTime() - t0) / 1e9);
            history.add(m);
            if (listener != null) {
                listener.epochEnded(m);
            }
        }
        return new Result(params, buffers, history, step);
    }
}
