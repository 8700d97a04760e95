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
import org.descent.engine.EngineOptions;
import org.descent.engine.EpochMetrics;
import org.descent.engine.EvalResult;
import org.descent.engine.LocalTrainer;
import org.descent.engine.ParameterUpdater;
import org.descent.engine.TrainingResult;
import org.descent.engine.TrainingState;
import org.descent.nn.KernelWarmUp;
import org.descent.loss.Loss;
import org.descent.nn.Sequential;
import org.descent.optim.GradientTransform;

/**
 * Data-parallel mini-batch training on Spark. How a step's parameters reach the partitions and their
 * sums come back is a {@link StepRunner} chosen from the {@link EngineOptions}: one Spark job per step,
 * or one barrier stage serving many steps ({@link BarrierStepRunner}) as a star through the driver or a
 * tree through the executors; {@code engine.mode = auto} takes the barrier stage when the cluster can
 * hold it ({@link #resolveMode}). The driver's loop below is the same for all of them.
 *
 * <p>The training blocks are cached once. Every step each partition computes the gradient, loss,
 * count and batch-norm statistics of its slice of the global batch ({@link BatchPlan}); the runner
 * combines them in a fixed order (so the same seed and partitioning give bit-identical weights) into
 * a {@link StepTotal}; the driver divides by the global count once and applies the optimizer, whose
 * state never leaves the driver. Step cost depends on the batch, not on the dataset's size: a step
 * reads only its slice of each cached block.
 *
 * <p>With {@link #earlyStopping} the run ends when the validation metric stops improving and the
 * best epoch's parameters are returned. A loss or gradient that is not finite stops the run before it is applied ({@link DivergenceGuard}).
 *
 * <p>Batch norm in this mode normalizes each partition with its own batch statistics; the running
 * statistics are updated from the statistics merged over all partitions, count-weighted with the
 * unbiased correction over the global count (never one partition's copy, never a mean of means).
 */
public final class SparkTrainer {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SparkTrainer.class);
    private final JavaSparkContext sc;
    private final Sequential model;
    private final Loss loss;
    private final GradientTransform optimizer;
    private final LocalTrainer.Settings settings;
    private final StorageLevel storage;
    private EngineOptions engine = EngineOptions.defaults();
    private float[] startParams;
    private float[] startBuffers;
    private StepListener stepListener;
    private org.descent.schedule.ReduceOnPlateau plateau;
    private java.util.function.Consumer<String> notices = LOG::warn;
    private long stepsPerEpoch;
    private EarlyStopping earlyStopping;
    private long maxSteps = Long.MAX_VALUE;
    private long evaluateEvery;
    private EvaluationListener evaluationListener;
    private int reshuffleEvery;
    private org.descent.data.Augmentation augmentation;
    private BarrierTask.Stall stall;
    private java.util.function.Consumer<StepService> onService;
    private JavaRDD<Block> test;
    private Resolved resolved;
    private long[] driverBytes;

    /**
     * What {@code fit} ran: the step mode and, in barrier mode, the exchange and whether it overlaps the
     * compute, each with the reason it was chosen.
     */
    public record Resolved(EngineOptions.Mode mode, String modeReason, EngineOptions.Exchange exchange, String exchangeReason, boolean overlap,
                           String overlapReason) {
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

    /**
     * Starts from these weights (and batch-norm buffers) instead of the model's initializers, e.g. a trained model's
     * ({@code model.initFrom}); a resumed checkpoint still takes precedence.
     */
    public SparkTrainer startFrom(float[] params, float[] buffers) {
        if (params.length != model.paramCount() || buffers.length != model.bufferSize()) {
            throw new IllegalArgumentException("starting weights hold " + params.length + " parameters and " + buffers.length + " buffer values; the model has "
                    + model.paramCount() + " and " + model.bufferSize());
        }
        this.startParams = params.clone();
        this.startBuffers = buffers.clone();
        return this;
    }

    /**
     * How steps run ({@code engine.*}, {@code batchNorm.mode}): the mode, the barrier stage's link and
     * exchange, and the reduction. With exact sums ({@code engine.reduction = exact}) every sum over
     * examples is taken on the grid of {@link org.descent.tensor.ExactSum} and products give each example's
     * rows the value they would have alone, so with the global walk ({@link BatchPlan.Shuffle#GLOBAL}) and synchronized (or no) batch norm
     * any number of partitions gives bit-identical parameters. With synchronized batch norm every batch-norm
     * layer normalizes with the statistics of the whole global batch, so a step equals a single-process step
     * on the concatenated batch.
     */
    public SparkTrainer engine(EngineOptions options) {
        this.engine = options;
        return this;
    }

    /** The options {@link #engine} was given. */
    public EngineOptions engine() {
        return engine;
    }

    /** Bytes the driver sent and received on the barrier stage's links in the last {@code fit} ({@code [sent, received]}; null in job mode). */
    public long[] driverBytes() {
        return driverBytes;
    }

    /** What the last {@code fit} ran (null before one). */
    public Resolved resolved() {
        return resolved;
    }

    /** Transforms every training example in every step ({@code data.augment}); null for none. */
    public SparkTrainer augment(org.descent.data.Augmentation augmentation) {
        this.augmentation = augmentation;
        return this;
    }

    /** The engine's tests' fault injection and observation ({@link TestHooks}); package-private. */
    SparkTrainer testHooks(TestHooks hooks) {
        this.stall = hooks.stall();
        this.onService = hooks.onService();
        return this;
    }

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

    /** Sees the driver's current weights whenever the run evaluates (every k steps, and at every epoch's end). */
    public interface WeightsProbe {
        /** @param step the steps done; the arrays are the driver's own: read them, do not keep or change them */
        void at(long step, float[] params, float[] buffers);
    }

    private WeightsProbe probe;

    /** Calls {@code probe} with the current weights at every evaluation (e.g. to record a unit's input distribution). */
    public SparkTrainer probe(WeightsProbe weightsProbe) {
        this.probe = weightsProbe;
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

    /** Receives the run's one-line notices for the user (blocks recomputed from the source); the default logs them as warnings. */
    public SparkTrainer onNotice(java.util.function.Consumer<String> notices) {
        this.notices = notices;
        return this;
    }

    /** Receives every step's metrics (for metrics.jsonl). */
    public SparkTrainer onStep(StepListener listener) {
        this.stepListener = listener;
        return this;
    }

    /** The configuration name of a storage level ({@code data.storageLevel}), or Spark's description of another one. */
    static String levelName(StorageLevel level) {
        for (String name : new String[] {"MEMORY_ONLY", "MEMORY_AND_DISK", "MEMORY_AND_DISK_SER", "DISK_ONLY", "MEMORY_ONLY_SER", "OFF_HEAP"}) {
            if (StorageLevel.fromString(name).equals(level)) {
                return name;
            }
        }
        return level.description();
    }

    /** When to checkpoint: after every {@code everySteps} steps (0: never) and every {@code everyEpochs} epochs (0: never). */
    public record CheckpointPolicy(Checkpointer checkpointer, long everySteps, int everyEpochs) {
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
     * The optimizer's reduce-on-plateau learning rate, told the loss evaluated after every epoch (validation, else
     * the data {@code fit} evaluates); its state is kept in the optimizer's, so checkpoints carry it.
     */
    public SparkTrainer plateau(org.descent.schedule.ReduceOnPlateau schedule) {
        this.plateau = schedule;
        return this;
    }

    /** Trains from freshly initialized parameters on {@code train}; evaluates on {@code validation} (may be null) after every epoch. */
    public TrainingResult fit(JavaRDD<Block> train, JavaRDD<Block> validation, LocalTrainer.Listener listener) {
        return fit(train, validation, listener, null, null);
    }

    /**
     * Trains, continuing from {@code resume} when it is non-null (a checkpoint of a run with the
     * same configuration and partitioning), and checkpointing as {@code policy} says (may be null).
     */
    public TrainingResult fit(JavaRDD<Block> train, JavaRDD<Block> validation, LocalTrainer.Listener listener,
                              TrainingState resume, CheckpointPolicy policy) {
        Run run = new Run(train, validation, listener, resume, policy);
        try {
            for (int epoch = run.firstEpoch; epoch < settings.epochs() && !run.over(); epoch++) {
                StepRunner runner = run.runnerFor(epoch);
                for (long s = run.firstStepOf(epoch); s < stepsPerEpoch && run.step < maxSteps; s++) {
                    run.apply(runner.step(run.params, run.buffers, epoch, s, run.step, run), epoch);
                    run.evaluateOrCheckpointIfDue(runner, epoch, s);
                }
                runner.pause();
                run.endEpoch(epoch);
            }
        } finally {
            run.close();
        }
        return run.result();
    }

    /**
     * {@code engine.mode = auto} made concrete for {@code partitions}: a barrier stage when the cluster
     * can hold it — a task slot for every partition at once and dynamic allocation off — else one job
     * per step; synchronized batch norm needs the barrier stage, so without one it is an error. An
     * explicit barrier mode is checked against the same conditions before any work.
     */
    Resolved resolveMode(int partitions) {
        boolean dynamic = sc.getConf().getBoolean("spark.dynamicAllocation.enabled", false);
        int slots = SparkSetup.taskSlots(sc);
        String fits = dynamic ? "spark.dynamicAllocation.enabled=true (a barrier stage runs all its tasks at once)"
                : partitions > slots ? partitions + " partitions but " + slots + " task slots" : null;
        EngineOptions.Mode mode = engine.mode();
        String reason;
        if (mode == EngineOptions.Mode.AUTO) {
            if (fits == null) {
                mode = EngineOptions.Mode.BARRIER;
                reason = "auto: " + partitions + " partitions fit " + slots + " task slots";
            } else if (engine.syncBatchNorm()) {
                throw new IllegalArgumentException("batchNorm.mode = sync needs a barrier stage, which this cluster cannot hold: " + fits
                        + "; set training.partitions ≤ " + slots + " (or add executor cores)");
            } else {
                mode = EngineOptions.Mode.JOB;
                reason = "auto: " + fits;
            }
        } else if (mode == EngineOptions.Mode.BARRIER && fits != null) {
            throw new IllegalArgumentException("engine.mode = barrier runs all " + partitions + " partitions at once but "
                    + (dynamic ? "the cluster has " + fits : "the cluster has " + slots + " task slots: set training.partitions ≤ " + slots
                            + " (or add executor cores)"));
        } else {
            reason = "engine.mode = " + EngineOptions.name(mode);
        }
        if (mode == EngineOptions.Mode.JOB) {
            return new Resolved(mode, reason, null, "job mode has no barrier exchange", false, "job mode has no barrier exchange");
        }
        int executors = executorJvms();
        EngineOptions.Exchange exchange = engine.exchange();
        String why;
        if (exchange == EngineOptions.Exchange.AUTO) {
            boolean shared = executors > 0 && partitions > executors;
            // In the driver's JVM the star relays every batch-norm exchange through the driver's thread; the tree's
            // leading task sums them among the tasks (EngineOptions' class comment has the figures).
            boolean syncInProcess = executors == 0 && engine.syncBatchNorm() && engine.transport() != EngineOptions.Transport.TCP;
            exchange = executors >= EngineOptions.TREE_FROM_EXECUTORS || shared || syncInProcess ? EngineOptions.Exchange.TREE : EngineOptions.Exchange.STAR;
            why = "auto: " + (executors == 0 ? "every task in the driver's JVM" + (syncInProcess ? ", synchronized batch norm" : "")
                    : executors + " executor JVM" + (executors == 1 ? "" : "s") + " for " + partitions + " tasks");
        } else {
            why = "engine.exchange = " + EngineOptions.name(exchange);
        }
        boolean overlap;
        String overlapWhy;
        if (engine.overlap() != EngineOptions.Overlap.AUTO) {
            overlap = engine.overlapped();
            overlapWhy = "engine.overlap = " + overlap;
        } else if (executors == 0) {
            overlap = false;
            overlapWhy = "auto: every task in the driver's JVM, arrays passed by reference";
        } else {
            java.util.Set<String> elsewhere = executorHostsBesideTheDriver();
            overlap = !elsewhere.isEmpty();
            overlapWhy = overlap ? "auto: executors on " + elsewhere.size() + " other host" + (elsewhere.size() == 1 ? "" : "s")
                    : "auto: every executor on the driver's host, whose cores the transfers would take from the compute";
        }
        return new Resolved(mode, reason, exchange, why, overlap, overlapWhy);
    }

    /** The hosts of the executors registered now that are not the driver's (loopback counts as the driver's). */
    private java.util.Set<String> executorHostsBesideTheDriver() {
        String driver = sc.getConf().get("spark.driver.host", "localhost");
        java.util.Set<String> hosts = new java.util.TreeSet<>();
        for (String id : scala.jdk.javaapi.CollectionConverters.asJava(sc.sc().getExecutorMemoryStatus()).keySet()) {
            String host = id.substring(0, Math.max(0, id.lastIndexOf(':')));
            if (!host.equals(driver) && !host.equals("localhost") && !host.startsWith("127.")) {
                hosts.add(host);
            }
        }
        return hosts;
    }

    /** Executor JVMs apart from the driver's (0 for local masters, whose tasks run in the driver). */
    private int executorJvms() {
        String master = sc.master();
        if (master.startsWith("local") && !master.startsWith("local-cluster")) {
            return 0;
        }
        java.util.regex.Matcher cluster = java.util.regex.Pattern.compile("local-cluster\\[\\s*(\\d+)\\s*,.*]").matcher(master);
        if (cluster.matches()) {
            return Integer.parseInt(cluster.group(1));
        }
        return Math.max(1, sc.sc().getExecutorMemoryStatus().size() - 1);
    }

    /** One {@code fit}: the trained state, the per-epoch bookkeeping, and the step runner of the current layout. */
    private final class Run implements StepRunner.SegmentSink {
        final JavaRDD<Block> train;
        final JavaRDD<Block> validation;
        final LocalTrainer.Listener listener;
        final TrainingState resume;
        final CheckpointPolicy policy;
        final String runId = UUID.randomUUID().toString();
        final float[] params;
        final float[] buffers;
        final ParameterUpdater updater;
        /** The kernels' warm-up, started by the tasks that cache the blocks ({@link KernelWarmUp}). */
        final KernelWarmUp warmUp;
        final List<EpochMetrics> history;
        final int firstEpoch;
        long step;
        long examples;
        double lossSum;
        long seen;
        EarlyStopping.State stopping;
        float[] bestParams;
        float[] bestBuffers;
        boolean stoppedEarly;
        JavaRDD<Block> layout;
        int round = -1;
        BatchPlan plan;
        StepRunner runner;
        boolean warnedInexact;
        /** This step's gradient came segment by segment ({@link #segment}); false when a segment was not finite (the whole check fails). */
        boolean segmented;
        boolean segmentsFinite;

        Run(JavaRDD<Block> train, JavaRDD<Block> validation, LocalTrainer.Listener listener, TrainingState resume, CheckpointPolicy policy) {
            if (earlyStopping != null && validation == null) {
                throw new IllegalArgumentException("early stopping needs validation data (data.validationSize > 0)");
            }
            this.train = train;
            this.validation = validation;
            this.listener = listener;
            this.resume = resume;
            this.policy = policy;
            resolved = resolveMode(train.getNumPartitions());
            LOG.info("Descent engine: {} mode ({}){}", EngineOptions.name(resolved.mode()), resolved.modeReason(),
                    resolved.exchange() == null ? "" : ", " + EngineOptions.name(resolved.exchange()) + " exchange (" + resolved.exchangeReason() + "), "
                            + (resolved.overlap() ? "overlapped" : "not overlapped") + " (" + resolved.overlapReason() + ")");
            params = resume != null ? resume.params().clone() : startParams != null ? startParams.clone() : model.initParams(settings.seed());
            buffers = resume != null ? resume.buffers().clone() : startBuffers != null ? startBuffers.clone() : model.initBuffers();
            warmUp = KernelWarmUp.forPartitions(model, loss, settings.batchSize(), train.getNumPartitions(), engine.exactSums(), engine.syncBatchNorm());
            if (validation != null) {
                JobLabels.describe(sc, "cache the evaluation blocks");
                Blocks.cache(validation, storage, warmUp);
            }
            if (test != null) {
                JobLabels.describe(sc, "cache the test blocks");
                Blocks.cache(test, storage, warmUp);
            }
            updater = new ParameterUpdater(optimizer, model.layout());
            if (resume != null) {
                updater.restore(resume.optimizer());
            }
            if (plateau != null) {
                plateau.loadFrom(updater.state().scalars());
            }
            history = new ArrayList<>(resume != null ? resume.history() : List.of());
            step = resume != null ? resume.step() : 0;
            stopping = earlyStopping == null ? null
                    : resume != null && resume.earlyStopping() != null ? resume.earlyStopping() : earlyStopping.initial();
            bestParams = resume != null && resume.bestParams() != null ? resume.bestParams().clone() : null;
            bestBuffers = resume != null && resume.bestBuffers() != null ? resume.bestBuffers().clone() : null;
            // A checkpoint taken when early stopping ended the run has nothing left to train.
            boolean ended = stopping != null && earlyStopping.shouldStop(stopping);
            firstEpoch = ended ? settings.epochs() : resume != null ? resume.epoch() : 0;
            stoppedEarly = ended;
        }

        /** The runner for {@code epoch}'s layout: a new one (and a new cached layout) when a reshuffle round starts. */
        StepRunner runnerFor(int epoch) {
            int wanted = reshuffleEvery > 0 ? epoch / reshuffleEvery : 0;
            if (wanted != round) {
                if (runner != null) {
                    runner.close();
                }
                if (layout != null && layout != train) {
                    layout.unpersist(false);
                }
                round = wanted;
                JobLabels.describe(sc, "layout of epoch " + epoch + " (reshuffle round " + round + ")");
                layout = Reshuffle.layout(train, settings.seed(), round);
                plan = new BatchPlan(Blocks.cache(layout, storage, warmUp), settings.batchSize(), settings.dropLast(), settings.seed(), settings.shuffle());
                checkHeld();
                stepsPerEpoch = plan.stepsPerEpoch();
                StepOptions options = new StepOptions(engine.exactSums(), augmentation);
                runner = resolved.mode() == EngineOptions.Mode.BARRIER
                        ? new BarrierStepRunner(sc, layout, runId + "/" + round, plan, model, loss, engine.withOverlap(resolved.overlap()), resolved.exchange(),
                                options, stall, onService)
                        : new JobStepRunner(sc, layout, runId + "/" + round, plan, model, loss, options);
            }
            boolean resumed = resume != null && epoch == firstEpoch;
            lossSum = resumed ? resume.epochLossSum() : 0;
            seen = resumed ? resume.epochSeen() : 0;
            lastStepEnd = System.nanoTime();
            return runner;
        }

        long firstStepOf(int epoch) {
            return resume != null && epoch == firstEpoch ? resume.stepInEpoch() : 0;
        }

        boolean over() {
            return stoppedEarly || step >= maxSteps;
        }

        @Override
        public void begin(long count) {
            updater.beginStep(count);
            segmented = true;
            segmentsFinite = true;
        }

        /**
         * A segment of this step's summed gradient is complete: take its mean and, with an element-wise
         * optimizer, update it now, while the rest arrives. A non-finite segment updates nothing more; the
         * step's check then fails and rolls back what was updated.
         */
        @Override
        public void segment(float[] gradient, int from, int to) {
            if (!segmentsFinite) {
                return;
            }
            segmentsFinite = updater.prepareSegment(gradient, from, to);
            if (segmentsFinite && updater.updatesSegments()) {
                updater.applySegment(params, step, from, to);
            }
        }

        /** The step is repeated on a new stage attempt: what its segments updated is undone. */
        @Override
        public void abandon() {
            updater.rollBack(params);
            segmented = false;
        }

        /** The driver's half of a step: check for divergence, divide once, update the parameters and buffers, report. */
        void apply(StepTotal total, int epoch) {
            long start = System.nanoTime();
            lossSum += total.lossSum();
            seen += total.count();
            examples += total.count();
            boolean bySegment = segmented && segmentsFinite && updater.prepared();
            if (segmented && !bySegment) {
                updater.rollBack(params);   // a non-finite segment stopped the segment updates: undo those made, then check the whole
            }
            segmented = false;
            double norm = bySegment ? updater.gradientNorm() : updater.prepare(total.gradient(), total.count());
            if (engine.exactSums()) {
                warnIfInexact(total.gradient(), norm, total.count());
            }
            try {
                DivergenceGuard.check(model.layout(), total.gradient(), norm, total.lossSum(), epoch, step);
            } catch (org.descent.engine.DivergenceException e) {
                updater.rollBack(params);   // the segments updated during the step: the run stops on the last good step's state
                throw e;
            }
            updater.applyPrepared(params, step);
            if (total.stats().length > 0) {
                model.updateBuffers(buffers, total.stats());
            }
            if (stepListener != null) {
                long end = System.nanoTime();
                double aggregate = (end - start + total.combineNanos()) / 1e6;
                stepListener.stepEnded(epoch, step, total.lossSum() / Math.max(1, total.count()), total.count(), updater.gradientNorm(),
                        new StepTiming((end - lastStepEnd) / 1e6, total.sendNanos() / 1e6, total.computeNanos() / 1e6, total.syncNanos() / 1e6,
                                aggregate));
            }
            lastStepEnd = System.nanoTime();
            step++;
        }

        /** When the previous step ended (or the runner was ready): a step's whole time runs from here. */
        private long lastStepEnd = System.nanoTime();

        /**
         * Sums on the grid are exact below {@link org.descent.tensor.ExactSum#EXACT_LIMIT}; warns once when a total passes it.
         * The mean gradient's norm bounds every sum ({@link org.descent.tensor.ExactSum#belowLimitByNorm}), so the pass over
         * the sums runs only when the norm cannot rule it out: in a local master it read a megabyte that a task had just
         * written on another core, and the driver's share of an exact quickstart step went from 0.72 to 0.45 ms without it.
         */
        private void warnIfInexact(float[] gradient, double meanNorm, long count) {
            if (warnedInexact || org.descent.tensor.ExactSum.belowLimitByNorm(meanNorm, count)) {
                return;
            }
            // A gradient that is not finite (a NaN is the largest) is the divergence guard's to report.
            float largest = org.descent.tensor.FloatArrays.largestMagnitude(gradient);
            if (largest >= org.descent.tensor.ExactSum.EXACT_LIMIT) {
                warnedInexact = true;
                LOG.warn("engine.reduction = exact: a gradient sum reached {} at step {}, past the {} up to which sums on the grid are exact; "
                        + "from here the run may depend on the partitioning", largest, step, org.descent.tensor.ExactSum.EXACT_LIMIT);
            }
        }

        /** Evaluation every k steps and step checkpoints, mid-epoch (the epoch's end does its own). */
        void evaluateOrCheckpointIfDue(StepRunner runner, int epoch, long s) {
            boolean last = s + 1 >= stepsPerEpoch;
            boolean evaluationDue = !last && evaluateEvery > 0 && validation != null && step % evaluateEvery == 0;
            boolean checkpointDue = !last && policy != null && policy.everySteps() > 0 && step % policy.everySteps() == 0;
            if (evaluationDue || checkpointDue) {
                runner.pause();
            }
            if (evaluationDue) {
                evaluationListener.evaluated(epoch, step, evaluate(validation, runId, params, buffers, "evaluate validation at step " + step));
                if (probe != null) {
                    probe.at(step, params, buffers);
                }
            }
            if (checkpointDue) {
                save(policy, new TrainingState(params, buffers, updater.state(), epoch, s + 1, step, lossSum, seen, history, stopping, bestParams,
                        bestBuffers));
            }
            lastStepEnd = System.nanoTime();
        }

        private boolean recomputeNoticed;

        /**
         * Says once when the block managers do not hold every training partition: those are recomputed from the source
         * (files re-read and parsed, or rows generated again) by every step that reads them. Asked of the driver, no job.
         */
        void checkHeld() {
            if (recomputeNoticed) {
                return;
            }
            Blocks.Held held = Blocks.held(sc, layout);
            int missing = layout.getNumPartitions() - held.partitions();
            if (missing > 0) {
                recomputeNoticed = true;
                notices.accept(String.format(java.util.Locale.ROOT, "data.storageLevel = %s: %d of %d training partitions are not held by the executors "
                        + "(they do not fit in storage memory, or were evicted) and are recomputed from the source at every step that reads them; "
                        + "set data.storageLevel = MEMORY_AND_DISK (or DISK_ONLY), or give the executors more memory (spark.executor.memory)",
                        levelName(storage), missing, layout.getNumPartitions()));
            }
        }

        /** Evaluation, the epoch's metrics, early stopping and the epoch's checkpoint. */
        void endEpoch(int epoch) {
            checkHeld();
            long t0 = epochStart;
            EvalResult val = validation == null ? null : evaluate(validation, runId, params, buffers, "evaluate validation after epoch " + epoch);
            EvalResult tested = test == null ? null : evaluate(test, runId, params, buffers, "evaluate test after epoch " + epoch);
            EpochMetrics m = new EpochMetrics(epoch, step, lossSum / Math.max(1, seen), val, tested, (System.nanoTime() - t0) / 1e9);
            if (probe != null) {
                probe.at(step, params, buffers);
            }
            EvalResult watched = val != null ? val : tested;
            if (plateau != null && watched != null) {
                plateau.observe(watched.loss());
                plateau.saveTo(updater.state().scalars());
            }
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
                save(policy, new TrainingState(params, buffers, updater.state(), epoch + 1, 0, step, 0, 0, history, stopping, bestParams, bestBuffers));
            }
            epochStart = System.nanoTime();
        }

        private long epochStart = System.nanoTime();

        void close() {
            if (runner != null) {
                runner.close();
                driverBytes = runner.driverBytes();
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

        TrainingResult result() {
            if (earlyStopping != null && bestParams != null) {
                return new TrainingResult(bestParams, bestBuffers, history, step, examples, stopping.bestEpoch(), stoppedEarly);
            }
            return new TrainingResult(params, buffers, history, step, examples);
        }
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
        JobLabels.describe(sc, "batch-norm population statistics over the training set");
        long[] sizes = Blocks.cache(train, storage);
        long total = 0;
        for (long n : sizes) {
            total += n;
        }
        long all = total;
        Broadcast<StepState> state = sc.broadcast(new StepState(params, buffers));
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
        return new SparkEvaluator(sc, model, loss).evaluate(data, params, buffers, "evaluate the final model");
    }

    private EvalResult evaluate(JavaRDD<Block> data, String runId, float[] params, float[] buffers, String description) {
        return new SparkEvaluator(sc, model, loss).evaluate(data, runId, params, buffers, description);
    }
}
