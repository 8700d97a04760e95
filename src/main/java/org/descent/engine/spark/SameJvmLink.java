package org.descent.engine.spark;

import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The tree exchange between two tasks of one executor JVM: a leader and one of its in-process
 * children share a mailbox, found by (job token, stage attempt, child partition) in a JVM-wide map
 * whichever side comes first. Steps go down as the leader's own {@link StepMessage} — the child reads
 * the leader's parameter array, so the executor holds one received copy — and the child's result
 * comes up by reference: the leader adds the child's gradient buffer into its own sum before it answers
 * its parent, and the child refills that buffer only in its next step, which the leader sends after.
 * A reduction's values travel as a copy. Each side waits for the other by polling before it parks
 * ({@link InProcessWait}).
 */
final class SameJvmLink {
    private static final ConcurrentHashMap<String, SameJvmLink> MAILBOXES = new ConcurrentHashMap<>();
    private enum Signal { STOP, LOST }

    private final String key;
    private final BlockingQueue<Object> down = new LinkedBlockingQueue<>();
    private final BlockingQueue<Object> up = new LinkedBlockingQueue<>();
    /**
     * The child's gradient as its backward finishes it ({@code engine.overlap}): its buffers, final from
     * {@code readyFrom} on (the volatile write publishes them), so the leader can add them during its own
     * backward. Reset when the leader sends the next step.
     */
    private volatile float[] progressFloats;
    private volatile double[] progressDoubles;
    private volatile int readyFrom = Integer.MAX_VALUE;

    private SameJvmLink(String key) {
        this.key = key;
    }

    private static SameJvmLink mailbox(String token, int attempt, int child) {
        String key = token + "/" + attempt + "/" + child;
        return MAILBOXES.computeIfAbsent(key, SameJvmLink::new);
    }

    /** The child's end: its line up to its leader. */
    static DriverLink child(String token, int attempt, int child, int timeoutMillis, Runnable checkKilled) {
        return mailbox(token, attempt, child).new ChildEnd(DriverLink.readTimeoutMillis(timeoutMillis), checkKilled);
    }

    /** The leader's end: its line down to the child. */
    static ChildLink leader(String token, int attempt, int child, int timeoutMillis, Runnable checkKilled) {
        return mailbox(token, attempt, child).new LeaderEnd(child, DriverLink.readTimeoutMillis(timeoutMillis), checkKilled);
    }

    private static Object take(BlockingQueue<Object> queue, Runnable checkKilled, long readTimeoutMillis, String from)
            throws IOException, InterruptedException {
        Object m = InProcessWait.poll(queue, InProcessWait.SPIN_NANOS);
        if (m == null) {
            m = DriverLink.await(() -> queue.poll(DriverLink.KILL_CHECK_MILLIS, TimeUnit.MILLISECONDS), checkKilled, readTimeoutMillis);
        }
        if (m == Signal.LOST) {
            throw new IOException(from + " ended");
        }
        return m;
    }

    /** What a child in the leader's JVM tells of its backward: its buffers and how far they are final. */
    static org.descent.nn.GradientProgress progressOf(DriverLink childEnd) {
        SameJvmLink box = ((ChildEnd) childEnd).box();
        return (ctx, offset) -> {
            box.progressFloats = ctx.grads;
            box.progressDoubles = ctx.exactGrads;
            box.readyFrom = offset;
        };
    }

    private final class ChildEnd implements DriverLink {
        private final long readTimeoutMillis;
        private final Runnable checkKilled;
        private boolean closed;

        ChildEnd(long readTimeoutMillis, Runnable checkKilled) {
            this.readTimeoutMillis = readTimeoutMillis;
            this.checkKilled = checkKilled;
        }

        SameJvmLink box() {
            return SameJvmLink.this;
        }

        @Override
        public StepMessage next() throws IOException, InterruptedException {
            Object m = take(down, checkKilled, readTimeoutMillis, "the executor's leading task");
            if (m == Signal.STOP) {
                return null;
            }
            if (m instanceof StepMessage step) {
                return step;
            }
            throw new IOException("unexpected message " + m + " from the executor's leading task");
        }

        @Override
        public Topology awaitTopology() {
            throw new UnsupportedOperationException("the driver sends the topology");
        }

        @Override
        public void sendResult(long step, PartitionResult result) {
            up.add(result);
        }

        @Override
        public void allReduceSum(long step, double[] values, int offset, int length) throws IOException, InterruptedException {
            up.add(java.util.Arrays.copyOfRange(values, offset, offset + length));
            Object m = take(down, checkKilled, readTimeoutMillis, "the executor's leading task");
            if (!(m instanceof double[] sum) || sum.length != length) {
                throw new IOException("expected a sum of " + length + " values from the executor's leading task, got " + m);
            }
            System.arraycopy(sum, 0, values, offset, length);
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                up.add(Signal.LOST);
            }
        }
    }

    private final class LeaderEnd implements ChildLink {
        private final int partition;
        private final long readTimeoutMillis;
        private final Runnable checkKilled;
        private Object pending;

        LeaderEnd(int partition, long readTimeoutMillis, Runnable checkKilled) {
            this.partition = partition;
            this.readTimeoutMillis = readTimeoutMillis;
            this.checkKilled = checkKilled;
        }

        @Override
        public int partition() {
            return partition;
        }

        @Override
        public void sendStep(StepMessage step) {
            readyFrom = Integer.MAX_VALUE;
            down.add(step);
        }

        @Override
        public boolean hasSegment(int from) {
            return readyFrom <= from;
        }

        @Override
        public void addSegment(float[] into, int from, int length) {
            PartitionSums.add(into, progressFloats, from, length);
        }

        @Override
        public void addSegment(double[] into, int from, int length) {
            PartitionSums.add(into, progressDoubles, from, length);
        }

        @Override
        public void sendStop() {
            down.add(Signal.STOP);
        }

        @Override
        public byte nextKind() throws IOException, InterruptedException {
            if (pending == null) {
                pending = take(up, checkKilled, readTimeoutMillis, "partition " + partition);
            }
            return pending instanceof double[] ? Wire.REDUCE : Wire.RESULT;
        }

        @Override
        public int reduceLength() {
            return ((double[]) pending).length;
        }

        @Override
        public void addReduce(double[] into, int offset, int length) throws IOException {
            if (!(pending instanceof double[] v) || v.length != length) {
                throw new IOException("partition " + partition + " sent an unexpected batch-norm exchange");
            }
            pending = null;
            for (int i = 0; i < length; i++) {
                into[offset + i] += v[i];
            }
        }

        @Override
        public void sendSum(double[] values, int offset, int length) {
            down.add(java.util.Arrays.copyOfRange(values, offset, offset + length));
        }

        @Override
        public Result readResult() throws IOException {
            if (!(pending instanceof PartitionResult r)) {
                throw new IOException("partition " + partition + ": expected a result");
            }
            pending = null;
            return new Result() {
                @Override
                public double lossSum() {
                    return r.lossSum();
                }

                @Override
                public long count() {
                    return r.count();
                }

                @Override
                public long computeNanos() {
                    return r.computeNanos() - r.syncNanos();
                }

                @Override
                public long syncNanos() {
                    return r.syncNanos();
                }

                @Override
                public void addGradient(float[] into, int offset, int length) {
                    float[] g = r.gradSum();
                    for (int i = offset; i < offset + length; i++) {
                        into[i] += g[i];
                    }
                }

                @Override
                public void addGradient(double[] into, int offset, int length) {
                    double[] g = r.exactGradSum();
                    for (int i = offset; i < offset + length; i++) {
                        into[i] += g[i];
                    }
                }

                @Override
                public double[] stats() {
                    return r.stats();
                }
            };
        }

        @Override
        public void close() {
            down.add(Signal.LOST);
            MAILBOXES.remove(key);
        }
    }
}
