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
    /** Runs step {@code step} (the {@code stepInEpoch}-th of {@code epoch}) with these parameters and buffers on every partition. */
    StepTotal step(float[] params, float[] buffers, int epoch, long stepInEpoch, long step);

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
