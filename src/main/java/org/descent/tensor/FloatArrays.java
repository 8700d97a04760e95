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

    /**
     * {@code dst[to + i] = (float) src[from + i]} for i in [0, len): each double rounded to the nearest float (ties to
     * even), as the cast does. Scalar: a Vector API version stores half-width float vectors, and that second float
     * vector class in the API's shared type profiles made C2 compile the optimizer's stores as Java fallbacks in some
     * JVMs (the driver's share of an exact quickstart step 1.4–1.7 ms instead of 0.5).
     */
    public static void narrow(double[] src, int from, float[] dst, int to, int len) {
        for (int i = 0; i < len; i++) {
            dst[to + i] = (float) src[from + i];
        }
    }

    /**
     * {@link #narrow}, and each {@code src[from + i]} set to +0 once read: a caller that owns a sum buffer and would
     * clear it before its next use saves that pass over it (the quickstart's 2.1 MB of exact sums a step).
     */
    public static void narrowAndZero(double[] src, int from, float[] dst, int to, int len) {
        for (int i = 0; i < len; i++) {
            dst[to + i] = (float) src[from + i];
            src[from + i] = 0;
        }
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
