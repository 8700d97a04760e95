package org.descent.engine.spark;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Java serialization of float and double arrays in bulk. {@link ObjectOutputStream} writes a
 * {@code float[]} one value at a time (a bit conversion and a bounds check per element), which for a
 * step's parameters and gradients in job mode costs more than the Spark job itself; these methods
 * write the array's little-endian bytes in 64 KB chunks instead. A null array is written as length −1.
 */
final class BulkArrays {
    private static final int CHUNK_BYTES = 1 << 16;
    private static final ThreadLocal<ByteBuffer> SCRATCH =
            ThreadLocal.withInitial(() -> ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN));

    private BulkArrays() {
    }

    /** A length as written: −1 for null, else at most Wire's limit (a corrupt stream is an error, not a huge allocation). */
    private static int length(ObjectInputStream in) throws IOException {
        int n = in.readInt();
        if (n < -1 || n > (1 << 28)) {
            throw new java.io.StreamCorruptedException("corrupt array length " + n);
        }
        return n;
    }

    static void writeFloats(ObjectOutputStream out, float[] values) throws IOException {
        out.writeInt(values == null ? -1 : values.length);
        if (values == null) {
            return;
        }
        ByteBuffer b = SCRATCH.get();
        int per = CHUNK_BYTES / 4;
        for (int from = 0; from < values.length; from += per) {
            int len = Math.min(per, values.length - from);
            b.asFloatBuffer().put(values, from, len);
            out.write(b.array(), 0, 4 * len);
        }
    }

    static float[] readFloats(ObjectInputStream in) throws IOException {
        int n = length(in);
        if (n < 0) {
            return null;
        }
        float[] values = new float[n];
        ByteBuffer b = SCRATCH.get();
        int per = CHUNK_BYTES / 4;
        for (int from = 0; from < n; from += per) {
            int len = Math.min(per, n - from);
            in.readFully(b.array(), 0, 4 * len);
            b.asFloatBuffer().get(values, from, len);
        }
        return values;
    }

    static void writeDoubles(ObjectOutputStream out, double[] values) throws IOException {
        out.writeInt(values == null ? -1 : values.length);
        if (values == null) {
            return;
        }
        ByteBuffer b = SCRATCH.get();
        int per = CHUNK_BYTES / 8;
        for (int from = 0; from < values.length; from += per) {
            int len = Math.min(per, values.length - from);
            b.asDoubleBuffer().put(values, from, len);
            out.write(b.array(), 0, 8 * len);
        }
    }

    static double[] readDoubles(ObjectInputStream in) throws IOException {
        int n = length(in);
        if (n < 0) {
            return null;
        }
        double[] values = new double[n];
        ByteBuffer b = SCRATCH.get();
        int per = CHUNK_BYTES / 8;
        for (int from = 0; from < n; from += per) {
            int len = Math.min(per, n - from);
            in.readFully(b.array(), 0, 8 * len);
            b.asDoubleBuffer().get(values, from, len);
        }
        return values;
    }
}
