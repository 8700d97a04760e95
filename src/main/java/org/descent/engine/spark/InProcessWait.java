package org.descent.engine.spark;

import java.util.concurrent.BlockingQueue;

/**
 * How a task waits for a message from another task of its JVM ({@link SameJvmLink}'s mailboxes: the leader's step, a
 * batch-norm exchange's values and sum, a child's result): it polls the queue for up to {@link #SPIN_NANOS}, yielding
 * its core between polls, before it parks. A parked thread that a message wakes runs again 0.05–0.11 ms later on the
 * 2-vCPU hosts of BENCHMARKS.md, and the tasks of one JVM meet four to six times a step with synchronized batch norm:
 * the quickstart over two partitions in {@code local[2]} took 2.59–2.64 ms a step parked, 2.32–2.40 polling, with float
 * sums (BENCHMARKS.md, "Tasks of one JVM poll before they sleep"). The polls yield rather than spin hard, so that a thread with work
 * (the driver's update, a JIT compiler thread) gets the core when the JVM's threads outnumber its cores; a wait longer
 * than the bound parks as before, having spent at most the bound. {@code -Ddescent.inProcessSpinMicros=N} sets the
 * bound (default 1000 µs; 0 parks at once; at most a second).
 */
final class InProcessWait {
    /** The longest a wait polls before it parks, in nanoseconds. */
    static final long SPIN_NANOS = bound(Long.getLong("descent.inProcessSpinMicros", 1000));

    private InProcessWait() {
    }

    /** {@code micros} as the polls' bound in nanoseconds: from 0 (park at once) to one second. */
    static long bound(long micros) {
        return Math.min(Math.max(0, micros), 1_000_000) * 1000;
    }

    /** The queue's head, polled for up to {@code spinNanos} (yielding between polls); null if nothing came by then. */
    static <T> T poll(BlockingQueue<T> queue, long spinNanos) {
        T m = queue.poll();
        if (m != null || spinNanos <= 0) {
            return m;
        }
        long until = System.nanoTime() + spinNanos;
        while ((m = queue.poll()) == null && System.nanoTime() - until < 0) {
            Thread.yield();
        }
        return m;
    }
}
