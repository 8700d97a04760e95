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

    /**
     * Whether a summed gradient whose mean over {@code count} examples has norm {@code meanNorm} (as
     * {@code ParameterUpdater} computes it: {@code m_i = fl(s_i · fl(1/count))}, ‖m‖₂ as the square root of a double sum
     * of squares) has every |s_i| below {@link #EXACT_LIMIT}: the two float roundings give |s_i| ≤ |m_i|·count·(1 + 2⁻²²)
     * for a normal m_i (a subnormal one means |s_i| &lt; 2⁻¹²⁶·count, far below the limit), and the double sum and its
     * square root lose less than 2⁻²³ of ‖m‖₂; the margin of 2⁻¹⁶ covers both, so the bound spares the caller a pass over
     * the sums. False when it cannot tell (a large or non-finite norm): then look.
     */
    public static boolean belowLimitByNorm(double meanNorm, long count) {
        return meanNorm * count * (1 + 0x1p-16) < EXACT_LIMIT;
    }

    /** {@code t} rounded to the nearest multiple of {@link #GRID} (ties to even). */
    public static double q(double t) {
        return Math.rint(t * PER_GRID) * GRID;
    }

    /** {@code acc[off + i] += q(v[vOff + i])} for i in [0, len). */
    public static void add(double[] acc, int off, float[] v, int vOff, int len) {
        for (int i = VECTOR ? VectorExactSum.addRounded(acc, off, v, vOff, len) : 0; i < len; i++) {
            acc[off + i] += q(v[vOff + i]);
        }
    }

    /**
     * {@code acc[off + i] += q(a[aOff + i] * b[bOff + i])} for i in [0, len), the product in float. Scalar: on the Vector
     * API the float product takes half-width float vectors, whose second class in the API's shared type profiles made C2
     * compile other kernels' stores (the optimizer's) as Java fallbacks.
     */
    public static void addProducts(double[] acc, int off, float[] a, int aOff, float[] b, int bOff, int len) {
        for (int i = 0; i < len; i++) {
            acc[off + i] += q(a[aOff + i] * b[bOff + i]);
        }
    }

    /** {@code acc[i] += q(d·d)} with {@code d = x[xOff + i] − mean[i]} in double, for i in [0, len). */
    public static void addSquaredDeviations(double[] acc, float[] x, int xOff, double[] mean, int len) {
        for (int i = VECTOR ? VectorExactSum.addRoundedSquaredDeviations(acc, x, xOff, mean, len) : 0; i < len; i++) {
            double d = x[xOff + i] - mean[i];
            acc[i] += q(d * d);
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

    /**
     * At most this many inputs (4 MB as doubles) per pass of {@link #addOuterProducts}, which widens them to doubles once
     * for the one-FMA kernel; a larger call runs in groups of examples.
     */
    static final int WIDENED_INPUTS = 1 << 19;

    /** The scratch {@link #addOuterProducts} needs for {@code rows} examples of {@code cols} inputs. */
    public static int outerProductScratch(int rows, int cols) {
        return Math.max(cols, UNIT_BLOCK * rows) + rows;
    }

    /**
     * The exponent of the lowest set bit of |v|'s significand: v is an odd multiple of 2 to this power (for ±0, −126,
     * as for 2⁻¹²⁶, the smallest normal float; for ∞ and NaN, at least 105). The product g·x of two floats is an odd multiple of 2 to the
     * sum of theirs; as a term of {@link #addOuterProducts}, g·2³⁰·x is an odd multiple of ½ — a tie for rint — when
     * that sum is −31. A ±0 term is no tie; the callers leave zeros out where the bound matters.
     */
    static int lowestBitExponent(float v) {
        int bits = Float.floatToRawIntBits(v) & 0x7fffffff;
        return Math.max(bits >>> 23, 1) - 150 + Integer.numberOfTrailingZeros(bits | 0x800000);
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
     * <p>With 512-bit vectors and room in {@code scratch} for each example's largest input exponent, a block whose
     * partial sums stay below 2⁵⁰ grid units ({@code rows·max|g·2³⁰|·max|x|}) takes one FMA per term instead
     * ({@link VectorExactSum#addOuterProductsWithoutTies}); its examples with a term that is a tie for that rounding
     * (exponents found by {@link #lowestBitExponent}) add their terms one by one first ({@link #addAroundTies}).
     *
     * @param scratch at least {@link #outerProductScratch(int, int)} doubles (with fewer, every unit takes the slow path)
     */
    public static void addOuterProducts(double[] acc, int off, float[] g, int gOff, int units, float[] x, int xOff, int cols,
                                        int rows, double[] scratch) {
        if (VECTOR && rows > 1 && (long) rows * cols > WIDENED_INPUTS) {
            // In groups of examples, so that the one-FMA kernel's widened inputs stay within WIDENED_INPUTS doubles: exact
            // sums, the same bits as one call.
            int group = Math.max(1, WIDENED_INPUTS / cols);
            for (int i = 0; i < rows; i += group) {
                addOuterProducts(acc, off, g, gOff + i * units, units, x, xOff + i * cols, cols, Math.min(group, rows - i), scratch);
            }
            return;
        }
        // With room for them, each example's largest lowestBitExponent(x) after the row of sums and the block's scaled g.
        int lowestX = Math.max(cols, UNIT_BLOCK * rows);
        boolean tieCheck = VECTOR && scratch.length >= lowestX + rows;
        float xMax = 0f;
        double[] wideX = null;
        if (tieCheck) {
            // The one-FMA kernel's widened inputs in the same pass, when there are blocks of eight units (nearly every
            // block takes that kernel; the tie check's room in scratch covers the blocks' scaled g).
            wideX = units >= UNIT_BLOCK ? VectorExactSum.wideArray(rows * cols) : null;
            for (int i = 0; i < rows; i++) {
                xMax = Math.max(xMax, VectorExactSum.maxAbsAndLowestBit(x, xOff + i * cols, cols, scratch, lowestX + i, wideX, i * cols));
            }
        } else {
            for (int i = xOff, end = xOff + rows * cols; i < end; i++) {
                xMax = Math.max(xMax, Math.abs(x[i]));
            }
        }
        TieRows tieRows = tieCheck ? TieRows.of(rows) : null;
        int j = 0;
        if (VECTOR && scratch.length >= UNIT_BLOCK * rows) {
            for (; j + UNIT_BLOCK <= units; j += UNIT_BLOCK) {
                // The block's g, scaled to grid units (exact: a power of two), example-major for the broadcasts; and
                // whether some term g·2³⁰·x could be an odd multiple of ½ (lowest bits 2⁻³¹ apart in all).
                double gMax = 0;
                int ties = 0;
                for (int i = 0; i < rows; i++) {
                    int gLowest = -126;
                    for (int u = 0; u < UNIT_BLOCK; u++) {
                        float gij = g[gOff + i * units + j + u];
                        double scaled = gij * PER_GRID;
                        scratch[i * UNIT_BLOCK + u] = scaled;
                        gMax = Math.max(gMax, Math.abs(scaled));
                        gLowest = Math.max(gLowest, lowestBitExponent(gij));
                    }
                    if (tieCheck && gLowest + scratch[lowestX + i] >= -31
                            && !noTieIn(g, gOff + i * units + j, x, xOff + i * cols, cols, scratch[lowestX + i], tieRows.targets)) {
                        tieRows.rows[ties++] = i;
                    }
                }
                if (!(gMax * xMax < 0x1p51)) {
                    for (int u = 0; u < UNIT_BLOCK; u++) {
                        addOuterProductsOfUnit(acc, off, g, gOff, units, j + u, x, xOff, cols, rows, xMax, scratch);
                    }
                    continue;
                }
                int k;
                if (tieCheck && ties <= rows / 4 && rows * gMax * xMax < 0x1p50) {
                    k = addAroundTies(acc, off + j * cols, scratch, rows, x, xOff, wideX, cols, tieRows.rows, ties, g, gOff + j, units);
                } else {
                    k = VectorExactSum.addOuterProducts(acc, off + j * cols, scratch, 0, rows, x, xOff, cols);
                }
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

    /**
     * A block's terms: those of the examples listed in {@code tieRows} rounded and added one by one
     * ({@link VectorExactSum#addRoundedTerms}); then, their scaled g set to zero (fma(x, 0, A) = A),
     * every example's terms with one FMA each ({@link VectorExactSum#addOuterProductsWithoutTies}); then their scaled g
     * back from {@code g} for the columns left to the scalar loop. Exact sums, so the same bits as one call of either
     * kernel over all of them. Returns the first column left to the scalar loop.
     */
    private static int addAroundTies(double[] acc, int at, double[] scaledG, int rows, float[] x, int xOff, double[] wideX, int cols,
                                     int[] tieRows, int ties, float[] g, int gOff, int units) {
        for (int t = 0; t < ties; t++) {
            int row = tieRows[t];
            VectorExactSum.addRoundedTerms(acc, at, cols, scaledG, row * UNIT_BLOCK, wideX, row * cols);
            java.util.Arrays.fill(scaledG, row * UNIT_BLOCK, (row + 1) * UNIT_BLOCK, 0.0);
        }
        // Both kernels stop at the same column, the last whole vector's end: the scalar loop after takes the rest.
        int k = VectorExactSum.addOuterProductsWithoutTies(acc, at, scaledG, 0, rows, x, xOff, wideX, cols);
        for (int t = 0; t < ties; t++) {
            int row = tieRows[t];
            for (int u = 0; u < UNIT_BLOCK; u++) {
                scaledG[row * UNIT_BLOCK + u] = g[gOff + row * units + u] * PER_GRID;
            }
        }
        return k;
    }

    /**
     * Whether none of the terms g·2³⁰·x of the block's eight g from {@code g[gi]} and the example's inputs
     * {@code x[xi..xi + cols)} is a tie for rint: no g's lowest-bit exponent and no input's sum to −31. An input whose
     * exponent is above {@code xLowest}, the largest of the example's, cannot take part.
     */
    private static boolean noTieIn(float[] g, int gi, float[] x, int xi, int cols, double xLowest, int[] targets) {
        int n = 0;
        for (int u = 0; u < UNIT_BLOCK; u++) {
            int target = -31 - lowestBitExponent(g[gi + u]);
            if (g[gi + u] != 0f && target <= xLowest) {
                targets[n++] = target;
            }
        }
        return n == 0 || !VectorExactSum.anyLowestBitExponent(x, xi, cols, targets, n);
    }

    /** Per thread: the examples of a block whose terms include a tie for rint, and {@link #noTieIn}'s exponents. */
    private static final class TieRows {
        private static final ThreadLocal<TieRows> OF_THREAD = ThreadLocal.withInitial(TieRows::new);
        int[] rows = new int[0];
        final int[] targets = new int[UNIT_BLOCK];

        /** This thread's, with room for {@code count} examples. */
        static TieRows of(int count) {
            TieRows ties = OF_THREAD.get();
            if (ties.rows.length < count) {
                ties.rows = new int[count];
            }
            return ties;
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
