package org.descent.engine.spark;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * The task's end of the {@link Wire} protocol over TCP: connects to the driver's {@link StepService},
 * greets with the job's token, then reads steps into arrays it reuses and writes results.
 */
final class TcpDriverLink implements DriverLink {
    private final Socket socket = new Socket();
    private final DataOutputStream out;
    private final DataInputStream in;
    private final Wire wire = new Wire();
    private final Runnable checkKilled;
    private final int readTimeoutMillis;
    private float[] params;
    private float[] buffers;

    /** Connects within {@code timeoutMillis}; a read waits at most {@link DriverLink#readTimeoutMillis}. */
    TcpDriverLink(String host, int port, String token, int partition, int attempt, int launch, int timeoutMillis, Runnable checkKilled)
            throws IOException {
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
            out.flush();
        } catch (IOException e) {
            close();
            throw e;
        }
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

    @Override
    public StepMessage next() throws IOException, InterruptedException {
        byte type = awaitMessage();
        if (type == Wire.STOP) {
            return null;
        }
        if (type != Wire.STEP) {
            throw new IOException("unexpected message " + type + " from the driver");
        }
        int epoch = in.readInt();
        long stepInEpoch = in.readLong();
        long step = in.readLong();
        params = wire.readFloats(in, params);
        buffers = wire.readFloats(in, buffers);
        return new StepMessage(epoch, stepInEpoch, step, params, buffers, null);
    }

    @Override
    public void sendResult(long step, PartitionResult r) throws IOException {
        out.writeByte(Wire.RESULT);
        out.writeLong(step);
        out.writeDouble(r.lossSum());
        out.writeLong(r.count());
        out.writeLong(r.computeNanos());
        out.writeLong(r.syncNanos());
        if (r.exactGradSum() != null) {
            out.writeByte(Wire.EXACT_GRADIENTS);
            wire.writeDoubles(out, r.exactGradSum(), 0, r.exactGradSum().length);
        } else {
            out.writeByte(Wire.FLOAT_GRADIENTS);
            wire.writeFloats(out, r.gradSum(), 0, r.gradSum().length);
        }
        wire.writeDoubles(out, r.stats(), 0, r.stats().length);
        out.flush();
    }

    @Override
    public void allReduceSum(long step, double[] values, int offset, int length) throws IOException, InterruptedException {
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
        try {
            socket.close();
        } catch (IOException ignored) {
            // the driver sees the connection end either way
        }
    }
}
