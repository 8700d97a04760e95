package org.descent.engine.spark;

import java.io.Closeable;
import java.io.IOException;

/**
 * A barrier task's line to the driver's {@link StepService}: {@link TcpDriverLink} from another JVM,
 * or {@link StepService.InProcessLink} when the task runs in the driver's JVM (local masters), where
 * messages pass as objects and no array is encoded or copied. Both carry the same messages
 * ({@link Wire}), in the same order, so a run's numbers do not depend on the link.
 */
interface DriverLink extends Closeable {
    /** The next step to run, or null when the driver says stop; waits for it. */
    StepMessage next() throws IOException, InterruptedException;

    /** Answers step {@code step} with this partition's result. */
    void sendResult(long step, PartitionResult result) throws IOException;

    /**
     * Synchronized batch norm's exchange inside step {@code step}: sends {@code values[offset, offset+length)}
     * and replaces them by the driver's sum over every active partition.
     */
    void allReduceSum(long step, double[] values, int offset, int length) throws IOException, InterruptedException;

    /** Ends the link; the driver sees the task go. */
    @Override
    void close();
}
