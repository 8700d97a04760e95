package org.descent.tensor;

/**
 * Element-wise sums of float runs: {@code dst[to + i] += src[from + i]}. C2 does not vectorize that loop on its own
 * when it cannot prove the two arrays apart (measured: 0.5 ns an element, like scalar code), so it runs on the Vector
 * API when the JVM has it ({@code VectorFloatArrays}), the tail and JVMs without the module by the scalar loop, with the
 * same bits: each element is one IEEE addition either way.
 */
public final class FloatArrays {
    private static final boolean VECTOR = FloatMath.vectorized();

    private FloatArrays() {
    }

    /** {@code dst[to + i] += src[from + i]} for i &lt; len (the runs must not overlap). */
    public static void add(float[] src, int from, float[] dst, int to, int len) {
        int i = VECTOR ? VectorFloatArrays.add(src, from, dst, to, len) : 0;
        for (; i < len; i++) {
            dst[to + i] += src[from + i];
        }
    }

    /** The scratch {@link #scaleAndSumSquares} takes for its vector lanes (keep one per caller and pass it each time). */
    public static double[] squaresScratch() {
        return new double[VECTOR ? VectorFloatArrays.squaresScratchLength() : 0];
    }

    /**
     * {@code dst[i] = src[i] · scale} (a float product) for i in {@code [from, to)}, and returns Σ dst[i]², each square
     * taken in double (exactly: a float's square fits a double) and added in double. On the Vector API the squares go
     * into lanes (four accumulators of a vector of doubles each), the lanes then added in a fixed order, the tail left
     * to right after them: the sum is the same number on every run of a given JVM and machine, not the same as the
     * scalar loop's (a sum's order sets its last bits), while every {@code dst[i]} is the same bits either way. Where
     * C2 compiled the scalar loop alone it ran at about 0.55 ns an element (270,000 of them in 0.15 ms, a step's
     * mean gradient for the MLP).
     */
    public static double scaleAndSumSquares(float[] src, float[] dst, int from, int to, float scale, double[] scratch) {
        int i = from;
        double sum = 0;
        if (VECTOR && to - from >= VectorFloatArrays.squaresBlock()) {
            sum = VectorFloatArrays.scaleAndSumSquares(src, dst, from, to, scale, scratch);
            i = from + VectorFloatArrays.squaresCovered(to - from);
        }
        double s0 = 0;
        double s1 = 0;
        for (; i + 1 < to; i += 2) {
            float a = src[i] * scale;
            float b = src[i + 1] * scale;
            dst[i] = a;
            dst[i + 1] = b;
            s0 += (double) a * a;
            s1 += (double) b * b;
        }
        if (i < to) {
            float a = src[i] * scale;
            dst[i] = a;
            s0 += (double) a * a;
        }
        return sum + (s0 + s1);
    }

    /** Floats past a run that {@link #copyWholeVectors} may read and write. */
    public static int overrun() {
        return VECTOR ? VectorFloatArrays.length() : 0;
    }

    /**
     * {@code dst[to + i] = src[from + i]} for i &lt; len, in whole vectors: up to {@link #overrun()} − 1 floats past
     * both runs are read and written too (for a caller that writes runs in ascending order, each overwriting the last
     * one's spill, into a buffer with that much room at its end). Without the Vector API it is {@code arraycopy}.
     */
    public static void copyWholeVectors(float[] src, int from, float[] dst, int to, int len) {
        if (VECTOR) {
            VectorFloatArrays.copyWholeVectors(src, from, dst, to, len);
        } else {
            System.arraycopy(src, from, dst, to, len);
        }
    }

    /**
     * The largest magnitude in {@code a} (0 for none), NaN if {@code a} holds a NaN. A float maximum: C2 vectorizes it,
     * and it reads 270,000 floats in 0.08–0.10 ms where the same loop over doubles took 0.14 ms.
     */
    public static float largestMagnitude(float[] a) {
        float largest = 0f;
        for (float v : a) {
            largest = Math.max(largest, Math.abs(v));
        }
        return largest;
    }
}
