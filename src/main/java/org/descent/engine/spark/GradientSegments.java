package org.descent.engine.spark;

import java.io.DataInputStream;
import java.io.IOException;

/**
 * A gradient that arrives as {@code GRADIENT} segments ({@link Wire}, sent by a
 * {@link GradientStreamer}) before the {@code RESULT} that ends it: each segment is read into one
 * array at its offset as it comes, and the result then takes the whole array. The array is reused
 * from step to step: a task's next step's segments come only after its receiver has used this step's
 * sum and sent the next step.
 */
final class GradientSegments {
    private final String from;
    private float[] floats;
    private double[] doubles;
    private long step;
    private byte kind = -1;
    private int total;
    private long received;

    /** {@code from} names the sender in errors. */
    GradientSegments(String from) {
        this.from = from;
    }

    /** Reads the rest of a {@code GRADIENT} message, after its type byte, into place; returns the segment's offset. */
    int read(DataInputStream in, Wire wire) throws IOException {
        long s = in.readLong();
        byte k = in.readByte();
        int n = in.readInt();
        int offset = in.readInt();
        int length = Wire.length(in);
        if (k != Wire.FLOAT_GRADIENTS && k != Wire.EXACT_GRADIENTS) {
            throw new IOException(from + " sent a gradient segment of unknown kind " + k);
        }
        if (offset < 0 || n < 0 || length > n - offset) {
            throw new IOException(from + " sent gradient values [" + offset + ", " + ((long) offset + length) + ") of a " + n + "-value gradient");
        }
        if (received > 0 && (s != step || k != kind || n != total)) {
            throw new IOException(from + " sent a segment of step " + s + " inside the gradient of step " + step);
        }
        step = s;
        kind = k;
        total = n;
        received += length;
        if (k == Wire.FLOAT_GRADIENTS) {
            if (floats == null || floats.length != n) {
                floats = new float[n];
            }
            wire.readFloatValues(in, floats, offset, length);
        } else {
            if (doubles == null || doubles.length != n) {
                doubles = new double[n];
            }
            wire.readDoubleValues(in, doubles, offset, length);
        }
        return offset;
    }

    /** The step of the gradient being received. */
    long step() {
        return step;
    }

    /** The float32 gradient being received (entries from the last segment read on are in place), or null. */
    float[] floats() {
        return kind == Wire.FLOAT_GRADIENTS ? floats : null;
    }

    /** The exact gradient being received, or null. */
    double[] doubles() {
        return kind == Wire.EXACT_GRADIENTS ? doubles : null;
    }

    /** The whole float32 gradient of {@code forStep}, for a RESULT that says it was sent before; the next step starts anew. */
    float[] takeFloats(long forStep) throws IOException {
        check(forStep, Wire.FLOAT_GRADIENTS);
        return floats;
    }

    /** The whole exact gradient of {@code forStep}. */
    double[] takeDoubles(long forStep) throws IOException {
        check(forStep, Wire.EXACT_GRADIENTS);
        return doubles;
    }

    private void check(long forStep, byte expected) throws IOException {
        long got = received;
        received = 0;
        if (kind != expected || step != forStep || got != total) {
            throw new IOException(from + " ended step " + forStep + " with " + got + " of " + total + " streamed gradient values (kind " + kind
                    + ", step " + step + ")");
        }
    }
}
