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

/**
 * Single-process mini-batch gradient descent: the reference the distributed engine must equal.
 *
 * <p>The global batches follow a {@link BatchPlan}: by default the training set is one partition,
 * walked in a permutation drawn from (seed, epoch); given partition sizes it forms exactly the
 * global batches the Spark engine forms for data split that way (contiguous parts, in order), and
 * computes each one in a single forward/backward pass. Each step sums the batch's gradients and
 * lets a {@link ParameterUpdater} divide by the count and apply the optimizer; batch-norm batch
 * statistics are folded into the running buffers. The same seed gives bit-identical parameters.
 */
public final class LocalTrainer {
    /** Training settings. {@code dropLast} drops an epoch's final partial batch. */
    public record Settings(int batchSize, int epochs, long seed, boolean dropLast, int[] partitionSizes, BatchPlan.Shuffle shuffle) {
        public Settings(int batchSize, int epochs, long seed, boolean dropLast) {
            this(batchSize, epochs, seed, dropLast, null);
        }

        public Settings(int batchSize, int epochs, long seed, boolean dropLast, int[] partitionSizes) {
            this(batchSize, epochs, seed, dropLast, partitionSizes, BatchPlan.Shuffle.PARTITION);
        }

        /** The same settings with another way of walking each epoch. */
        public Settings withShuffle(BatchPlan.Shuffle s) {
            return new Settings(batchSize, epochs, seed, dropLast, partitionSizes, s);
        }

        public Settings {
            if (shuffle == null) {
                shuffle = BatchPlan.Shuffle.PARTITION;
            }
            if (batchSize <= 0) {
                throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
            }
            if (epochs < 0) {
                throw new IllegalArgumentException("epochs must be ≥ 0, got " + epochs);
            }
        }
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

    public TrainingResult fit(Dataset train, Dataset validation, Listener listener) {
        float[] params = model.initParams(settings.seed());
        float[] buffers = model.initBuffers();
        return fit(train, validation, params, buffers, listener);
    }

    /** Trains from the given parameters and buffers (updated in place). */
    public TrainingResult fit(Dataset train, Dataset validation, float[] params, float[] buffers, Listener listener) {
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
        int[] parts = settings.partitionSizes() != null ? settings.partitionSizes() : new int[] {train.size()};
        long[] sizes = new long[parts.length];
        int[] firstExample = new int[parts.length];
        long sum = 0;
        for (int p = 0; p < parts.length; p++) {
            sizes[p] = parts[p];
            firstExample[p] = (int) sum;
            sum += parts[p];
        }
        if (sum != train.size()) {
            throw new IllegalArgumentException("partition sizes add up to " + sum + ", the training set has " + train.size());
        }
        BatchPlan plan = new BatchPlan(sizes, settings.batchSize(), settings.dropLast(), settings.seed(), settings.shuffle());
        int b = (int) plan.batchSize() + parts.length;
        float[] x = new float[b * train.featureSize()];
        float[] y = new float[b * train.labelWidth()];
        int[] batchIndex = new int[b];
        List<EpochMetrics> history = new ArrayList<>();
        long step = 0;
        long examples = 0;
        for (int epoch = 0; epoch < settings.epochs(); epoch++) {
            long t0 = System.nanoTime();
            int[][] orders = new int[parts.length][];
            for (int p = 0; p < parts.length; p++) {
                orders[p] = plan.permutation(p, epoch);
            }
            double lossSum = 0;
            long seen = 0;
            for (long s = 0; s < plan.stepsPerEpoch(); s++) {
                int n = 0;
                for (int p = 0; p < parts.length; p++) {
                    int from = (int) plan.sliceStart(p, epoch, s);
                    int len = plan.sliceLength(p, epoch, s);
                    for (int i = 0; i < len; i++) {
                        batchIndex[n++] = firstExample[p] + orders[p][from + i];
                    }
                }
                train.gather(batchIndex, 0, n, x, y);
                java.util.Arrays.fill(grads, 0f);
                ctx.seed = plan.stepSeed(epoch, step, 0);
                double stepLoss = net.lossAndGradient(ctx, x, y, n, loss);
                DivergenceGuard.check(model.layout(), grads, updater.prepare(grads, n), stepLoss, epoch, step);
                lossSum += stepLoss;
                seen += n;
                examples += n;
                updater.applyPrepared(params, step);
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
        return new TrainingResult(params, buffers, history, step, examples);
    }
}
