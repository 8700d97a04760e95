package org.descent.nn;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.descent.loss.Loss;
import org.descent.tensor.Rng;

/**
 * A model's training step run on synthetic batches in a background daemon thread, so that the JIT has compiled the
 * model's kernels by the time the first real step needs them. The Vector API kernels (exact sums, fixed-order
 * products) run through the API's Java fallbacks, hundreds of times slower, until C2 has compiled them: the first
 * call of the exact quickstart's first-layer weight gradient takes about 0.9 s, later calls 1.5–2 ms. Started on an
 * executor while it reads and caches its data (and in the driver's JVM in local mode, where the tasks run), the
 * compilation overlaps the reading instead of the first steps.
 *
 * <p>The warm-up owns its network, parameters, buffers and gradients, and shares only the immutable model: nothing it
 * computes reaches a run, whose bits are the same with it or without it. A JVM warms a model up once for a batch and
 * a kind of sums ({@link #start} is a no-op after the first). The thread stops once its steps have stopped getting
 * faster ({@value #STEADY_STEPS} in a row none 10 % faster than the fastest before it), when a real step begins in
 * its JVM ({@link #stepBegins}), or when {@value #MAX_SECONDS} s have passed — each at the end of its current step —
 * or at the first exception or error (a model it cannot feed synthetic data is trained cold).
 */
public final class KernelWarmUp implements Serializable {
    private static final long serialVersionUID = 1L;
    static final int STEADY_STEPS = 20;
    static final int MAX_SECONDS = 10;
    /** The largest batch a warm-up runs: a full-batch run's kernels compile on a slice of it. */
    static final int MAX_ROWS = 512;
    private static final Set<String> STARTED = ConcurrentHashMap.newKeySet();
    /** Real training steps begun in this JVM ({@link #stepBegins}): a warm-up stops at the first after its start. */
    private static final AtomicLong REAL_STEPS = new AtomicLong();

    private final Sequential model;
    private final Loss loss;
    private final int rows;
    private final boolean exactSums;
    private final boolean syncBatchNorm;

    /**
     * The warm-up of {@code model}'s training step over {@code rows} examples (a partition's share of the global batch),
     * with float or exact gradient sums, and batch norm local or synchronized (over a collective of one).
     */
    public KernelWarmUp(Sequential model, Loss loss, int rows, boolean exactSums, boolean syncBatchNorm) {
        if (rows <= 0) {
            throw new IllegalArgumentException("a warm-up needs at least one row, got " + rows);
        }
        this.model = model;
        this.loss = loss;
        this.rows = rows;
        this.exactSums = exactSums;
        this.syncBatchNorm = syncBatchNorm;
    }

    /**
     * The warm-up for a run of global batch {@code batchSize} over {@code partitions} partitions: a partition's share,
     * at most {@value #MAX_ROWS} rows.
     */
    public static KernelWarmUp forPartitions(Sequential model, Loss loss, long batchSize, int partitions, boolean exactSums,
                                             boolean syncBatchNorm) {
        long share = (batchSize + Math.max(1, partitions) - 1) / Math.max(1, partitions);
        return new KernelWarmUp(model, loss, (int) Math.max(1, Math.min(MAX_ROWS, share)), exactSums, syncBatchNorm);
    }

    /** The examples of a warm-up step. */
    int rows() {
        return rows;
    }

    /** Starts the warm-up in a daemon thread unless this JVM has started it already; returns the thread, or null. */
    public Thread start() {
        if (!STARTED.add(model.summary() + "|" + loss.name() + "|" + rows + "|" + exactSums + "|" + syncBatchNorm)) {
            return null;
        }
        long realSteps = REAL_STEPS.get();
        Thread t = new Thread(() -> run(realSteps), "descent-kernel-warm-up");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * Called by a real training step as it begins: a warm-up running stops at the end of its current step (one step of
     * the model on at most {@value #MAX_ROWS} rows; the real steps compile the kernels from there on).
     */
    public static void stepBegins() {
        REAL_STEPS.incrementAndGet();
    }

    /** The warm-up's steps in the calling thread, until a real step begins; returns how many it ran. */
    int run() {
        return run(REAL_STEPS.get());
    }

    /**
     * The warm-up's steps in the calling thread while the JVM's count of real steps is still {@code realSteps};
     * returns how many it ran. Nothing escapes it: whatever fails (an input the model cannot take, memory) ends the
     * warm-up, never the executor.
     */
    private int run(long realSteps) {
        int steps = 0;
        try {
            Rng rng = new Rng(0x5741524dL);
            float[] x = new float[rows * model.inputShape().size()];
            for (int i = 0; i < x.length; i++) {
                // Full significands, as real inputs have, so that the exact sums' kernels are the ones real steps run
                // (ExactSum.addOuterProducts takes terms that are ties for rint, as multiples of 2⁻²⁴ often make, elsewhere).
                x[i] = (float) rng.nextDouble();
            }
            // Whole numbers below the classes per label: class indices for a classification loss (one per time step of a
            // sequence), targets of 0 for a regression one (whose label width is the output's).
            int k = model.outputShape().size();
            int labelWidth = loss.labelWidth(k);
            float[] labels = new float[rows * labelWidth];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = rng.nextInt(Math.max(1, k / labelWidth));
            }
            StepContext ctx = new StepContext(model.initParams(1), exactSums ? null : new float[model.paramCount()], model.initBuffers(),
                    new double[model.statsSize()]);
            ctx.exactGrads = exactSums ? new double[model.paramCount()] : null;
            ctx.mode = Mode.TRAIN;
            ctx.syncBatchNorm = syncBatchNorm;
            Network network = model.newNetwork();
            long deadline = System.nanoTime() + MAX_SECONDS * 1_000_000_000L;
            long fastest = Long.MAX_VALUE;
            int sinceFaster = 0;
            while (System.nanoTime() < deadline && sinceFaster < STEADY_STEPS && REAL_STEPS.get() == realSteps) {
                if (ctx.grads != null) {
                    Arrays.fill(ctx.grads, 0f);
                }
                if (ctx.exactGrads != null) {
                    Arrays.fill(ctx.exactGrads, 0);
                }
                Arrays.fill(ctx.stats, 0);
                long t0 = System.nanoTime();
                network.lossAndGradient(ctx, x, labels, rows, loss);
                long took = System.nanoTime() - t0;
                steps++;
                sinceFaster = took < fastest - fastest / 10 ? 0 : sinceFaster + 1;
                fastest = Math.min(fastest, took);
            }
        } catch (Throwable e) {
            System.getLogger(KernelWarmUp.class.getName()).log(System.Logger.Level.DEBUG,
                    "kernel warm-up of " + model.summary() + " ended after " + steps + " steps", e);
        }
        return steps;
    }
}
