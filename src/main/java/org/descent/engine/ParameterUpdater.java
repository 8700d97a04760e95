package org.descent.engine;

import org.descent.nn.ParamLayout;
import org.descent.optim.GradientTransform;
import org.descent.optim.OptState;

/**
 * The driver's half of a step: the summed gradient of a global mini-batch is divided by the global
 * example count <em>once</em> ({@code g = (1/m) Σ_i ∇L_i}), turned into an update by the optimizer
 * chain and added to the parameters ({@code θ ← θ + Δθ}). The optimizer state lives here and
 * nowhere else. One work buffer is reused, so a step on one thread allocates nothing (on two, each whole-step pass
 * hands the helper one task).
 *
 * <p>The gradient is taken in segments of {@link #SEGMENT_VALUES} values, the last segment first —
 * the order in which backward finishes them and the overlapped exchange delivers their sums
 * ({@code engine.overlap}). A caller that has the whole sum calls {@link #prepare}; a step runner that
 * sees segments complete one by one calls {@link #beginStep} and {@link #prepareSegment} for each, and,
 * when the optimizer is {@link GradientTransform#elementwise}, {@link #applySegment} at once, so the
 * update of the last layers runs while the first layers' sums are still arriving. Both give the same
 * bits: the same arithmetic per entry, and the norm summed per segment in the same order. A segment's
 * parameters and optimizer state are saved before it is updated, so a step cut short (a lost task, whose
 * step is repeated; a non-finite segment further down, which stops the run) is {@linkplain #rollBack
 * rolled back} to exactly the state before it.
 *
 * <p>By default a model of at least {@value #TWO_THREADS_MIN_SEGMENTS} segments, on a machine of two cores or more,
 * takes the whole-step passes ({@link #prepare} and {@link #applyPrepared}) on two threads: this one and a helper shared
 * by the JVM's updaters, each over half of the segments (the caller takes the helper's half too when the helper has not
 * started it, busy with another updater's). An {@link GradientTransform#elementwise} optimizer is updated on disjoint
 * ranges at once. The mean and the update are the same per entry on either thread;
 * the norm's per-segment partial sums are added in the same order (last segment first) as on one thread — so the same
 * bits. The driver's half of a step otherwise runs on one core while the executors' tasks wait for it (fashion-cnn,
 * 879,114 parameters: about 1 ms of every step).
 */
public final class ParameterUpdater {
    /** The unit of the overlapped exchange and update: a gradient segment's length in values. */
    public static final int SEGMENT_VALUES = 8192;
    /**
     * The fewest segments (524,288 values) whose whole-step passes go on two threads. A pass takes about 8 µs a segment;
     * below this the hand-off and the wake-ups, with every core busy, cost what half a pass saves: the MLP 784-256-256-10
     * (33 segments) trained 55,000 examples/s in {@code local[2]} with two threads against 54,000–69,000 with one
     * ({@code bench engine --models mlp}, alternated), while fashion-cnn (108) took its driver time from 1.4 ms to 1.0.
     */
    static final int TWO_THREADS_MIN_SEGMENTS = 64;
    /** The second thread of the whole-step passes (daemon, idle between steps), shared by every updater of the JVM. */
    private static final java.util.concurrent.ExecutorService HELPER = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "descent-update-helper");
        t.setDaemon(true);
        return t;
    });
    /** Whether the whole-step passes take the helper too. */
    private final boolean twoThreads;
    /** Each segment's Σ g² in {@link #prepare}, added in segment order afterwards. */
    private final double[] partials;
    private final GradientTransform optimizer;
    private OptState state;
    private final float[] work;
    private double gradientNorm;
    private float inv;
    private double sumSquares;
    /** The step's mean gradient is in {@code work[preparedFrom, n)}; the update is applied to {@code [appliedFrom, n)}. */
    private int preparedFrom;
    private int appliedFrom;
    /** Between {@link #beginStep} and {@link #applyPrepared} or {@link #rollBack}: a step whose updates can be undone. */
    private boolean stepOpen;
    /** The state's vectors and, for the segments updated in this step, their entries and the parameters' from before. */
    private java.util.List<float[]> vectors;
    private float[][] savedVectors;
    private float[] savedParams;

    public ParameterUpdater(GradientTransform optimizer, ParamLayout layout) {
        this(optimizer, layout, twoThreadsByDefault(layout));
    }

    /** Whether an updater of {@code layout} takes two threads by default: two cores or more, and a large enough model. */
    public static boolean twoThreadsByDefault(ParamLayout layout) {
        return Runtime.getRuntime().availableProcessors() >= 2 && segments(layout.size()) >= TWO_THREADS_MIN_SEGMENTS;
    }

    /**
     * As above, the whole-step passes on one thread, or on two when {@code twoThreads} and the model has two segments or
     * more (whatever the machine: single-thread benchmarks pass false).
     */
    public ParameterUpdater(GradientTransform optimizer, ParamLayout layout, boolean twoThreads) {
        this.optimizer = optimizer;
        this.state = optimizer.init(layout);
        this.work = new float[layout.size()];
        this.preparedFrom = work.length;
        this.appliedFrom = work.length;
        this.twoThreads = twoThreads && segments(layout.size()) >= 2;
        this.partials = new double[segments(layout.size())];
    }

    /** Whether the whole-step passes run on two threads. */
    public boolean twoThreads() {
        return twoThreads;
    }

    /**
     * Applies one step: {@link #prepare} then {@link #applyPrepared}.
     *
     * @param gradSum the gradient summed over {@code count} examples (not modified)
     * @param step    0-based step number (schedules and bias corrections read it)
     */
    public void apply(float[] params, float[] gradSum, long count, long step) {
        prepare(gradSum, count);
        applyPrepared(params, step);
    }

    /**
     * Takes the mean gradient {@code gradSum / count} for the next {@link #applyPrepared} and returns
     * its norm ‖g‖₂, which is finite exactly when every entry is (a float's square cannot overflow a
     * double, nor can a sum of fewer than 2³¹ of them). Neither the parameters nor the optimizer state
     * change, so a caller can stop a diverged run here with the last good step's parameters.
     */
    public double prepare(float[] gradSum, long count) {
        beginStep(count);
        int segments = segments(work.length);
        if (splits(segments)) {
            int half = segments / 2;
            bothThreads(() -> meanSquares(gradSum, 0, half), () -> meanSquares(gradSum, half, segments));
        } else {
            meanSquares(gradSum, 0, segments);
        }
        for (int s = segments - 1; s >= 0; s--) {   // prepareSegment's order
            sumSquares += partials[s];
        }
        preparedFrom = 0;
        gradientNorm = Math.sqrt(sumSquares);
        return gradientNorm;
    }

    /**
     * Whether a whole-step pass over {@code segments} segments goes half on the helper (on one thread it hands nothing
     * over, and allocates nothing).
     */
    private boolean splits(int segments) {
        return twoThreads && segments >= 2;
    }

    /** Segments {@code [first, end)}: their mean gradient into {@link #work}, each one's Σ g² into {@link #partials}. */
    private void meanSquares(float[] gradSum, int first, int end) {
        for (int s = end - 1; s >= first; s--) {
            int from = s * SEGMENT_VALUES;
            partials[s] = mean(gradSum, from, Math.min(work.length, from + SEGMENT_VALUES));
        }
    }

    /**
     * {@code first} on the helper and {@code second} on this thread, returning when both have; {@code first} runs here
     * after {@code second} if the helper has not begun it (so a helper busy with another updater's half, or a call from
     * the helper itself, never waits on it). A failure is rethrown here, the other's added as suppressed. The wait is
     * not interruptible: the helper writes this updater's arrays until it returns.
     */
    private static void bothThreads(Runnable first, Runnable second) {
        java.util.concurrent.FutureTask<Void> helper = new java.util.concurrent.FutureTask<>(first, null);
        HELPER.execute(helper);
        Throwable failure = null;
        try {
            second.run();
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        helper.run();   // a no-op once the helper has begun it
        boolean interrupted = false;
        while (true) {
            try {
                helper.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (java.util.concurrent.ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause();
                } else {
                    failure.addSuppressed(e.getCause());
                }
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException("the update helper failed", failure);
        }
    }

    /** Starts a step whose summed gradient over {@code count} examples comes segment by segment. */
    public void beginStep(long count) {
        if (count <= 0) {
            throw new IllegalArgumentException("a step needs at least one example, got " + count);
        }
        inv = (float) (1.0 / count);
        stepOpen = true;
        sumSquares = 0;
        preparedFrom = work.length;
        appliedFrom = work.length;
        gradientNorm = work.length == 0 ? 0 : Double.NaN;
    }

    /**
     * Takes the mean of {@code gradSum[from, to)}, the next segment down ({@code to} is where the last
     * one began; {@code from} a multiple of {@link #SEGMENT_VALUES}); returns whether it is finite.
     * After the first segment, {@link #gradientNorm} is the whole step's.
     */
    public boolean prepareSegment(float[] gradSum, int from, int to) {
        if (to != preparedFrom || from % SEGMENT_VALUES != 0 || from >= to) {
            throw new IllegalArgumentException("gradient segment [" + from + ", " + to + ") does not follow [" + preparedFrom + ", " + work.length + ")");
        }
        double partial = mean(gradSum, from, to);
        sumSquares += partial;
        preparedFrom = from;
        if (from == 0) {
            gradientNorm = Math.sqrt(sumSquares);
        }
        return Double.isFinite(partial);
    }

    /** {@code work[i] = gradSum[i] / count} over {@code [from, to)}; returns their Σ work[i]². */
    private double mean(float[] gradSum, int from, int to) {
        // Four partial sums of squares: independent chains the CPU overlaps (one chain waits on every add).
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = from;
        for (; i + 3 < to; i += 4) {
            float a = gradSum[i] * inv;
            float b = gradSum[i + 1] * inv;
            float c = gradSum[i + 2] * inv;
            float d = gradSum[i + 3] * inv;
            work[i] = a;
            work[i + 1] = b;
            work[i + 2] = c;
            work[i + 3] = d;
            s0 += (double) a * a;
            s1 += (double) b * b;
            s2 += (double) c * c;
            s3 += (double) d * d;
        }
        for (; i < to; i++) {
            work[i] = gradSum[i] * inv;
            s0 += (double) work[i] * work[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** True when the optimizer can update a prepared segment on its own ({@link GradientTransform#elementwise}). */
    public boolean updatesSegments() {
        return optimizer.elementwise();
    }

    /**
     * Updates the prepared segment {@code [from, to)}, the next one down, at once: {@code θ ← θ + Δθ}
     * over it (an element-wise optimizer only).
     */
    public void applySegment(float[] params, long step, int from, int to) {
        if (to != appliedFrom || from < preparedFrom || !optimizer.elementwise()) {
            throw new IllegalStateException("cannot update [" + from + ", " + to + ") now: prepared from " + preparedFrom + ", applied from "
                    + appliedFrom + (optimizer.elementwise() ? "" : ", and " + optimizer + " is not element-wise"));
        }
        save(params, from, to);
        updateRange(params, step, from, to);
    }

    private void updateRange(float[] params, long step, int from, int to) {
        updateValues(params, step, from, to);
        appliedFrom = from;
    }

    /** Segments {@code [first, last)} of {@code [0, end)} updated, the last first (an element-wise optimizer). */
    private void update(float[] params, long step, int first, int last, int end) {
        for (int s = last - 1; s >= first; s--) {
            int from = s * SEGMENT_VALUES;
            updateValues(params, step, from, Math.min(end, from + SEGMENT_VALUES));
        }
    }

    /** The optimizer's update of {@code [from, to)} (an element-wise optimizer's range) added to the parameters. */
    private void updateValues(float[] params, long step, int from, int to) {
        optimizer.update(work, state, params, step, from, to);
        addUpdate(params, from, to);
    }

    /** θ += Δθ over {@code [from, to)}, Δθ being the optimizer's output in {@link #work}. */
    private void addUpdate(float[] params, int from, int to) {
        for (int j = from; j < to; j++) {
            params[j] += work[j];
        }
    }

    private void save(float[] params, int from, int to) {
        if (vectors == null) {
            vectors = state.vectors();
            savedVectors = new float[vectors.size()][];
            for (int k = 0; k < savedVectors.length; k++) {
                savedVectors[k] = new float[vectors.get(k).length];
            }
            savedParams = new float[work.length];
        }
        System.arraycopy(params, from, savedParams, from, to - from);
        for (int k = 0; k < savedVectors.length; k++) {
            System.arraycopy(vectors.get(k), from, savedVectors[k], from, to - from);
        }
    }

    /**
     * Undoes this step's {@link #applySegment}s: the parameters and optimizer state are again those from
     * before the step, bit for bit, and the step can be taken again (or the run stopped) from there.
     */
    public void rollBack(float[] params) {
        int n = work.length;
        if (stepOpen && appliedFrom < n) {   // outside a step, or before any segment's update, there is nothing to undo
            System.arraycopy(savedParams, appliedFrom, params, appliedFrom, n - appliedFrom);
            for (int k = 0; k < savedVectors.length; k++) {
                System.arraycopy(savedVectors[k], appliedFrom, vectors.get(k), appliedFrom, n - appliedFrom);
            }
        }
        appliedFrom = n;
        preparedFrom = n;
        stepOpen = false;
    }

    /** True when the whole step's mean gradient is prepared (by {@link #prepare} or segment by segment). */
    public boolean prepared() {
        return preparedFrom == 0;
    }

    /**
     * Turns the prepared mean gradient into the optimizer's update and adds it: {@code θ ← θ + Δθ} —
     * over what {@link #applySegment} has not updated yet. An element-wise optimizer goes a segment at
     * a time through all its stages and the addition (AdamW: the moments, the decay, θ + Δθ), while the
     * segment's values are in the cache, instead of one pass over the model per stage; each entry sees
     * the same operations, so the bits are the whole update's.
     */
    public void applyPrepared(float[] params, long step) {
        if (preparedFrom != 0) {
            throw new IllegalStateException("the step's gradient is prepared only from " + preparedFrom);
        }
        if (appliedFrom == work.length && !optimizer.elementwise()) {
            optimizer.update(work, state, params, step);
            addUpdate(params, 0, work.length);
        } else {
            // The step is past its checks: nothing to save.
            int end = appliedFrom;
            int segments = segments(end);
            if (splits(segments)) {
                int half = segments / 2;
                bothThreads(() -> update(params, step, 0, half, end), () -> update(params, step, half, segments, end));
            } else {
                update(params, step, 0, segments, end);
            }
        }
        appliedFrom = 0;
        stepOpen = false;
    }

    /** ‖g‖₂ of the last step's mean gradient, before any clipping of the optimizer chain. */
    public double gradientNorm() {
        return gradientNorm;
    }

    public OptState state() {
        return state;
    }

    /** Continues from a saved state (a checkpoint's). */
    public void restore(OptState saved) {
        this.state = saved.deepCopy();
        this.vectors = null;
    }

    /** The number of segments of an {@code n}-value gradient. */
    public static int segments(int n) {
        return (n + SEGMENT_VALUES - 1) / SEGMENT_VALUES;
    }
}
