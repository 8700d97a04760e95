package org.descent.engine.spark;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

/**
 * Java serialization of float and double arrays in bulk. {@link ObjectOutputStream} writes a
 * {@code float[]} one value at a time (a bit conversion and a bounds check per element), which for a
 * step's parameters and gradients in job mode costs more than the Spark job itself; these methods
 * write the array's little-endian bytes in 64 KB chunks instead, with {@link Wire}'s encoding. A null array is written as length −1.
 */
final class BulkArrays {
    /** Wire's chunked encoding of float and double values, one per thread (its 64 KB buffer is reused). */
    private static final ThreadLocal<Wire> WIRE = ThreadLocal.withInitial(Wire::new);

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
        if (values != null) {
            WIRE.get().writeFloatValues(out, values, 0, values.length);
        }
    }

    static float[] readFloats(ObjectInputStream in) throws IOException {
        int n = length(in);
        if (n < 0) {
            return null;
        }
        float[] values = new float[n];
        WIRE.get().readFloatValues(in, values, 0, n);
        return values;
    }

    static void writeDoubles(ObjectOutputStream out, double[] values) throws IOException {
        out.writeInt(values == null ? -1 : values.length);
        if (values != null) {
            WIRE.get().writeDoubleValues(out, values, 0, values.length);
        }
    }

    static double[] readDoubles(ObjectInputStream in) throws IOException {
        int n = length(in);
        if (n < 0) {
            return null;
        }
        double[] values = new double[n];
        WIRE.get().readDoubleValues(in, values, 0, n);
        return values;
    }
}
