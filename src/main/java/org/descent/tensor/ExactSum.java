package org.descent.tensor;

/**
 * Sums whose value does not depend on the order or the grouping of their terms: the arithmetic of
 * {@code engine.reduction = exact}.
 *
 * <p>Each term t is rounded to the grid of multiples of δ = 2⁻³⁰ (≈ 9.3·10⁻¹⁰),
 * {@code q(t) = rint(t/δ)·δ}, and added in double precision. A sum of grid values with
 * {@code |s| < 2⁵³δ = 2²³} (≈ 8.4·10⁶) is itself a grid value that a double holds exactly, so no
 * addition rounds: {@code Σ q(tᵢ)} is the same number in any order and for any split into partial
 * sums. The sum over one partition's examples, added to the other partitions' sums, equals the sum
 * over the whole batch bit for bit — whatever the number of partitions.
 *
 * <p>The price is an absolute error of at most δ/2 per term (terms smaller than δ/2 vanish) instead
 * of float32's relative error of 2⁻²⁴ on the running sum. Sums beyond 2²³ still add correctly, as
 * ordinary double sums; they only lose the independence from the order.
 */
public final class ExactSum {
    /** The grid spacing δ = 2⁻³⁰. */
    public static final double GRID = 0x1p-30;
    /** 2²³: sums of grid values below this magnitude are exact. */
    public static final double EXACT_LIMIT = 0x1p23;
    private static final double PER_GRID = 0x1p30;
    private static final boolean VECTOR = FloatMath.vectorized();

    private ExactSum() {
    }

    /** {@code t} rounded to the nearest multiple of {@link #GRID} (ties to even). */
    public static double q(double t) {
        return Math.rint(t * PER_GRID) * GRID;
    }

    /** {@code acc[off + i] += q(v[vOff + i])} for i in [0, len). */
    public static void add(double[] acc, int off, float[] v, int vOff, int len) {
        for (int i = 0; i < len; i++) {
            acc[off + i] += q(v[vOff + i]);
        }
    }

    /**
     * {@code acc[off + i] += q(g · x[xOff + i])} for i in [0, len): one example's row of an outer
     * product. The product of two floats is exact in double, so only the grid rounds.
     */
    public static void addScaled(double[] acc, int off, float g, float[] x, int xOff, int len) {
        double gd = g;
        for (int i = 0; i < len; i++) {
            acc[off + i] += q(gd * x[xOff + i]);
        }
    }

    /** Units of a layer whose weight-gradient sums {@link #addOuterProducts} runs together on the Vector API. */
    static final int UNIT_BLOCK = 8;

    /** The scratch {@link #addOuterProducts} needs for {@code rows} examples of {@code cols} inputs. */
    public static int outerProductScratch(int rows, int cols) {
        return Math.max(cols, UNIT_BLOCK * rows);
    }

    /**
     * {@code acc[off + j·cols + k] += Σ_i q(g[gOff + i·units + j] · x[xOff + i·cols + k])} for i &lt; rows, j &lt; units,
     * k &lt; cols: a dense layer's exact weight gradient over a batch, the same value as {@code rows·units} calls of
     * {@link #addScaled} (the same terms, and exact sums do not depend on order). Each term is one rounding,
     * {@code rint(g·2³⁰·x)}, in units of the grid; a sum over the examples goes to {@code acc} once.
     *
     * <p>On the Vector API ({@link VectorExactSum#addOuterProducts}) eight units at a time (four per pass), two vectors of k
     * (one with vectors narrower than 512 bits, and for a vector left over) in registers while every example adds to them: a fused multiply-add with 1.5·2⁵² rounds {@code g·2³⁰·x} to an integer m inside
     * the double's significand, so its bits are those of 1.5·2⁵² plus m, and the sums are kept as 64-bit integer sums of
     * those bits, one integer add per term instead of three floating-point operations. Exact integers, so the same
     * value as the sums of doubles whenever those are exact (|sum| &lt; 2⁵³ grid units, the limit above which no sum
     * is order-free). Units left over, a block whose terms could reach 2⁵¹ grid units (or are not finite) and JVMs
     * without the Vector API take a unit at a time with the row of sums in {@code scratch}.
     *
     * @param scratch at least {@link #outerProductScratch(int, int)} doubles (with fewer, every unit takes the slow path)
     */
    public static void addOuterProducts(double[] acc, int off, float[] g, int gOff, int units, float[] x, int xOff, int cols,
                                        int rows, double[] scratch) {
        float xMax = 0f;
        for (int i = xOff, end = xOff + rows * cols; i < end; i++) {
            xMax = Math.max(xMax, Math.abs(x[i]));
        }
        int j = 0;
        if (VECTOR && scratch.length >= UNIT_BLOCK * rows) {
            for (; j + UNIT_BLOCK <= units; j += UNIT_BLOCK) {
                // The block's g, scaled to grid units (exact: a power of two), example-major for the broadcasts.
                double gMax = 0;
                for (int i = 0; i < rows; i++) {
                    for (int u = 0; u < UNIT_BLOCK; u++) {
                        double scaled = g[gOff + i * units + j + u] * PER_GRID;
                        scratch[i * UNIT_BLOCK + u] = scaled;
                        gMax = Math.max(gMax, Math.abs(scaled));
                    }
                }
                if (!(gMax * xMax < 0x1p51)) {
                    for (int u = 0; u < UNIT_BLOCK; u++) {
                        addOuterProductsOfUnit(acc, off, g, gOff, units, j + u, x, xOff, cols, rows, xMax, scratch);
                    }
                    continue;
                }
                int k = VectorExactSum.addOuterProducts(acc, off + j * cols, scratch, rows, x, xOff, cols);
                for (int u = 0; u < UNIT_BLOCK; u++) {
                    for (int kk = k; kk < cols; kk++) {
                        double sum = 0;
                        for (int i = 0; i < rows; i++) {
                            sum += Math.rint(scratch[i * UNIT_BLOCK + u] * x[xOff + i * cols + kk]);
                        }
                        acc[off + (j + u) * cols + kk] += sum * GRID;
                    }
                }
            }
        }
        for (; j < units; j++) {
            addOuterProductsOfUnit(acc, off, g, gOff, units, j, x, xOff, cols, rows, xMax, scratch);
        }
    }

    /** {@link #addOuterProducts} for unit {@code j}: its row of sums in {@code scratch}, every example added to it. */
    private static void addOuterProductsOfUnit(double[] acc, int off, float[] g, int gOff, int units, int j, float[] x,
                                               int xOff, int cols, int rows, float xMax, double[] scratch) {
        java.util.Arrays.fill(scratch, 0, cols, 0.0);
        int pending = -1;
        for (int i = 0; i < rows; i++) {
            float gij = g[gOff + i * units + j];
            if (gij == 0f) {
                continue;
            }
            double scaled = gij * PER_GRID;
            // The vector rounding (x + 1.5·2⁵²) − 1.5·2⁵² is rint for |x| < 2⁵¹; beyond (or with NaN) the scalar rint.
            if (VECTOR && Math.abs(scaled) * xMax < 0x1p51) {
                // Two examples per pass over the row of sums.
                if (pending < 0) {
                    pending = i;
                    continue;
                }
                double first = g[gOff + pending * units + j] * PER_GRID;
                int k = VectorExactSum.addRounded(scratch, first, x, xOff + pending * cols, scaled, x, xOff + i * cols, cols);
                addRounded(scratch, first, x, xOff + pending * cols, k, cols);
                addRounded(scratch, scaled, x, xOff + i * cols, k, cols);
                pending = -1;
            } else {
                addRounded(scratch, scaled, x, xOff + i * cols, 0, cols);
            }
        }
        if (pending >= 0) {
            double scaled = g[gOff + pending * units + j] * PER_GRID;
            int k = VectorExactSum.addRounded(scratch, scaled, x, xOff + pending * cols, cols);
            addRounded(scratch, scaled, x, xOff + pending * cols, k, cols);
        }
        int row = off + j * cols;
        for (int k = 0; k < cols; k++) {
            acc[row + k] += scratch[k] * GRID;
        }
    }

    /** {@code s[k] += rint(scaled · x[xi + k])} for k in [from, to). */
    private static void addRounded(double[] s, double scaled, float[] x, int xi, int from, int to) {
        for (int k = from; k < to; k++) {
            s[k] += Math.rint(scaled * x[xi + k]);
        }
    }
}
