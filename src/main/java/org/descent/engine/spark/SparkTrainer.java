package org.descent.engine.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.descent.engine.BatchPlan;
import org.descent.engine.DivergenceGuard;
import org.descent.engine.EarlyStopping;
import org.descent.engine.EpochMetrics;
import org.descent.engine.EvalResult;
import org.descent.engine.LocalTrainer;
import org.descent.engine.ParameterUpdater;
import org.descent.engine.TrainingResult;
import org.descent.engine.TrainingState;
import org.descent.loss.Loss;
import org.descent.nn.Sequential;
import org.descent.nn.norm.MomentStats;
import org.descent.optim.GradientTransform;

/**
 * Data-parallel mini-batch training: one Spark job per step, or ({@link #barrier}) one barrier
 * stage per epoch exchanging each step with the driver over TCP ({@link BarrierStepRunner}); the
 * driver-side half below is the same for both.
 *
 * <p>The training blocks are cached once. Every step the driver broadcasts the parameters and
 * buffers (destroying the previous broadcast); each partition computes the gradient, loss, count
 * and batch-norm statistics of its slice of the global batch ({@link BatchPlan}); the driver
 * collects them, sums gradients and losses in partition order and merges statistics with
 * {@link MomentStats} in partition order — a fixed order, so the same seed and partitioning give
 * bit-identical weights — divides by the global count once and applies the optimizer, whose state
 * never leaves the driver. Step cost depends on the batch, not on the dataset's size: a step reads
 * only its slice of each cached block.
 *
 * <p>With {@link #earlyStopping} the run ends when the validation metric stops improving and the
 * best epoch's parameters are returned. A loss or gradient that is not finite stops the run before it is applied ({@link DivergenceGuard}).
 *
 * <p>Batch norm in this mode normalizes each partition with its own batch statistics; the running
 * statistics are updated from the statistics merged over all partitions, count-weighted with the
 * unbiased correction over the global count (never one partition's copy, never a mean of means).
 */
public final class SparkTrainer {
    private final JavaSparkContext sc;
    private final Sequential model;
    private final Loss loss;
    private final GradientTransform optimizer;
    private final LocalTrainer.Settings settings;
    private final StorageLevel storage;
    private StepListener stepListener;
    private long stepsPerEpoch;
    private EarlyStopping earlyStopping;
    private long maxSteps = Long.MAX_VALUE;
    private long evaluateEvery;
    private EvaluationListener evaluationListener;
    private int reshuffleEvery;
    private boolean barrier;
    private boolean syncBatchNorm;
    private boolean exactSums;
    private boolean warnedInexact;
    private org.descent.data.Augmentation augmentation;
    private int timeoutSeconds = 120;
    private BarrierTask.Stall stall;
    private boolean inProcessLinks = true;
    private java.util.function.Consumer<StepService> onService;

    /**
     * Barrier mode ({@link BarrierStepRunner}): one barrier stage serves the steps of an epoch (or up
     * to the next checkpoint or evaluation) over the driver's step service; a task silent for
     * {@code timeoutSeconds} fails the run. With {@code syncBatchNorm} every batch-norm layer
     * normalizes with the statistics of the whole global batch, so a step equals a single-process
     * step on the concatenated batch.
     */
    public SparkTrainer barrier(boolean syncBatchNorm, int timeoutSeconds) {
        if (timeoutSeconds <= 0) {
            throw new IllegalArgumentException("the barrier timeout must be positive, got " + timeoutSeconds);
        }
        this.barrier = true;
        this.syncBatchNorm = syncBatchNorm;
        this.timeoutSeconds = timeoutSeconds;
        return this;
    }

    /**
     * Exact reduction ({@code engine.reduction = exact}): every sum over examples is taken on the grid of
     * {@link org.descent.tensor.ExactSum} and products run one example at a time, so a partition's
     * gradient and batch-norm sums, and their totals, do not depend on how the examples are split. With
     * the global walk ({@link org.descent.engine.BatchPlan.Shuffle#GLOBAL}) and synchronized (or no)
     * batch norm, runs over any number of partitions then give bit-identical parameters. Slower: the
     * products lose BLAS's batching.
     */
    public SparkTrainer exactSums(boolean exact) {
        this.exactSums = exact;
        return this;
    }

    /** Transforms every training example in every step ({@code data.augment}); null for none. */
    public SparkTrainer augment(org.descent.data.Augmentation augmentation) {
        this.augmentation = augmentation;
        return this;
    }

    /** Test hook: in barrier mode, {@code partition} stops answering at global step {@code step} (first stage attempt only). */
    SparkTrainer stallForTesting(int partition, long step) {
        this.stall = new BarrierTask.Stall(partition, step, false);
        return this;
    }

    /**
     * Test hook: in barrier mode, {@code partition}'s task fails at global step {@code step}, or before
     * it links to the driver when {@code step} is negative (first stage attempt only).
     */
    SparkTrainer crashForTesting(int partition, long step) {
        this.stall = new BarrierTask.Stall(partition, step, true);
        return this;
    }

    /**
     * Barrier mode's link between tasks and driver ({@code engine.transport}): with {@code true} (the
     * default) a task in the driver's JVM (a local master) exchanges steps and results with it in
     * process, as objects; with {@code false}, and always for tasks in other JVMs, over TCP.
     */
    public SparkTrainer inProcessLinks(boolean allowed) {
        this.inProcessLinks = allowed;
        return this;
    }

    /** Test hook: sees each barrier step service as it starts. */
    SparkTrainer onStepServiceForTesting(java.util.function.Consumer<StepService> hook) {
        this.onService = hook;
        return this;
    }
    private JavaRDD<Block> test;

    /**
     * Redistributes the training examples across partitions at the start of every
     * {@code epochs}-th epoch ({@link Reshuffle}; 0: never). Partition-local permutations already
     * reorder every epoch; this also changes which examples share a partition.
     */
    public SparkTrainer reshuffleEvery(int epochs) {
        if (epochs < 0) {
            throw new IllegalArgumentException("reshuffleEvery must be ≥ 0, got " + epochs);
        }
        this.reshuffleEvery = epochs;
        return this;
    }

    /** Also evaluates {@code data} (the test set) at the end of every epoch, beside the validation data. */
    public SparkTrainer evaluateEachEpoch(JavaRDD<Block> data) {
        this.test = data;
        return this;
    }

    /** Receives evaluations made every k steps ({@link #evaluateEvery}). */
    @FunctionalInterface
    public interface EvaluationListener {
        void evaluated(int epoch, long step, EvalResult result);
    }

    /** Also evaluates the validation data after every {@code steps} steps (0: only at epoch ends). */
    public SparkTrainer evaluateEvery(long steps, EvaluationListener listener) {
        this.evaluateEvery = steps;
        this.evaluationListener = listener;
        return this;
    }

    /**
     * Where a step's time went: the slowest task's broadcast fetch and compute (its own arithmetic), the
     * longest wait in synchronized batch norm's exchanges (zero without them), the driver's combination
     * and update, and the rest (scheduling, task and result serialization, transfer).
     */
    public record StepTiming(double totalMillis, double fetchMillis, double computeMillis, double syncMillis, double aggregateMillis) {
        public double overheadMillis() {
            return Math.max(0, totalMillis - fetchMillis - computeMillis - syncMillis - aggregateMillis);
        }
    }

    /** Called on the driver after every step. */
    @FunctionalInterface
    public interface StepListener {
        /** @param gradientNorm ‖g‖₂ of the step's mean gradient, before clipping */
        void stepEnded(int epoch, long step, double meanLoss, long examples, double gradientNorm, StepTiming timing);
    }

    /** Steps in an epoch of the running {@code fit} (0 before its data is cached). */
    public long stepsPerEpoch() {
        return stepsPerEpoch;
    }

    /** Receives every step's metrics (for metrics.jsonl). */
    public SparkTrainer onStep(StepListener listener) {
        this.stepListener = listener;
        return this;
    }

    public SparkTrainer(JavaSparkContext sc, Sequential model, Loss loss, GradientTransform optimizer, LocalTrainer.Settings settings) {
        this(sc, model, loss, optimizer, settings, StorageLevel.MEMORY_ONLY());
    }

    public SparkTrainer(JavaSparkContext sc, Sequential model, Loss loss, GradientTransform optimizer, LocalTrainer.Settings settings,
                        StorageLevel storage) {
        this.sc = sc;
        this.model = model;
        this.loss = loss;
        this.optimizer = optimizer;
        this.settings = settings;
        this.storage = storage;
    }

    /** When to checkpoint: after every {@code everySteps} steps (0: never) and every {@code everyEpochs} epochs (0: never). */
    public record CheckpointPolicy(Checkpointer checkpointer, long everySteps, int everyEpochs) {
    }

    /** Trains from freshly initialized parameters on {@code train}; evaluates on {@code validation} (may be null) after every epoch. */
    public TrainingResult fit(JavaRDD<Block> train, JavaRDD<Block> validation, LocalTrainer.Listener listener) {
        return fit(train, validation, listener, null, null);
    }

    /** Ends the run after this many steps in all, even mid-epoch (benchmarks). */
    public SparkTrainer stopAfter(long steps) {
        this.maxSteps = steps;
        return this;
    }

    /** Stops when the validation metric stops improving and restores the best epoch's parameters (needs validation data). */
    public SparkTrainer earlyStopping(EarlyStopping rule) {
        this.earlyStopping = rule;
        return this;
    }

    /**
     * Trains, continuing from {@code resume} when it is non-null (a checkpoint of a run with the
     * same configuration and partitioning), and checkpointing as {@code policy} says (may be null).
     */
    public TrainingResult fit(JavaRDD<Block> train, JavaRDD<Block> validation, LocalTrainer.Listener listener,
                              TrainingState resume, CheckpointPolicy policy) {
        float[] params = resume != null ? resume.params().clone() : model.initParams(settings.seed());
        float[] buffers = resume != null ? resume.buffers().clone() : model.initBuffers();
        String runId = UUID.randomUUID().toString();
        if (barrier) {
            BarrierStepRunner.checkCluster(sc, train.getNumPartitions());
        }
        if (validation != null) {
            Blocks.cache(validation, storage);
        }
        if (test != null) {
            Blocks.cache(test, storage);
        }
        ParameterUpdater updater = new ParameterUpdater(optimizer, model.layout());
        if (resume != null) {
            updater.restore(resume.optimizer());
        }
        float[] gradSum = new float[model.paramCount()];
        double[] exactSum = exactSums ? new double[model.paramCount()] : null;
        double[] merged = new double[model.statsSize()];
        List<EpochMetrics> history = new ArrayList<>(resume != null ? resume.history() : List.of());
        long step = resume != null ? resume.step() : 0;
        int firstEpoch = resume != null ? resume.epoch() : 0;
        if (earlyStopping != null && validation == null) {
            throw new IllegalArgumentException("early stopping needs validation data (data.validationSize > 0)");
        }
        EarlyStopping.State stopping = earlyStopping == null ? null
                : resume != null && resume.earlyStopping() != null ? resume.earlyStopping() : earlyStopping.initial();
        float[] bestParams = resume != null && resume.bestParams() != null ? resume.bestParams().clone() : null;
        float[] bestBuffers = resume != null && resume.bestBuffers() != null ? resume.bestBuffers().clone() : null;
        boolean stoppedEarly = stopping != null && earlyStopping.shouldStop(stopping);
        if (stoppedEarly) {
            firstEpoch = settings.epochs();   // the checkpoint was taken when early stopping ended the run
        }
        long examples = 0;
        JavaRDD<Block> layout = null;
        int round = -1;
        BatchPlan plan = null;
        StepRunner runner = null;
        try {
            for (int epoch = firstEpoch; epoch < settings.epochs(); epoch++) {
                long t0 = System.nanoTime();
                int wanted = reshuffleEvery > 0 ? epoch / reshuffleEvery : 0;
                if (wanted != round) {
                    if (runner != null) {
                        runner.close();
                    }
                    if (layout != null && layout != train) {
                        layout.unpersist(false);
                    }
                    round = wanted;
                    sc.setJobDescription("Descent: layout of epoch " + epoch + " (reshuffle round " + round + ")");
                    layout = Reshuffle.layout(train, settings.seed(), round);
                    plan = new BatchPlan(Blocks.cache(layout, storage), settings.batchSize(), settings.dropLast(), settings.seed(), settings.shuffle());
                    stepsPerEpoch = plan.stepsPerEpoch();
                    runner = newRunner(layout, runId + "/" + round, plan);
                }
                boolean resumedEpoch = resume != null && epoch == firstEpoch;
                double lossSum = resumedEpoch ? resume.epochLossSum() : 0;
                long seen = resumedEpoch ? resume.epochSeen() : 0;
                for (long s = resumedEpoch ? resume.stepInEpoch() : 0; s < plan.stepsPerEpoch() && step < maxSteps; s++) {
                    long stepStart = System.nanoTime();
                    double lossBefore = lossSum;
                    List<PartitionResult> results = runner.step(params, buffers, epoch, s, step);
                    long aggregateStart = System.nanoTime();
                    long fetch = 0;
                    long compute = 0;
                    long sync = 0;
                    java.util.Arrays.fill(merged, 0);
                    long count = 0;
                    boolean statsTaken = false;
                    for (PartitionResult r : results) {
                        lossSum += r.lossSum();
                        count += r.count();
                        fetch = Math.max(fetch, r.fetchNanos());
                        compute = Math.max(compute, r.computeNanos() - r.syncNanos());
                        sync = Math.max(sync, r.syncNanos());
                        if (merged.length > 0 && r.count() > 0) {
                            if (!syncBatchNorm) {
                                MomentStats.mergeAll(merged, r.stats());
                            } else if (!statsTaken) {
                                // Synchronized: every partition holds the global batch's statistics already.
                                System.arraycopy(r.stats(), 0, merged, 0, merged.length);
                                statsTaken = true;
                            }
                        }
                    }
                    float[] stepGradient = totalGradient(results, gradSum, exactSum, step);
                    seen += count;
                    examples += count;
                    DivergenceGuard.check(model.layout(), stepGradient, updater.prepare(stepGradient, count), lossSum - lossBefore, epoch, step);
                    updater.applyPrepared(params, step);
                    if (merged.length > 0) {
                        model.updateBuffers(buffers, merged);
                    }
                    if (stepListener != null) {
                        long end = System.nanoTime();
                        stepListener.stepEnded(epoch, step, (lossSum - lossBefore) / Math.max(1, count), count, updater.gradientNorm(),
                                new StepTiming((end - stepStart) / 1e6, fetch / 1e6, compute / 1e6, sync / 1e6, (end - aggregateStart) / 1e6));
                    }
                    step++;
                    boolean evaluationDue = evaluateEvery > 0 && validation != null && step % evaluateEvery == 0 && s + 1 < plan.stepsPerEpoch();
                    boolean checkpointDue = policy != null && policy.everySteps() > 0 && step % policy.everySteps() == 0 && s + 1 < plan.stepsPerEpoch();
                    if (evaluationDue || checkpointDue) {
                        runner.pause();
                    }
                    if (evaluationDue) {
                        evaluationListener.evaluated(epoch, step, evaluate(validation, runId, params, buffers, "step " + step + " validation"));
                    }
                    if (checkpointDue) {
                        save(policy, new TrainingState(params, buffers, updater.state(), epoch, s + 1, step, lossSum, seen, history,
                                stopping, bestParams, bestBuffers));
                    }
                }
                runner.pause();
                EvalResult val = validation == null ? null : evaluate(validation, runId, params, buffers, "epoch " + epoch + " validation");
                EvalResult tested = test == null ? null : evaluate(test, runId, params, buffers, "epoch " + epoch + " test");
                EpochMetrics m = new EpochMetrics(epoch, step, lossSum / Math.max(1, seen), val, tested, (System.nanoTime() - t0) / 1e9);
                history.add(m);
                if (listener != null) {
                    listener.epochEnded(m);
                }
                if (earlyStopping != null) {
                    stopping = earlyStopping.observe(stopping, epoch, val);
                    if (EarlyStopping.improvedAt(stopping, epoch)) {
                        bestParams = params.clone();
                        bestBuffers = buffers.clone();
                    }
                    stoppedEarly = earlyStopping.shouldStop(stopping) && epoch + 1 < settings.epochs();
                }
                boolean stepDue = policy != null && policy.everySteps() > 0 && step % policy.everySteps() == 0;
                boolean epochDue = policy != null && policy.everyEpochs() > 0 && (epoch + 1) % policy.everyEpochs() == 0;
                if (stepDue || epochDue || (policy != null && (epoch + 1 == settings.epochs() || stoppedEarly))) {
                    save(policy, new TrainingState(params, buffers, updater.state(), epoch + 1, 0, step, 0, 0, history,
                            stopping, bestParams, bestBuffers));
                }
                if (stoppedEarly || step >= maxSteps) {
                    break;
                }
            }
        } finally {
            if (runner != null) {
                runner.close();
            }
            String id = runId;
            // Runs where the cached blocks live, so every executor that holds a worker forgets it.
            if (layout != null) {
                layout.foreachPartition(it -> ExecutorCache.release(id));
                if (layout != train) {
                    layout.unpersist(false);
                }
            }
            ExecutorCache.release(runId);
        }
        if (earlyStopping != null && bestParams != null) {
            return new TrainingResult(bestParams, bestBuffers, history, step, examples, stopping.bestEpoch(), stoppedEarly);
        }
        return new TrainingResult(params, buffers, history, step, examples);
    }

    /**
     * The step's gradient summed over partitions, in partition order: float32 into {@code gradSum}, or
     * exactly into {@code exactSum} and then rounded to float32 in {@code gradSum}. A single float32
     * partial sum is the total itself and is returned as it is.
     */
    private float[] totalGradient(List<PartitionResult> results, float[] gradSum, double[] exactSum, long step) {
        if (exactSum == null && results.size() == 1) {
            return results.get(0).gradSum();
        }
        if (exactSum != null) {
            java.util.Arrays.fill(exactSum, 0);   // rounded into gradSum below, entry by entry
        } else {
            java.util.Arrays.fill(gradSum, 0f);
        }
        for (PartitionResult r : results) {
            if (r.exactGradSum() != null) {
                double[] g = r.exactGradSum();
                for (int i = 0; i < g.length; i++) {
                    exactSum[i] += g[i];
                }
            } else {
                float[] g = r.gradSum();
                for (int i = 0; i < g.length; i++) {
                    gradSum[i] += g[i];
                }
            }
        }
        if (exactSum != null) {
            roundExactSums(exactSum, gradSum, step);
        }
        return gradSum;
    }

    /** The exact total as float32 for the update; warns once when a sum passes the range where grid sums are exact. */
    private void roundExactSums(double[] exactSum, float[] gradSum, long step) {
        double largest = 0;
        for (int i = 0; i < gradSum.length; i++) {
            gradSum[i] = (float) exactSum[i];
            largest = Math.max(largest, Math.abs(exactSum[i]));
        }
        if (largest >= org.descent.tensor.ExactSum.EXACT_LIMIT && !warnedInexact) {
            warnedInexact = true;
            org.slf4j.LoggerFactory.getLogger(SparkTrainer.class).warn("engine.reduction = exact: a gradient sum reached {} at step {}, "
                    + "past the {} up to which sums on the grid are exact; from here the run may depend on the partitioning",
                    largest, step, org.descent.tensor.ExactSum.EXACT_LIMIT);
        }
    }

    private StepRunner newRunner(JavaRDD<Block> layout, String id, BatchPlan plan) {
        if (barrier) {
            return new BarrierStepRunner(sc, layout, id, plan, model, loss, syncBatchNorm, new StepOptions(exactSums, augmentation), timeoutSeconds,
                    inProcessLinks, stall, onService);
        }
        return new JobStepRunner(sc, layout, id, plan, model, loss, new StepOptions(exactSums, augmentation));
    }

    private static void save(CheckpointPolicy policy, TrainingState state) {
        try {
            policy.checkpointer().save(state);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("writing a checkpoint to " + policy.checkpointer().directory() + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Population statistics for every batch-norm layer after training (Ioffe &amp; Szegedy 2015,
     * Algorithm 2): the training set is walked in batches of each partition's share of the global
     * batch, with training-mode forward passes, and {@code E[x] ← E_B[μ_B]},
     * {@code Var[x] ← E_B[m/(m−1)·σ²_B]} over all those batches. Returns new buffers.
     */
    public float[] populationStatistics(JavaRDD<Block> train, float[] params, float[] buffers) {
        if (model.statsSize() == 0) {
            return buffers.clone();
        }
        long[] sizes = Blocks.cache(train, storage);
        long total = 0;
        for (long n : sizes) {
            total += n;
        }
        long all = total;
        Broadcast<StepState> state = sc.broadcast(new StepState(params, buffers));
        sc.setJobDescription("Descent: batch-norm population statistics");
        Sequential m = model;
        long batchSize = settings.batchSize();
        try {
            List<double[]> parts = train.mapPartitionsWithIndex((p, blocks) -> {
                PartitionWorker worker = new PartitionWorker(m);
                List<double[]> out = new ArrayList<>(1);
                while (blocks.hasNext()) {
                    Block b = blocks.next();
                    int share = (int) Math.max(1, Math.min(b.size(), Math.round((double) batchSize * b.size() / all)));
                    out.add(worker.batchStatistics(b, state.value(), share));
                }
                return out.iterator();
            }, true).collect();
            int channels = model.statsSize() / 3;
            double[] mean = new double[channels];
            double[] variance = new double[channels];
            double batches = 0;
            for (double[] r : parts) {
                for (int c = 0; c < channels; c++) {
                    mean[c] += r[c];
                    variance[c] += r[channels + c];
                }
                batches += r[2 * channels];
            }
            for (int c = 0; c < channels; c++) {
                mean[c] /= batches;
                variance[c] /= batches;
            }
            float[] out = buffers.clone();
            model.assignPopulationStatistics(out, mean, variance);
            return out;
        } finally {
            state.destroy();
        }
    }

    /** Mean loss and accuracy of the model over all blocks, computed on the executors. */
    public EvalResult evaluate(JavaRDD<Block> data, float[] params, float[] buffers) {
        return new SparkEvaluator(sc, model, loss).evaluate(data, params, buffers);
    }

    private EvalResult evaluate(JavaRDD<Block> data, String runId, float[] params, float[] buffers, String description) {
        return new SparkEvaluator(sc, model, loss).evaluate(data, runId, params, buffers, description);
    }
}
