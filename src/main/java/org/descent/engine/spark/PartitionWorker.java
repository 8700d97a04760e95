package org.descent.engine.spark;

import org.descent.engine.BatchPlan;
import org.descent.loss.Accuracy;
import org.descent.loss.Loss;
import org.descent.nn.Mode;
import org.descent.nn.Network;
import org.descent.nn.Sequential;
import org.descent.nn.StepContext;
import org.descent.tensor.Rng;

/**
 * The executor's half of a step for one partition: take this partition's slice of the global batch
 * (from the {@link BatchPlan}), run forward and backward, and return the summed gradient, loss,
 * count and batch-norm statistics. Workspaces, gradient sums and the epoch's permutation are kept
 * between steps.
 */
final class PartitionWorker {
    private final Sequential model;
    private final Network network;
    private final StepContext ctx = new StepContext();
    private final TimedCollective timed = new TimedCollective();
    /**
     * This worker's part in the JVM's {@link org.descent.nn.WorkShare}: its kernels open their block loops to the other
     * tasks here, and it helps with theirs before it waits at an exchange (the same bits either way). Off with
     * {@code -Ddescent.workShare=false} (read at every step).
     */
    private final org.descent.nn.WorkShare.Member share = new org.descent.nn.WorkShare.Member();
    private final Rng augmentRng = new Rng(0);
    /** The augmentation's stream tag ("AUGM"), apart from the walks', dropout's and the synthetic data's. */
    private static final long AUGMENT_STREAM = 0x4155474dL;
    /**
     * The gradient sums and batch-norm statistics, zeroed and refilled every step. Reusing them is
     * safe because a step's result is done with before the partition's next step starts: the driver
     * adds it up before it sends the next step (in process), or it was encoded (TCP) or serialized
     * with the task's result (job mode).
     */
    private float[] gradBuffer;
    private double[] exactBuffer;
    /** Whether {@link #exactBuffer} is known to hold zeros (the tree's root read it and left it so). */
    private boolean exactBufferZero;
    private double[] statsBuffer;
    private float[] x = new float[0];
    private float[] y = new float[0];
    private int[] order;
    private long orderEpoch = -1;
    private BatchPlan plan;

    PartitionWorker(Sequential model) {
        this.model = model;
        this.network = model.newNetwork();
    }

    PartitionResult step(int partition, Block block, BatchPlan plan, StepState state, Loss loss, long epoch, long stepInEpoch, long step,
                         StepOptions options) {
        return step(partition, block, plan, state, loss, epoch, stepInEpoch, step, org.descent.nn.Collective.LOCAL, false, options, null, null);
    }

    /**
     * One step's slice; with {@code syncBatchNorm} every batch-norm layer normalizes with the
     * statistics of the whole global batch, summed through {@code collective} (whose size is the
     * number of partitions with examples in this step). With exact sums the gradient comes back as
     * {@link PartitionResult#exactGradSum} ({@link StepContext#exactGrads}). An augmentation transforms
     * each example with a stream drawn from (seed, epoch, the example's index in the data). A
     * {@code progress} (or null) hears after each layer's backward how far the gradient is final; with
     * an {@code arriving} (or null) the parameters are still arriving and forward waits for each layer's.
     */
    PartitionResult step(int partition, Block block, BatchPlan plan, StepState state, Loss loss, long epoch, long stepInEpoch, long step,
                         org.descent.nn.Collective collective, boolean syncBatchNorm, StepOptions options, org.descent.nn.GradientProgress progress,
                         org.descent.nn.ParamsArriving arriving) {
        boolean exactSums = options.exactSums();
        if (this.plan == null) {
            this.plan = plan;   // a worker serves one run and layout: keep the first copy, whose epoch walk is computed once
        }
        plan = this.plan;
        if (orderEpoch != epoch) {
            order = plan.permutation(partition, epoch);
            orderEpoch = epoch;
        }
        int n = plan.sliceLength(partition, epoch, stepInEpoch);
        int from = (int) plan.sliceStart(partition, epoch, stepInEpoch);
        if (n == 0) {
            return PartitionResult.empty(partition, model.paramCount(), model.statsSize(), exactSums);
        }
        long t0 = System.nanoTime();
        org.descent.nn.KernelWarmUp.stepBegins();
        float[] grads = exactSums ? null : (gradBuffer = cleared(gradBuffer, model.paramCount()));
        double[] exactGrads = exactSums ? (exactBuffer = exactBufferZero ? exactBuffer : cleared(exactBuffer, model.paramCount())) : null;
        exactBufferZero = false;
        double[] stats = statsBuffer = cleared(statsBuffer, model.statsSize());
        ensure(n, block);
        block.gather(order, from, n, x, y);
        if (options.augmentation() != null) {
            long first = plan.offset(partition);
            for (int i = 0; i < n; i++) {
                augmentRng.reset(Rng.derive(plan.seed(), AUGMENT_STREAM, epoch, first + order[from + i]));
                options.augmentation().apply(x, i * block.featureSize(), augmentRng);
            }
        }
        ctx.params = state.params();
        ctx.buffers = state.buffers();
        ctx.grads = grads;
        ctx.exactGrads = exactGrads;
        ctx.stats = stats;
        ctx.mode = Mode.TRAIN;
        ctx.seed = plan.stepSeed(epoch, step, partition);
        timed.inner = collective;
        timed.nanos = 0;
        boolean sharing = !"false".equalsIgnoreCase(System.getProperty("descent.workShare"));
        timed.share = sharing ? share : null;
        ctx.collective = timed;
        ctx.share = sharing ? share : null;
        ctx.syncBatchNorm = syncBatchNorm;
        ctx.progress = progress;
        ctx.arriving = arriving;
        double lossSum;
        try {
            lossSum = network.lossAndGradient(ctx, x, y, n, loss);
        } finally {
            ctx.progress = null;
            ctx.arriving = null;
        }
        return new PartitionResult(partition, grads, exactGrads, lossSum, n, stats, 0, System.nanoTime() - t0, timed.nanos);
    }

    /**
     * Batch statistics over the block walked in consecutive batches of {@code batch} examples with
     * training-mode forward passes: per channel the sum over batches of μ_B and of the unbiased
     * {@code m/(m−1)·σ²_B}, then the number of batches.
     */
    double[] batchStatistics(Block block, StepState state, int batch) {
        int channels = model.statsSize() / 3;
        double[] out = new double[2 * channels + 1];
        double[] stats = new double[model.statsSize()];
        ctx.params = state.params();
        ctx.buffers = state.buffers();
        ctx.grads = null;
        ctx.exactGrads = null;
        ctx.stats = stats;
        ctx.mode = Mode.TRAIN;
        ctx.seed = 0;
        ctx.collective = org.descent.nn.Collective.LOCAL;
        ctx.syncBatchNorm = false;
        for (int from = 0; from < block.size(); from += batch) {
            int n = Math.min(batch, block.size() - from);
            ensure(n, block);
            System.arraycopy(block.features(), from * block.featureSize(), x, 0, n * block.featureSize());
            network.forward(ctx, x, n);
            for (int c = 0; c < channels; c++) {
                double m = stats[3 * c];
                out[c] += stats[3 * c + 1];
                out[channels + c] += m > 1 ? stats[3 * c + 2] / (m - 1) : 0;
            }
            out[2 * channels]++;
        }
        return out;
    }

    /** (loss sum, correct predictions, count) of the whole block in evaluation mode. */
    double[] evaluate(Block block, StepState state, Loss loss, int batch) {
        ctx.params = state.params();
        ctx.buffers = state.buffers();
        ctx.mode = Mode.EVAL;
        ctx.exactGrads = null;
        ctx.collective = org.descent.nn.Collective.LOCAL;
        ctx.syncBatchNorm = false;
        int k = model.outputShape().size();
        double lossSum = 0;
        long correct = 0;
        for (int from = 0; from < block.size(); from += batch) {
            int n = Math.min(batch, block.size() - from);
            ensure(n, block);
            System.arraycopy(block.features(), from * block.featureSize(), x, 0, n * block.featureSize());
            System.arraycopy(block.labels(), from * block.labelWidth(), y, 0, n * block.labelWidth());
            float[] out = network.forward(ctx, x, n);
            lossSum += loss.evaluate(out, y, n, k, null);
            if (block.labelWidth() == 1 && loss.scoresAccuracy()) {
                correct += Accuracy.count(out, y, n, k);
            }
        }
        // Accuracy is a class-label measure; with target vectors (an autoencoder's inputs) there is none.
        return new double[] {lossSum, block.labelWidth() > 1 || !loss.scoresAccuracy() ? Double.NaN : correct, block.size()};
    }

    /** The model's outputs (n × k, row-major) for every example of the block, in evaluation mode. */
    float[] outputs(Block block, StepState state, int batch) {
        ctx.params = state.params();
        ctx.buffers = state.buffers();
        ctx.mode = Mode.EVAL;
        ctx.exactGrads = null;
        ctx.collective = org.descent.nn.Collective.LOCAL;
        ctx.syncBatchNorm = false;
        int k = model.outputShape().size();
        float[] all = new float[block.size() * k];
        for (int from = 0; from < block.size(); from += batch) {
            int n = Math.min(batch, block.size() - from);
            ensure(n, block);
            System.arraycopy(block.features(), from * block.featureSize(), x, 0, n * block.featureSize());
            System.arraycopy(network.forward(ctx, x, n), 0, all, from * k, n * k);
        }
        return all;
    }

    /**
     * Told, after a step, that {@code sums} (or null) were left zero by whoever consumed them: when they are this worker's
     * exact sums, the next step uses them without clearing them again.
     */
    void exactSumsLeftZero(double[] sums) {
        exactBufferZero = sums != null && sums == exactBuffer;
    }

    /** {@code buffer} zeroed, or a new zero array of {@code length} the first time. */
    private static float[] cleared(float[] buffer, int length) {
        if (buffer == null) {
            return new float[length];
        }
        java.util.Arrays.fill(buffer, 0f);
        return buffer;
    }

    private static double[] cleared(double[] buffer, int length) {
        if (buffer == null) {
            return new double[length];
        }
        java.util.Arrays.fill(buffer, 0);
        return buffer;
    }

    private void ensure(int n, Block block) {
        if (x.length < n * block.featureSize()) {
            x = new float[n * block.featureSize()];
            y = new float[n * block.labelWidth()];
        }
    }

    /**
     * The step's collective, timed: synchronized batch norm's exchanges are waiting, not computing. Before it waits, a
     * worker helps with the other tasks' open block loops (counted as computing).
     */
    private static final class TimedCollective implements org.descent.nn.Collective {
        org.descent.nn.Collective inner;
        org.descent.nn.WorkShare.Member share;
        long nanos;

        @Override
        public void allReduceSum(double[] values, int offset, int length) {
            if (share != null && inner.size() > 1) {
                share.help();
            }
            long t = System.nanoTime();
            inner.allReduceSum(values, offset, length);
            nanos += System.nanoTime() - t;
        }

        @Override
        public int size() {
            return inner.size();
        }
    }
}
