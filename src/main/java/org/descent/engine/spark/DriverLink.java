package org.descent.engine.spark;

import java.io.Closeable;
import java.io.IOException;

/**
 * A barrier task's line to the driver's {@link StepService}: {@link TcpDriverLink} from another JVM,
 * or {@link StepService.InProcessLink} when the task runs in the driver's JVM (local masters), where
 * messages pass as objects and no array is encoded or copied. Both carry the same messages
 * ({@link Wire}), in the same order, so a run's numbers do not depend on the link.
 *
 * <p>While a link waits for the driver it looks every {@link #KILL_CHECK_MILLIS} ms whether Spark
 * has killed the task: when one task of a barrier attempt fails, Spark kills the others without
 * interrupting them, and a task still waiting would hold its slot, which the relaunched attempt
 * needs, until its read timeout.
 */
interface DriverLink extends Closeable {
    /** How often a waiting link checks whether its task was killed. */
    int KILL_CHECK_MILLIS = 1000;

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
