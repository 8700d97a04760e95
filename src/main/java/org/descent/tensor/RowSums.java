package org.descent.tensor;

/**
 * Sums over a contiguous run of floats, in double: the reductions of the normalization layers. Each runs four
 * independent accumulators over the elements i ≡ 0, 1, 2, 3 (mod 4) and adds them at the end in a fixed order, so a
 * sum is limited by the adds' throughput rather than the latency of one dependent chain, and is still the same number
 * on every run. The {@code exact} variants add {@link ExactSum#q}-rounded terms, whose sum has one value in any order
 * (the arithmetic of {@code engine.reduction = exact}); the grouping into four accumulators changes no bit of them.
 * The float sums run on the Vector API when the JVM has it ({@code VectorRowSums}: one accumulator per lane, then the
 * scalar loop for the tail): the same numbers on every run of a given JVM and machine, which is what float sums promise
 * (their last bits already depend on the BLAS).
 */
public final class RowSums {
    private static final boolean VECTOR = FloatMath.vectorized();

    private RowSums() {
    }

    /**
     * A scratch array for the many-row sums: each caller keeps one (a thread at a time) and passes it to every call,
     * where the vector loop adds up its lanes.
     */
    public static double[] scratch() {
        return new double[VECTOR ? VectorRowSums.scratchLength() : 0];
    }

    /**
     * Whether a sum takes the vector loop: float sums on a JVM with the Vector API, of at least one vector (a shorter
     * run would cover nothing and still pay for adding up the lanes; batch norm after a dense layer sums runs of one
     * value, 128 × 256 of them per pass).
     */
    private static boolean vectorLoop(int len, boolean exact) {
        return VECTOR && !exact && len >= VectorRowSums.length();
    }

    /** A term of a sum: rounded to the exact grid when {@code exact}. */
    private static double term(double t, boolean exact) {
        return exact ? ExactSum.q(t) : t;
    }

    /** {@code Σ x[i]} (or {@code Σ q(x[i])} when {@code exact}) over {@code [off, off + len)}. */
    public static double sum(float[] x, int off, int len, boolean exact) {
        return sum(x, off, len, exact, vectorLoop(len, exact) ? scratch() : null);
    }

    private static double sum(float[] x, int off, int len, boolean exact, double[] scratch) {
        if (vectorLoop(len, exact)) {
            int covered = VectorRowSums.covered(len);
            return sumTail(x, off + covered, off + len, VectorRowSums.sum(x, off, len, scratch), exact);
        }
        return sumTail(x, off, off + len, 0, exact);
    }

    /**
     * {@code out[at + r] = }{@link #sum sum}{@code (x, off + r·stride, len, exact)} for r &lt; rows, the same bits; on the
     * Vector API four rows at a time, whose independent accumulators keep more loads in flight than one row's chain (a
     * batch norm's pass over a channel: one row per example, a layer's width apart). {@code scratch} is the caller's
     * {@link #scratch()}.
     */
    public static void sums(float[] x, int off, int stride, int rows, int len, boolean exact, double[] out, int at, double[] scratch) {
        int r = 0;
        if (vectorLoop(len, exact)) {
            int covered = VectorRowSums.covered(len);
            for (; r + 4 <= rows; r += 4) {
                VectorRowSums.sums(x, off + r * stride, stride, len, out, at + r, scratch);
                for (int k = r; k < r + 4; k++) {
                    int row = off + k * stride;
                    out[at + k] = sumTail(x, row + covered, row + len, out[at + k], exact);
                }
            }
        }
        for (; r < rows; r++) {
            out[at + r] = sum(x, off + r * stride, len, exact, scratch);
        }
    }

    /** {@link #sum}'s scalar loop over {@code [i, end)}, its first accumulator starting at {@code s0}. */
    private static double sumTail(float[] x, int i, int end, double s0, boolean exact) {
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        for (; i + 3 < end; i += 4) {
            s0 += term(x[i], exact);
            s1 += term(x[i + 1], exact);
            s2 += term(x[i + 2], exact);
            s3 += term(x[i + 3], exact);
        }
        for (; i < end; i++) {
            s0 += term(x[i], exact);
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** {@code Σ (x[i] − mean)²} (or {@code Σ q((x[i] − mean)²)} when {@code exact}), the deviations in double. */
    public static double squaredDeviations(float[] x, int off, int len, double mean, boolean exact) {
        return squaredDeviations(x, off, len, mean, exact, vectorLoop(len, exact) ? scratch() : null);
    }

    private static double squaredDeviations(float[] x, int off, int len, double mean, boolean exact, double[] scratch) {
        if (vectorLoop(len, exact)) {
            int covered = VectorRowSums.covered(len);
            return squaredDeviationsTail(x, off + covered, off + len, mean, VectorRowSums.squaredDeviations(x, off, len, mean, scratch), exact);
        }
        return squaredDeviationsTail(x, off, off + len, mean, 0, exact);
    }

    /** {@link #squaredDeviations} of {@code rows} rows {@code stride} apart into {@code out[at …]}, as {@link #sums}. */
    public static void squaredDeviations(float[] x, int off, int stride, int rows, int len, double mean, boolean exact, double[] out, int at,
            double[] scratch) {
        int r = 0;
        if (vectorLoop(len, exact)) {
            int covered = VectorRowSums.covered(len);
            for (; r + 4 <= rows; r += 4) {
                VectorRowSums.squaredDeviations(x, off + r * stride, stride, len, mean, out, at + r, scratch);
                for (int k = r; k < r + 4; k++) {
                    int row = off + k * stride;
                    out[at + k] = squaredDeviationsTail(x, row + covered, row + len, mean, out[at + k], exact);
                }
            }
        }
        for (; r < rows; r++) {
            out[at + r] = squaredDeviations(x, off + r * stride, len, mean, exact, scratch);
        }
    }

    private static double squaredDeviationsTail(float[] x, int i, int end, double mean, double s0, boolean exact) {
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        for (; i + 3 < end; i += 4) {
            double d0 = x[i] - mean;
            double d1 = x[i + 1] - mean;
            double d2 = x[i + 2] - mean;
            double d3 = x[i + 3] - mean;
            s0 += term(d0 * d0, exact);
            s1 += term(d1 * d1, exact);
            s2 += term(d2 * d2, exact);
            s3 += term(d3 * d3, exact);
        }
        for (; i < end; i++) {
            double d = x[i] - mean;
            s0 += term(d * d, exact);
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * {@code Σ a[i]·b[i]} with each product rounded to float first (or {@code Σ q(a[i]·b[i])} when {@code exact}), over
     * {@code [off, off + len)} of both arrays.
     */
    public static double products(float[] a, float[] b, int off, int len, boolean exact) {
        return products(a, b, off, len, exact, vectorLoop(len, exact) ? scratch() : null);
    }

    private static double products(float[] a, float[] b, int off, int len, boolean exact, double[] scratch) {
        if (vectorLoop(len, exact)) {
            int covered = VectorRowSums.covered(len);
            return productsTail(a, b, off + covered, off + len, VectorRowSums.products(a, b, off, len, scratch), exact);
        }
        return productsTail(a, b, off, off + len, 0, exact);
    }

    /** {@link #products} of {@code rows} rows {@code stride} apart (in both arrays) into {@code out[at …]}, as {@link #sums}. */
    public static void products(float[] a, float[] b, int off, int stride, int rows, int len, boolean exact, double[] out, int at,
            double[] scratch) {
        int r = 0;
        if (vectorLoop(len, exact)) {
            int covered = VectorRowSums.covered(len);
            for (; r + 4 <= rows; r += 4) {
                VectorRowSums.products(a, b, off + r * stride, stride, len, out, at + r, scratch);
                for (int k = r; k < r + 4; k++) {
                    int row = off + k * stride;
                    out[at + k] = productsTail(a, b, row + covered, row + len, out[at + k], exact);
                }
            }
        }
        for (; r < rows; r++) {
            out[at + r] = products(a, b, off + r * stride, len, exact, scratch);
        }
    }

    private static double productsTail(float[] a, float[] b, int i, int end, double s0, boolean exact) {
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        for (; i + 3 < end; i += 4) {
            s0 += term(a[i] * b[i], exact);
            s1 += term(a[i + 1] * b[i + 1], exact);
            s2 += term(a[i + 2] * b[i + 2], exact);
            s3 += term(a[i + 3] * b[i + 3], exact);
        }
        for (; i < end; i++) {
            s0 += term(a[i] * b[i], exact);
        }
        return (s0 + s1) + (s2 + s3);
    }
}
