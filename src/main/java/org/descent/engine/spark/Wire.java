package org.descent.engine.spark;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The barrier step protocol's messages and bulk array encoding (big-endian, as
 * {@link DataOutputStream}). A task opens with {@code HELLO}; then the driver sends {@code STEP}
 * or {@code STOP}, the task answers a step with {@code RESULT}, and synchronized batch norm adds
 * {@code REDUCE} requests inside a step, each answered by a {@code SUM}. With the tree exchange the driver
 * first sends every task its {@code TOPOLOGY}; the same messages then also pass between a task and its
 * parent in the tree (a child greets its parent with the same {@code HELLO}), so a node relays a
 * {@code STEP}'s bytes to its children as they arrive and streams its {@code RESULT}'s gradient upward
 * chunk by chunk as its children's chunks come in.
 *
 * <pre>
 * HELLO    task→driver  int magic, int n, byte[n] token, int partition, int stageAttempt, int launch,
 *                      utf executorId, utf peerHost, int peerPort (-1: none)
 * TOPOLOGY driver→task  byte 4, int w, w × (int parent, utf executor, bool sameJvm, utf host, int port)
 * STEP   driver→task  byte 1, int epoch, long stepInEpoch, long step, floats params, floats buffers
 * STOP   driver→task  byte 2
 * SUM    driver→task  byte 3, doubles sums
 * RESULT task→driver  byte 10, long step, double lossSum, long count, long computeNanos, long syncNanos,
 *                    byte 0 + floats grads | byte 1 + doubles grads (exact mode), doubles stats
 * REDUCE task→driver  byte 11, long step, doubles values
 * </pre>
 * where {@code floats} and {@code doubles} are an int length followed by the values, little-endian
 * (the machines' own order, so encoding is a memory copy). A step's message is encoded once and
 * the same bytes go to every task.
 */
final class Wire {
    static final int MAGIC = 0x44455343;   // "DESC"
    static final byte STEP = 1;
    static final byte STOP = 2;
    static final byte SUM = 3;
    static final byte TOPOLOGY = 4;
    static final byte RESULT = 10;
    static final byte REDUCE = 11;
    static final byte FLOAT_GRADIENTS = 0;
    static final byte EXACT_GRADIENTS = 1;

    private byte[] scratch = new byte[1 << 16];

    private byte[] scratch(long bytes) {
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("message of " + bytes + " bytes");
        }
        if (scratch.length < bytes) {
            scratch = new byte[(int) Math.max(bytes, scratch.length * 2L)];
        }
        return scratch;
    }

    private byte[] step = new byte[0];
    private int stepLength;

    /** Encodes a STEP message once ({@link #writeStep} then sends the same bytes to each task). */
    void encodeStep(int epoch, long stepInEpoch, long globalStep, float[] params, float[] buffers) {
        int length = 1 + 4 + 8 + 8 + 4 + 4 * params.length + 4 + 4 * buffers.length;
        if (step.length < length) {
            step = new byte[length];
        }
        ByteBuffer b = ByteBuffer.wrap(step);
        b.put(STEP).putInt(epoch).putLong(stepInEpoch).putLong(globalStep);
        b.putInt(params.length);
        b.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(params);
        b.position(b.position() + 4 * params.length);
        b.order(ByteOrder.BIG_ENDIAN).putInt(buffers.length);
        b.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(buffers);
        stepLength = length;
    }

    void writeStep(DataOutputStream out) throws IOException {
        out.write(step, 0, stepLength);
        out.flush();
    }

    void writeFloats(DataOutputStream out, float[] values, int offset, int length) throws IOException {
        out.writeInt(length);
        writeFloatValues(out, values, offset, length);
    }

    /** The values of a {@code floats} without its length: a chunk of an array whose length was written before. */
    void writeFloatValues(DataOutputStream out, float[] values, int offset, int length) throws IOException {
        byte[] b = scratch(4L * length);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(values, offset, length);
        out.write(b, 0, 4 * length);
    }

    void writeDoubles(DataOutputStream out, double[] values, int offset, int length) throws IOException {
        out.writeInt(length);
        writeDoubleValues(out, values, offset, length);
    }

    /** The values of a {@code doubles} without its length. */
    void writeDoubleValues(DataOutputStream out, double[] values, int offset, int length) throws IOException {
        byte[] b = scratch(8L * length);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().put(values, offset, length);
        out.write(b, 0, 8 * length);
    }

    /** Reads a float array into {@code into} when it has the right length, else into a new array; returns it. */
    float[] readFloats(DataInputStream in, float[] into) throws IOException {
        int n = length(in);
        float[] out = into != null && into.length == n ? into : new float[n];
        byte[] b = scratch(4L * n);
        in.readFully(b, 0, 4 * n);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out, 0, n);
        return out;
    }

    double[] readDoubles(DataInputStream in, double[] into) throws IOException {
        int n = length(in);
        double[] out = into != null && into.length == n ? into : new double[n];
        byte[] b = scratch(8L * n);
        in.readFully(b, 0, 8 * n);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(out, 0, n);
        return out;
    }

    /** Reads {@code length} doubles into {@code values[offset..]}, failing if the sender sent another length. */
    void readDoublesInto(DataInputStream in, double[] values, int offset, int length) throws IOException {
        int n = length(in);
        if (n != length) {
            throw new IOException("expected " + length + " values, got " + n);
        }
        byte[] b = scratch(8L * n);
        in.readFully(b, 0, 8 * n);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(values, offset, n);
    }

    /** Reads {@code length} floats (a chunk of an array) and adds them to {@code into[offset..]}. */
    void addFloats(DataInputStream in, float[] into, int offset, int length) throws IOException {
        byte[] b = scratch(4L * length);
        in.readFully(b, 0, 4 * length);
        java.nio.FloatBuffer f = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        for (int i = 0; i < length; i++) {
            into[offset + i] += f.get(i);
        }
    }

    /** Reads {@code length} doubles (a chunk of an array) and adds them to {@code into[offset..]}. */
    void addDoubles(DataInputStream in, double[] into, int offset, int length) throws IOException {
        byte[] b = scratch(8L * length);
        in.readFully(b, 0, 8 * length);
        java.nio.DoubleBuffer d = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer();
        for (int i = 0; i < length; i++) {
            into[offset + i] += d.get(i);
        }
    }

    /** Reads an array's length, failing when it is not {@code expected}. */
    static void expectLength(DataInputStream in, int expected, String what) throws IOException {
        int n = length(in);
        if (n != expected) {
            throw new IOException(what + ": expected " + expected + " values, got " + n);
        }
    }

    static int length(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > (1 << 28)) {
            throw new IOException("corrupt array length " + n);
        }
        return n;
    }
}
