package org.descent.engine.spark;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A tree node's line to one child: steps and sums go down, batch-norm reductions and the child's
 * subtree result come up. A child's next message is looked at once ({@link #nextKind}) and then
 * consumed whole — a reduction ({@link #addReduce}) or a result, whose gradient is read in chunks in
 * increasing order ({@link Result#addGradient}) so that a node can add and forward each chunk while
 * the next one is still on its way. A child that streamed its gradient during backward
 * ({@link GradientStreamer}) sent it before as {@code GRADIENT} segments, which are read into place as
 * they are met ({@link GradientSegments}) and added from there. Over TCP ({@link Tcp}) the bytes are {@link Wire}'s; in the same
 * JVM ({@link SameJvmLink}) messages pass as objects and arrays by reference.
 */
interface ChildLink extends Closeable {
    int partition();

    /** Sends a step the node did not relay as bytes. */
    void sendStep(StepMessage step) throws IOException;

    void sendStop() throws IOException;

    /** The kind of the child's next message ({@link Wire#REDUCE} or {@link Wire#RESULT}), waiting for it; repeated calls return the same until it is consumed. */
    byte nextKind() throws IOException, InterruptedException;

    /** The length of the pending reduction. */
    int reduceLength() throws IOException;

    /** Consumes the pending reduction, adding its values to {@code into[offset, offset+length)}. */
    void addReduce(double[] into, int offset, int length) throws IOException;

    void sendSum(double[] values, int offset, int length) throws IOException;

    /** Consumes the pending result's fixed part; its gradient and statistics follow through the returned reader. */
    Result readResult() throws IOException;

    /** The step was passed down: from now on the child may stream its gradient ({@code engine.overlap}). */
    default void startStep() {
    }

    /**
     * True when the child's streamed gradient (its subtree's sum) is in place from {@code from} on, so
     * that {@link #addSegment} can add it without waiting; never waits.
     */
    default boolean hasSegment(int from) {
        return false;
    }

    /** Adds the child's streamed values {@code [from, from+length)} to {@code into} (float32, or exact when {@code into} is). */
    default void addSegment(float[] into, int from, int length) {
        throw new UnsupportedOperationException("partition " + partition() + " streamed nothing");
    }

    default void addSegment(double[] into, int from, int length) {
        throw new UnsupportedOperationException("partition " + partition() + " streamed nothing");
    }

    @Override
    void close();

    /** A child subtree's result: compute is net of the synchronized batch norm waits, both the subtree's slowest. */
    interface Result {
        double lossSum();

        long count();

        long computeNanos();

        long syncNanos();

        /** Adds the next chunk, {@code [offset, offset+length)}, of the float32 gradient to {@code into}. */
        void addGradient(float[] into, int offset, int length) throws IOException;

        /** Adds the next chunk of the exact gradient to {@code into}. */
        void addGradient(double[] into, int offset, int length) throws IOException;

        /** The batch-norm statistics, after the whole gradient. */
        double[] stats() throws IOException;
    }

    /** A child in another JVM (or any child with {@code engine.transport = tcp}). */
    final class Tcp implements ChildLink {
        private final int partition;
        private final Socket socket;
        private final DataInputStream in;
        private final DataOutputStream out;
        private final Wire wire = new Wire();
        private final Runnable checkKilled;
        private final long readTimeoutMillis;
        private final double[] statsBuffer;
        private final GradientSegments segments;
        /**
         * Who reads the child's stream. Between a step's start and the child's next REDUCE or RESULT a
         * background reader does, putting GRADIENT segments into place as they come ({@link #segmentsFrom})
         * so the node can add them during its own backward; it stops at any other message's type byte
         * ({@link #stoppedAt}) and the node's thread reads that message itself.
         */
        private boolean readerOwns;
        private byte stoppedAt = -1;
        private IOException readFailure;
        private volatile int segmentsFrom = Integer.MAX_VALUE;
        private volatile boolean closed;
        private final Thread reader;
        private byte pending = -1;
        private int pendingLength;
        private int timeoutMillis;

        Tcp(PeerServer.Accepted a, Runnable checkKilled, int timeoutMillis, int statsSize) throws IOException {
            this.partition = a.partition();
            this.socket = a.socket();
            this.in = a.in();
            this.out = a.out();
            this.checkKilled = checkKilled;
            this.timeoutMillis = timeoutMillis;
            this.readTimeoutMillis = DriverLink.readTimeoutMillis(timeoutMillis);
            this.statsBuffer = new double[statsSize];
            this.segments = new GradientSegments("partition " + partition);
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, readTimeoutMillis));
            this.reader = new Thread(this::readSegments, "descent-child-reader-" + partition);
            reader.setDaemon(true);
            reader.start();
        }

        /** The background reader: while it owns the stream, GRADIENT segments into place; any other message stops it. */
        private void readSegments() {
            while (!closed) {
                synchronized (this) {
                    while (!readerOwns && !closed) {
                        try {
                            wait();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
                if (closed) {
                    return;
                }
                try {
                    byte type = in.readByte();
                    if (type == Wire.GRADIENT) {
                        segmentsFrom = segments.read(in, wire);   // the volatile write publishes the values read
                        continue;
                    }
                    synchronized (this) {
                        stoppedAt = type;
                        readerOwns = false;
                        notifyAll();
                    }
                } catch (IOException e) {
                    synchronized (this) {
                        readFailure = e;
                        readerOwns = false;
                        notifyAll();
                    }
                    return;
                }
            }
        }

        @Override
        public synchronized void startStep() {
            segmentsFrom = Integer.MAX_VALUE;
            stoppedAt = -1;
            readerOwns = true;
            notifyAll();
        }

        @Override
        public boolean hasSegment(int from) {
            return segmentsFrom <= from;
        }

        @Override
        public void addSegment(float[] into, int from, int length) {
            PartitionSums.add(into, segments.floats(), from, length);
        }

        @Override
        public void addSegment(double[] into, int from, int length) {
            PartitionSums.add(into, segments.doubles(), from, length);
        }

        /** The stream the node relays steps into. */
        DataOutputStream out() {
            return out;
        }

        @Override
        public int partition() {
            return partition;
        }

        @Override
        public void sendStep(StepMessage step) throws IOException {
            if (step.arrival != null) {
                try {
                    step.arrival.awaitAll();   // only a node whose line up is TCP has an arrival, and it relays as the bytes come
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while the step arrived");
                }
            }
            out.writeByte(Wire.STEP);
            out.writeInt(step.epoch);
            out.writeLong(step.stepInEpoch);
            out.writeLong(step.step);
            wire.writeFloats(out, step.params, 0, step.params.length);
            wire.writeFloats(out, step.buffers, 0, step.buffers.length);
            out.flush();
        }

        @Override
        public void sendStop() throws IOException {
            out.writeByte(Wire.STOP);
            out.flush();
        }

        @Override
        public byte nextKind() throws IOException, InterruptedException {
            if (pending >= 0) {
                return pending;
            }
            byte type = awaitStop();
            if (type == Wire.REDUCE) {
                in.readLong();
                pendingLength = Wire.length(in);
            } else if (type != Wire.RESULT) {
                throw new IOException("partition " + partition + " sent unknown message " + type);
            }
            pending = type;
            return type;
        }

        /** Waits until the reader has stopped at a message other than a segment; returns its type (its byte is read). */
        private synchronized byte awaitStop() throws IOException, InterruptedException {
            long deadline = System.currentTimeMillis() + readTimeoutMillis;
            while (readerOwns) {
                wait(DriverLink.KILL_CHECK_MILLIS);
                checkKilled.run();
                if (System.currentTimeMillis() > deadline) {
                    throw new SocketTimeoutException("partition " + partition + " sent nothing in " + readTimeoutMillis / 1000 + " s");
                }
            }
            if (readFailure != null) {
                throw readFailure;
            }
            if (stoppedAt < 0) {
                throw new IOException("partition " + partition + ": no message is due before the step starts");
            }
            byte type = stoppedAt;
            stoppedAt = -1;
            return type;
        }

        @Override
        public int reduceLength() {
            return pendingLength;
        }

        @Override
        public void addReduce(double[] into, int offset, int length) throws IOException {
            if (pending != Wire.REDUCE || pendingLength != length) {
                throw new IOException("partition " + partition + " sent a batch-norm exchange of " + pendingLength + " values, expected " + length);
            }
            pending = -1;
            wire.addDoubles(in, into, offset, length);
            synchronized (this) {
                readerOwns = true;   // the child's segments may follow again
                notifyAll();
            }
        }

        @Override
        public void sendSum(double[] values, int offset, int length) throws IOException {
            out.writeByte(Wire.SUM);
            wire.writeDoubles(out, values, offset, length);
            out.flush();
        }

        @Override
        public Result readResult() throws IOException {
            if (pending != Wire.RESULT) {
                throw new IOException("partition " + partition + ": expected a result");
            }
            pending = -1;
            long step = in.readLong();
            double lossSum = in.readDouble();
            long count = in.readLong();
            long compute = in.readLong();
            long sync = in.readLong();
            byte kind = in.readByte();
            boolean sent = kind == Wire.FLOAT_GRADIENTS_SENT || kind == Wire.EXACT_GRADIENTS_SENT;
            int length = sent ? -1 : Wire.length(in);
            float[] sentFloats = kind == Wire.FLOAT_GRADIENTS_SENT ? segments.takeFloats(step) : null;
            double[] sentDoubles = kind == Wire.EXACT_GRADIENTS_SENT ? segments.takeDoubles(step) : null;
            return new Result() {
                @Override
                public double lossSum() {
                    return lossSum;
                }

                @Override
                public long count() {
                    return count;
                }

                @Override
                public long computeNanos() {
                    return compute;
                }

                @Override
                public long syncNanos() {
                    return sync;
                }

                @Override
                public void addGradient(float[] into, int offset, int len) throws IOException {
                    if (sentFloats != null && sentFloats.length == into.length) {
                        PartitionSums.add(into, sentFloats, offset, len);
                        return;
                    }
                    check(Wire.FLOAT_GRADIENTS, into.length);
                    wire.addFloats(in, into, offset, len);
                }

                @Override
                public void addGradient(double[] into, int offset, int len) throws IOException {
                    if (sentDoubles != null && sentDoubles.length == into.length) {
                        PartitionSums.add(into, sentDoubles, offset, len);
                        return;
                    }
                    check(Wire.EXACT_GRADIENTS, into.length);
                    wire.addDoubles(in, into, offset, len);
                }

                private void check(byte expected, int n) throws IOException {
                    if (kind != expected || length != n) {
                        throw new IOException("partition " + partition + " sent a gradient of " + (sent ? "streamed " : length + " ") + "values of kind "
                                + kind + " where " + n + " of kind " + expected + " were due");
                    }
                }

                @Override
                public double[] stats() throws IOException {
                    return wire.readDoubles(in, statsBuffer);
                }
            };
        }

        @Override
        public void close() {
            closed = true;
            synchronized (this) {
                notifyAll();
            }
            try {
                socket.close();
            } catch (IOException ignored) {
                // the child fails on its own when the socket is gone
            }
        }
    }
}
