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
 * chunk by chunk as its children's chunks come in. With {@code engine.overlap} a task whose line up is
 * TCP sends its gradient while backward still runs: one {@code GRADIENT} per segment of
 * {@link #SEGMENT_VALUES} values, the last segment first, each as soon as backward has finished it
 * ({@link GradientStreamer}), and then a {@code RESULT} whose gradient kind says it was sent already.
 * Segments are messages of their own, so synchronized batch norm's {@code REDUCE}s interleave with them.
 * The same option has a task read a {@code STEP}'s arrays in the background ({@link StepArrival}) while
 * forward runs on the layers whose parameters are in.
 *
 * <pre>
 * HELLO    task→driver  int magic, int n, byte[n] token, int partition, int stageAttempt, int launch,
 *                      utf executorId, utf peerHost, int peerPort (-1: none)
 * TOPOLOGY driver→task  byte 4, int w, w × (int parent, utf executor, bool sameJvm, utf host, int port)
 * STEP   driver→task  byte 1, int epoch, long stepInEpoch, long step, floats params, floats buffers
 * STOP   driver→task  byte 2
 * SUM    driver→task  byte 3, doubles sums
 * RESULT task→driver  byte 10, long step, double lossSum, long count, long computeNanos, long syncNanos,
 *                    byte 0 + floats grads | byte 1 + doubles grads (exact mode)
 *                    | byte 2 | byte 3 (float32 | exact gradient sent before in GRADIENTs), doubles stats
 * REDUCE task→driver  byte 11, long step, doubles values
 * GRADIENT task→driver byte 12, long step, byte 0 | 1 (float32 | exact), int total, int offset,
 *                    floats | doubles: values [offset, offset + length) of the total-value gradient
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
    static final byte FLOAT_GRADIENTS_SENT = 2;
    static final byte EXACT_GRADIENTS_SENT = 3;
    static final byte GRADIENT = 12;
    /**
     * A streamed gradient's segment ({@code GRADIENT}): small enough that the last layers' segments
     * leave while backward is far from done, large enough that a header per segment is noise (22 bytes
     * per 32 KB).
     */
    static final int SEGMENT_VALUES = org.descent.engine.ParameterUpdater.SEGMENT_VALUES;

    /**
     * Bytes encoded or decoded at a time: bulk arrays go through one buffer of this size, chunk by
     * chunk, so a receiver decodes a chunk while the next is still on the wire and a sender's first
     * bytes leave before it has encoded the rest.
     */
    static final int CHUNK_BYTES = 1 << 16;
    private final byte[] scratch = new byte[CHUNK_BYTES];
    private final ByteBuffer scratchBuffer = ByteBuffer.wrap(scratch).order(ByteOrder.LITTLE_ENDIAN);
    private final java.nio.FloatBuffer scratchFloats = scratchBuffer.asFloatBuffer();
    private final java.nio.DoubleBuffer scratchDoubles = scratchBuffer.asDoubleBuffer();
    private static final int FLOATS_PER_CHUNK = CHUNK_BYTES / 4;
    private static final int DOUBLES_PER_CHUNK = CHUNK_BYTES / 8;

    private byte[] step = new byte[0];
    private int stepLength;

    /**
     * Encodes a STEP message once; {@link #writeStep} then sends the same bytes to each task. With a
     * {@code first} stream the bytes also go to it chunk by chunk as they are encoded, so the first
     * receiver (the tree's root, or the star's first task) starts reading before the encoding ends.
     */
    void encodeStep(int epoch, long stepInEpoch, long globalStep, float[] params, float[] buffers, DataOutputStream first) throws IOException {
        int length = 1 + 4 + 8 + 8 + 4 + 4 * params.length + 4 + 4 * buffers.length;
        if (step.length < length) {
            step = new byte[length];
        }
        ByteBuffer b = ByteBuffer.wrap(step);
        b.put(STEP).putInt(epoch).putLong(stepInEpoch).putLong(globalStep);
        b.putInt(params.length);
        int sent = encodeFloats(b, params, 0, first);
        b.order(ByteOrder.BIG_ENDIAN).putInt(buffers.length);
        sent = encodeFloats(b, buffers, sent, first);
        if (first != null) {
            first.write(step, sent, length - sent);
            first.flush();
        }
        stepLength = length;
    }

    /** Puts {@code values} at {@code b}'s position (little-endian) chunk by chunk, writing what is encoded so far to {@code to}. */
    private int encodeFloats(ByteBuffer b, float[] values, int sent, DataOutputStream to) throws IOException {
        java.nio.FloatBuffer f = b.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        for (int from = 0; from < values.length; from += FLOATS_PER_CHUNK) {
            int len = Math.min(FLOATS_PER_CHUNK, values.length - from);
            f.put(values, from, len);
            b.position(b.position() + 4 * len);
            if (to != null) {
                to.write(step, sent, b.position() - sent);
                sent = b.position();
            }
        }
        return sent;
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
    void writeFloatValues(java.io.DataOutput out, float[] values, int offset, int length) throws IOException {
        for (int from = 0; from < length; from += FLOATS_PER_CHUNK) {
            int len = Math.min(FLOATS_PER_CHUNK, length - from);
            scratchFloats.put(0, values, offset + from, len);
            out.write(scratch, 0, 4 * len);
        }
    }

    void writeDoubles(DataOutputStream out, double[] values, int offset, int length) throws IOException {
        out.writeInt(length);
        writeDoubleValues(out, values, offset, length);
    }

    /** The values of a {@code doubles} without its length. */
    void writeDoubleValues(java.io.DataOutput out, double[] values, int offset, int length) throws IOException {
        for (int from = 0; from < length; from += DOUBLES_PER_CHUNK) {
            int len = Math.min(DOUBLES_PER_CHUNK, length - from);
            scratchDoubles.put(0, values, offset + from, len);
            out.write(scratch, 0, 8 * len);
        }
    }

    /** Reads a float array into {@code into} when it has the right length, else into a new array; returns it. */
    float[] readFloats(DataInputStream in, float[] into) throws IOException {
        int n = length(in);
        float[] out = into != null && into.length == n ? into : new float[n];
        readFloatValues(in, out, 0, n);
        return out;
    }

    /** Reads {@code length} floats into {@code values[offset..]}, chunk by chunk (from a socket, or a Java serialization stream). */
    void readFloatValues(java.io.DataInput in, float[] values, int offset, int length) throws IOException {
        for (int from = 0; from < length; from += FLOATS_PER_CHUNK) {
            int len = Math.min(FLOATS_PER_CHUNK, length - from);
            in.readFully(scratch, 0, 4 * len);
            scratchFloats.get(0, values, offset + from, len);
        }
    }

    double[] readDoubles(DataInputStream in, double[] into) throws IOException {
        int n = length(in);
        double[] out = into != null && into.length == n ? into : new double[n];
        readDoubleValues(in, out, 0, n);
        return out;
    }

    /** Reads {@code length} doubles into {@code values[offset..]}, failing if the sender sent another length. */
    void readDoublesInto(DataInputStream in, double[] values, int offset, int length) throws IOException {
        int n = length(in);
        if (n != length) {
            throw new IOException("expected " + length + " values, got " + n);
        }
        readDoubleValues(in, values, offset, n);
    }

    void readDoubleValues(java.io.DataInput in, double[] values, int offset, int length) throws IOException {
        for (int from = 0; from < length; from += DOUBLES_PER_CHUNK) {
            int len = Math.min(DOUBLES_PER_CHUNK, length - from);
            in.readFully(scratch, 0, 8 * len);
            scratchDoubles.get(0, values, offset + from, len);
        }
    }

    /** Reads {@code length} floats (a chunk of an array) and adds them to {@code into[offset..]}. */
    void addFloats(DataInputStream in, float[] into, int offset, int length) throws IOException {
        for (int from = 0; from < length; from += FLOATS_PER_CHUNK) {
            int len = Math.min(FLOATS_PER_CHUNK, length - from);
            in.readFully(scratch, 0, 4 * len);
            for (int i = 0; i < len; i++) {
                into[offset + from + i] += scratchFloats.get(i);
            }
        }
    }

    /** Reads {@code length} doubles (a chunk of an array) and adds them to {@code into[offset..]}. */
    void addDoubles(DataInputStream in, double[] into, int offset, int length) throws IOException {
        for (int from = 0; from < length; from += DOUBLES_PER_CHUNK) {
            int len = Math.min(DOUBLES_PER_CHUNK, length - from);
            in.readFully(scratch, 0, 8 * len);
            for (int i = 0; i < len; i++) {
                into[offset + from + i] += scratchDoubles.get(i);
            }
        }
    }

    /** The number of {@link #SEGMENT_VALUES}-value segments of an {@code n}-value gradient. */
    static int segments(int n) {
        return org.descent.engine.ParameterUpdater.segments(n);
    }

    /** The first index of segment {@code s}. */
    static int segmentStart(int s) {
        return s * SEGMENT_VALUES;
    }

    /** The first index of the segment that ends at {@code to} (exclusive; {@code to} > 0). */
    static int segmentEndingAt(int to) {
        return (to - 1) / SEGMENT_VALUES * SEGMENT_VALUES;
    }

    /** The number of values of segment {@code s} of an {@code n}-value gradient. */
    static int segmentLength(int n, int s) {
        return Math.min(SEGMENT_VALUES, n - s * SEGMENT_VALUES);
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
