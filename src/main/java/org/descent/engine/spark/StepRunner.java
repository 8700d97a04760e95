package org.descent.engine.spark;

import java.util.List;

/**
 * How the partitions' halves of a training step are run: one Spark job per step
 * ({@link JobStepRunner}) or one long barrier stage serving many steps over Descent's own
 * transport ({@link BarrierStepRunner}). Either way the driver receives every partition's
 * {@link PartitionResult} in partition order and does the rest (combine, divide, update) itself,
 * so the two modes share every line of the optimizer path.
 */
interface StepRunner extends AutoCloseable {
    /** Runs step {@code step} (the {@code stepInEpoch}-th of {@code epoch}) with these parameters and buffers on every partition. */
    List<PartitionResult> step(float[] params, float[] buffers, int epoch, long stepInEpoch, long step);

    /** The next step does not follow directly (evaluation, checkpoint, end of epoch): a long-running stage ends here. */
    default void pause() {
    }

    @Override
    default void close() {
        pause();
    }
}
