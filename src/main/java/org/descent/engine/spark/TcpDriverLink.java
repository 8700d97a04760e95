package org.descent.engine.spark;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The task's end of the {@link Wire} protocol over TCP: connects to the driver's {@link StepService}
 * — or, in the tree exchange, to its parent task, which speaks the same protocol — greets with the
 * job's token, then reads steps into arrays it reuses and writes results. A tree node relays every
 * step's bytes to its TCP children while it reads them ({@link #relayTo}), chunk by chunk, so a child
 * starts receiving before its parent has the whole step, and streams its result's gradient upward in
 * chunks ({@link #sendResultHeader}, {@link #sendGradientChunk}, {@link #sendStats}) — or, overlapped
 * with backward, in segments before the result ({@link #sendGradientSegment}, {@link GradientStreamer}).
 */
final class TcpDriverLink implements DriverLink {
    /** Bytes read and relayed at a time: the pipeline's chunk. */
    static final int CHUNK_BYTES = Wire.CHUNK_BYTES;
    private final Socket socket = new Socket();
    private final DataOutputStream out;
    private final DataInputStream in;
    private final Wire wire = new Wire();
    private final Runnable checkKilled;
    private final int readTimeoutMillis;
    private final byte[] chunk = new byte[CHUNK_BYTES];
    private List<DataOutputStream> relay = List.of();
    private float[] params;
    private float[] buffers;
    private java.util.concurrent.ExecutorService receiver;
    private StepArrival arrival;
    /** An exact segment rounded to float32 before it is sent. */
    private float[] rounded = new float[0];

    /**
     * Connects within {@code timeoutMillis}; a read waits at most {@link DriverLink#readTimeoutMillis}.
     * {@code executor}, {@code peerHost} and {@code peerPort} tell the driver where this task runs and
     * where it accepts children in the tree (port −1: nowhere).
     */
    TcpDriverLink(String host, int port, String token, int partition, int attempt, int launch, int timeoutMillis, Runnable checkKilled,
                  String executor, int peerPort) throws IOException {
        this.checkKilled = checkKilled;
        this.readTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, DriverLink.readTimeoutMillis(timeoutMillis));
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            socket.setSoTimeout(readTimeoutMillis);
            out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
            in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
            byte[] t = token.getBytes(StandardCharsets.US_ASCII);
            out.writeInt(Wire.MAGIC);
            out.writeInt(t.length);
            out.write(t);
            out.writeInt(partition);
            out.writeInt(attempt);
            out.writeInt(launch);
            out.writeUTF(executor);
            out.writeUTF(localHost());
            out.writeInt(peerPort);
            out.flush();
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    /** The address this task reached the driver from: where its peers can reach it too. */
    String localHost() {
        return socket.getLocalAddress().getHostAddress();
    }

    /** From now on every step and stop read is also copied, as it arrives, to these children's streams. */
    void relayTo(List<DataOutputStream> children) {
        this.relay = List.copyOf(children);
    }

    /**
     * The next message's type byte. Waiting for it, the socket times out every
     * {@link #KILL_CHECK_MILLIS} ms to let the task see a kill; no byte is consumed by a timeout, so
     * the stream stays whole. The message's body is then read with the full read timeout.
     */
    private byte awaitMessage() throws IOException, InterruptedException {
        socket.setSoTimeout(KILL_CHECK_MILLIS);
        try {
            return DriverLink.await(() -> {
                try {
                    return in.readByte();
                } catch (SocketTimeoutException e) {
                    return null;
                }
            }, checkKilled, readTimeoutMillis);
        } finally {
            socket.setSoTimeout(readTimeoutMillis);
        }
    }

    /** The tree exchange's first message: the stage attempt's topology. */
    @Override
    public Topology awaitTopology() throws IOException, InterruptedException {
        byte type = awaitMessage();
        if (type != Wire.TOPOLOGY) {
            throw new IOException("expected the tree's topology, got message " + type);
        }
        return Topology.readFrom(in);
    }

    @Override
    public StepMessage next() throws IOException, InterruptedException {
        finishReceiving();
        byte type = awaitMessage();
        if (type == Wire.STOP) {
            for (DataOutputStream child : relay) {
                child.writeByte(Wire.STOP);
                child.flush();
            }
            return null;
        }
        if (type != Wire.STEP) {
            throw new IOException("unexpected message " + type + " from the driver");
        }
        int epoch = in.readInt();
        long stepInEpoch = in.readLong();
        long step = in.readLong();
        for (DataOutputStream child : relay) {
            child.writeByte(Wire.STEP);
            child.writeInt(epoch);
            child.writeLong(stepInEpoch);
            child.writeLong(step);
        }
        if (receiver != null && params != null && buffers != null) {
            // Overlapped: forward starts on the arrays while a background reader fills them, the first layers' first.
            StepArrival a = new StepArrival();
            arrival = a;
            receiver.execute(() -> {
                try {
                    if (readRelayed(params, a) != params || readRelayed(buffers, null) != buffers) {
                        throw new IOException("step " + step + "'s parameters or buffers changed size");
                    }
                    flushRelays();
                    a.complete();
                } catch (IOException e) {
                    a.fail(e);
                }
            });
            return new StepMessage(epoch, stepInEpoch, step, params, buffers, null, a);
        }
        params = readRelayed(params, null);
        buffers = readRelayed(buffers, null);
        flushRelays();
        return new StepMessage(epoch, stepInEpoch, step, params, buffers, null);
    }

    private void flushRelays() throws IOException {
        for (DataOutputStream child : relay) {
            child.flush();
        }
    }

    /**
     * From now on a step's arrays are read by a background thread while the step computes
     * ({@code engine.overlap}; from the second step on, once the arrays' sizes are known): the
     * returned message's {@link StepMessage#arrival} tells forward how far they are.
     */
    void receiveInBackground() {
        if (receiver == null) {
            receiver = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "descent-step-receiver");
                t.setDaemon(true);
                return t;
            });
        }
    }

    /**
     * Waits until the step being received in the background is whole (and relayed to the children, whose
     * streams are then free for other messages).
     */
    void awaitStep() throws IOException, InterruptedException {
        finishReceiving();
    }

    /** Waits until the step being received in the background is whole: the stream is then at the next message. */
    private void finishReceiving() throws IOException, InterruptedException {
        StepArrival a = arrival;
        if (a != null) {
            arrival = null;
            a.awaitAll();
        }
    }

    /**
     * A {@code floats} read chunk by chunk into {@code into} (reused when its length fits), each chunk
     * relayed as it arrives and, with an {@code arrival}, published to the step's forward.
     */
    private float[] readRelayed(float[] into, StepArrival arrival) throws IOException {
        int n = Wire.length(in);
        float[] values = into != null && into.length == n ? into : new float[n];
        for (DataOutputStream child : relay) {
            child.writeInt(n);
        }
        int perChunk = CHUNK_BYTES / 4;
        for (int from = 0; from < n; from += perChunk) {
            int len = Math.min(perChunk, n - from);
            in.readFully(chunk, 0, 4 * len);
            for (DataOutputStream child : relay) {
                child.write(chunk, 0, 4 * len);
                child.flush();
            }
            ByteBuffer.wrap(chunk, 0, 4 * len).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values, from, len);
            if (arrival != null) {
                arrival.arrived(from + len);
            }
        }
        return values;
    }

    @Override
    public void sendResult(long step, PartitionResult r) throws IOException {
        sendResult(step, r, null);
    }

    /**
     * Answers step {@code step}; when {@code streamed} has sent the whole gradient already (overlapped
     * with backward), the result only says so and carries the rest.
     */
    void sendResult(long step, PartitionResult r, GradientStreamer streamed) throws IOException {
        boolean exact = r.exactGradSum() != null;
        if (streamed != null && streamed.sentAll()) {
            sendResultHeader(step, r.lossSum(), r.count(), r.computeNanos(), r.syncNanos(), streamed.sentKind(exact), 0);
        } else {
            int length = exact ? r.exactGradSum().length : r.gradSum().length;
            sendResultHeader(step, r.lossSum(), r.count(), r.computeNanos(), r.syncNanos(), exact ? Wire.EXACT_GRADIENTS : Wire.FLOAT_GRADIENTS, length);
            if (exact) {   // encoded chunk by chunk: no scratch of the gradient's size
                wire.writeDoubleValues(out, r.exactGradSum(), 0, length);
            } else {
                wire.writeFloatValues(out, r.gradSum(), 0, length);
            }
        }
        sendStats(r.stats());
    }

    /**
     * A RESULT's fixed part, up to its gradient's kind and, when the gradient follows in this message
     * (in chunks), its length; a gradient sent before in GRADIENTs has none.
     */
    void sendResultHeader(long step, double lossSum, long count, long computeNanos, long syncNanos, byte kind, int length) throws IOException {
        out.writeByte(Wire.RESULT);
        out.writeLong(step);
        out.writeDouble(lossSum);
        out.writeLong(count);
        out.writeLong(computeNanos);
        out.writeLong(syncNanos);
        out.writeByte(kind);
        if (kind == Wire.FLOAT_GRADIENTS || kind == Wire.EXACT_GRADIENTS) {
            out.writeInt(length);
        }
    }

    void sendGradientChunk(float[] values, int offset, int length) throws IOException {
        wire.writeFloatValues(out, values, offset, length);
    }

    void sendGradientChunk(double[] values, int offset, int length) throws IOException {
        wire.writeDoubleValues(out, values, offset, length);
    }

    /**
     * A GRADIENT message of entries {@code [from, from+length)} of a {@code total}-value gradient: the
     * float32 one, or the exact one ({@code exact} non-null) as doubles or, with {@code toFloat}, rounded
     * to float32 (a tree's root, whose receiver is the driver).
     */
    void sendGradientSegment(long step, float[] floats, double[] exact, boolean toFloat, int total, int from, int length) throws IOException {
        if (exact == null) {
            sendGradientSegment(step, total, from, floats, from, length);
            return;
        }
        if (!toFloat) {
            segmentHeader(step, Wire.EXACT_GRADIENTS, total, from);
            wire.writeDoubles(out, exact, from, length);
            return;
        }
        if (rounded.length < length) {
            rounded = new float[length];
        }
        for (int i = 0; i < length; i++) {
            rounded[i] = (float) exact[from + i];
        }
        sendGradientSegment(step, total, from, rounded, 0, length);
    }

    /** A GRADIENT message: {@code values[from, from+length)} as entries {@code [offset, offset+length)} of a {@code total}-value float32 gradient. */
    void sendGradientSegment(long step, int total, int offset, float[] values, int from, int length) throws IOException {
        segmentHeader(step, Wire.FLOAT_GRADIENTS, total, offset);
        wire.writeFloats(out, values, from, length);
    }

    private void segmentHeader(long step, byte kind, int total, int offset) throws IOException {
        out.writeByte(Wire.GRADIENT);
        out.writeLong(step);
        out.writeByte(kind);
        out.writeInt(total);
        out.writeInt(offset);
    }

    /** Sends what is buffered now. */
    void flush() throws IOException {
        out.flush();
    }

    /** A RESULT's statistics, which end it. */
    void sendStats(double[] stats) throws IOException {
        wire.writeDoubles(out, stats, 0, stats.length);
        out.flush();
    }

    @Override
    public void allReduceSum(long step, double[] values, int offset, int length) throws IOException, InterruptedException {
        finishReceiving();   // the sum comes after the step's bytes
        out.writeByte(Wire.REDUCE);
        out.writeLong(step);
        wire.writeDoubles(out, values, offset, length);
        out.flush();
        byte type = awaitMessage();
        if (type != Wire.SUM) {
            throw new IOException("expected a sum from the driver, got message " + type);
        }
        wire.readDoublesInto(in, values, offset, length);
    }

    @Override
    public void close() {
        if (receiver != null) {
            receiver.shutdownNow();
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // the driver sees the connection end either way
        }
    }
}
