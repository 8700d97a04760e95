package org.descent.engine.spark;

/**
 * How a training step's parameters reach the partitions and their sums come back — the only part of
 * a step that knows the cluster's topology: one Spark job per step ({@link JobStepRunner}), or one long
 * barrier stage serving many steps over Descent's own links ({@link BarrierStepRunner}: in process or
 * over TCP, as a star through the driver or as a tree through the executors). Either way the driver
 * gets the step's {@link StepTotal}, combined in a fixed order, and does the rest (divide, update)
 * itself, so every mode shares every line of the optimizer path.
 */
interface StepRunner extends AutoCloseable {
    /**
     * Runs step {@code step} (the {@code stepInEpoch}-th of {@code epoch}) with these parameters and
     * buffers on every partition. A runner that sees the gradient's sum complete segment by segment
     * ({@code engine.overlap}) hands each segment to {@code sink} (when not null) as it completes, the
     * last first, before it returns; others leave the whole sum to the caller.
     */
    StepTotal step(float[] params, float[] buffers, int epoch, long stepInEpoch, long step, SegmentSink sink);

    /**
     * The driver's side of the overlapped update: told, during a step, each segment of
     * {@link org.descent.engine.ParameterUpdater#SEGMENT_VALUES} values whose sum over the partitions is
     * complete, the last segment first, so that it can prepare and update it while the first layers'
     * sums are still arriving. The parameters a sink changes are no longer read by any task: over TCP
     * every task has its own copy, and in process a segment completes only once every task has answered.
     */
    interface SegmentSink {
        /** The step's segments begin; its global batch has {@code count} examples. */
        void begin(long count);

        /** {@code gradient[from, to)} holds the step's complete sum there; the next call's {@code to} is this {@code from}. */
        void segment(float[] gradient, int from, int to);

        /** The step was cut short (its stage attempt was lost) and will be taken again: undo what its segments changed. */
        void abandon();
    }

    /** The next step does not follow directly (evaluation, checkpoint, end of epoch): a long-running stage ends here. */
    default void pause() {
    }

    /** Bytes the driver sent and received on this runner's links so far ({@code [sent, received]}; job mode: {@code null}, Spark moves them). */
    default long[] driverBytes() {
        return null;
    }

    @Override
    default void close() {
        pause();
    }
}
