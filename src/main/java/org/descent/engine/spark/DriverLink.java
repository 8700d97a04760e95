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

    /** One bounded wait for the driver's next message: the message, or null when none came in {@link #KILL_CHECK_MILLIS}. */
    @FunctionalInterface
    interface Poll<T> {
        T poll() throws IOException, InterruptedException;
    }

    /**
     * How long a task waits for the driver before giving up: {@code 2·timeout + 10 s}. The driver
     * times tasks out; this only keeps a task from outliving a driver that stopped answering.
     */
    static long readTimeoutMillis(int timeoutMillis) {
        return 2L * timeoutMillis + 10_000;
    }

    /** Polls until a message comes, checking between polls whether the task was killed and failing after {@code readTimeoutMillis}. */
    static <T> T await(Poll<T> poll, Runnable checkKilled, long readTimeoutMillis) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + readTimeoutMillis;
        T m;
        while ((m = poll.poll()) == null) {
            checkKilled.run();
            if (System.currentTimeMillis() > deadline) {
                throw new java.net.SocketTimeoutException("no message from the driver in " + readTimeoutMillis / 1000 + " s");
            }
        }
        return m;
    }

    /** The tree exchange's first message from the driver: this stage attempt's {@link Topology}. */
    Topology awaitTopology() throws IOException, InterruptedException;

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
