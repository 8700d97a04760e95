package org.descent.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ExactSum}'s loops on the Vector API: the weight-gradient kernels of {@link ExactSum#addOuterProducts} (integer
 * sums, and one FMA per term where no term is a tie), the exponent scans that find the ties, and the element-wise sums
 * of rounded terms.
 */
final class VectorExactSum {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> L = D.withLanes(long.class);
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> HALF = VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    /** 1.5·2⁵²: (v + R) − R rounds v to an integer, ties to even, for |v| &lt; 2⁵¹. */
    private static final double R = 0x1.8p52;
    /**
     * Whether vectors are 512 bits wide (AVX-512, and with it 32 vector registers): {@link #addOuterProductsOfFourByTwo}'s
     * condition, as its 15 live vectors would spill from AVX2's 16 registers.
     */
    private static final boolean WIDE = D.vectorBitSize() >= 512;
    /** {@link #addOuterProductsOfFourByTwo}'s eight vectors of sums, per thread. */
    private static final ThreadLocal<long[]> SUMS = ThreadLocal.withInitial(() -> new long[8 * D.length()]);
    /** {@link #addWithoutTiesEightByTwo}'s sixteen vectors of accumulators, per thread. */
    private static final ThreadLocal<double[]> SUMS_WITHOUT_TIES = ThreadLocal.withInitial(() -> new double[16 * D.length()]);

    private VectorExactSum() {
    }

    /**
     * {@code s[k] += rint(scaled · x[xi + k])} for whole vectors of k from 0, each product exact in double and
     * |product| &lt; 2⁵¹ (the caller checks); returns the first k left to the scalar loop.
     */
    static int addRounded(double[] s, double scaled, float[] x, int xi, int len) {
        DoubleVector g = DoubleVector.broadcast(D, scaled);
        DoubleVector r = DoubleVector.broadcast(D, R);
        int k = 0;
        for (int end = D.loopBound(len); k < end; k += D.length()) {
            DoubleVector xv = widen(x, xi + k);
            xv.mul(g).add(r).sub(r).add(DoubleVector.fromArray(D, s, k)).intoArray(s, k);
        }
        return k;
    }

    /** {@link #addRounded(double[], double, float[], int, int)} for two examples in one pass over {@code s}. */
    static int addRounded(double[] s, double scaled0, float[] x, int x0, double scaled1, float[] x1Array, int x1, int len) {
        DoubleVector g0 = DoubleVector.broadcast(D, scaled0);
        DoubleVector g1 = DoubleVector.broadcast(D, scaled1);
        DoubleVector r = DoubleVector.broadcast(D, R);
        int k = 0;
        for (int end = D.loopBound(len); k < end; k += D.length()) {
            DoubleVector a = widen(x, x0 + k);
            DoubleVector b = widen(x1Array, x1 + k);
            a.mul(g0).add(r).sub(r).add(DoubleVector.fromArray(D, s, k)).add(b.mul(g1).add(r).sub(r)).intoArray(s, k);
        }
        return k;
    }

    /**
     * {@link ExactSum#addOuterProducts} for {@link ExactSum#UNIT_BLOCK} (eight) units from the one whose sums start at
     * {@code acc[accOff]}: {@code acc[accOff + u·cols + k] += GRID · Σ_i rint(scaledG[i·8 + u] · x[xOff + i·cols + k])}
     * for whole vectors of k from 0; returns the first k left to the caller. Every |product| must be below 2⁵¹ (the
     * caller checks). {@code fma(x, g, R)} with R = 1.5·2⁵² is R + rint(x·g) (one rounding of the exact product, ties to
     * even as R is even), so its bits are R's plus that integer; the integer sums of the bits, less rows·bits(R) (modulo
     * 2⁶⁴, which the true sum fits), are the sums of the rounded terms.
     *
     * <p>Two vectors of columns by four units per pass over the examples ({@link #addOuterProductsOfFourByTwo}), a vector
     * left over by four units ({@link #addOuterProductsOfFour}); each twice for the block's eight units. Integer sums do not depend on the blocking: every
     * blocking gives the same bits.
     */
    static int addOuterProducts(double[] acc, int accOff, double[] scaledG, int gFrom, int rows, float[] x, int xOff, int cols) {
        return addOuterProducts(acc, accOff, scaledG, gFrom, rows, x, xOff, cols, 0);
    }

    /** {@link #addOuterProducts(double[], int, double[], int, int, float[], int, int)} from column {@code k}. */
    private static int addOuterProducts(double[] acc, int accOff, double[] scaledG, int gFrom, int rows, float[] x, int xOff, int cols,
                                        int k) {
        long[] sums = WIDE ? SUMS.get() : null;
        for (int end = WIDE ? cols - 2 * D.length() : -1; k <= end; k += 2 * D.length()) {
            addOuterProductsOfFourByTwo(acc, accOff + k, scaledG, gFrom, rows, x, xOff + k, cols, sums);
            addOuterProductsOfFourByTwo(acc, accOff + 4 * cols + k, scaledG, gFrom + 4, rows, x, xOff + k, cols, sums);
        }
        for (int end = D.loopBound(cols); k < end; k += D.length()) {
            addOuterProductsOfFour(acc, accOff + k, scaledG, gFrom, rows, x, xOff + k, cols);
            addOuterProductsOfFour(acc, accOff + 4 * cols + k, scaledG, gFrom + 4, rows, x, xOff + k, cols);
        }
        return k;
    }

    /**
     * Two vectors of columns from {@code x[xi]} for the four units from {@code first} of the block: eight accumulators,
     * two widened vectors, four broadcasts and R, 15 of AVX-512's 32 registers, so that C2 keeps every accumulator in a
     * register whatever its profile. Each broadcast serves two FMAs and each widened vector four (one and four in
     * {@link #addOuterProductsOfFour}). On a 2-core AMD EPYC (Zen 4, 2026-12-06, harness 128 × 784 by 256): 15.6–15.9 G
     * terms/s against 11–12 for one vector. Sixteen accumulators (eight units, 27 registers) ran at 17.3–17.7 in the
     * harness, but in training the step took 3–5× as long in 5 JVMs out of 8, with the kernel itself hot and no Java
     * fallbacks in the profile (spilled accumulators, by all signs); twelve (three vectors) were slower still. (Sixteen
     * double accumulators without the integer adds, {@link #addWithoutTiesEightByTwo}, showed no such slowdown in some
     * thirty training runs on 2026-12-07.)
     */
    private static void addOuterProductsOfFourByTwo(double[] acc, int at, double[] scaledG, int first, int rows, float[] x,
                                                    int xi, int cols, long[] sums) {
        int n = D.length();
        DoubleVector r = DoubleVector.broadcast(D, R);
        LongVector a0 = LongVector.zero(L);
        LongVector a1 = LongVector.zero(L);
        LongVector a2 = LongVector.zero(L);
        LongVector a3 = LongVector.zero(L);
        LongVector b0 = LongVector.zero(L);
        LongVector b1 = LongVector.zero(L);
        LongVector b2 = LongVector.zero(L);
        LongVector b3 = LongVector.zero(L);
        for (int i = 0, gi = first; i < rows; i++, xi += cols, gi += ExactSum.UNIT_BLOCK) {
            DoubleVector xa = widen(x, xi);
            DoubleVector xb = widen(x, xi + n);
            DoubleVector g0 = DoubleVector.broadcast(D, scaledG[gi]);
            DoubleVector g1 = DoubleVector.broadcast(D, scaledG[gi + 1]);
            DoubleVector g2 = DoubleVector.broadcast(D, scaledG[gi + 2]);
            DoubleVector g3 = DoubleVector.broadcast(D, scaledG[gi + 3]);
            a0 = xa.fma(g0, r).reinterpretAsLongs().add(a0);
            b0 = xb.fma(g0, r).reinterpretAsLongs().add(b0);
            a1 = xa.fma(g1, r).reinterpretAsLongs().add(a1);
            b1 = xb.fma(g1, r).reinterpretAsLongs().add(b1);
            a2 = xa.fma(g2, r).reinterpretAsLongs().add(a2);
            b2 = xb.fma(g2, r).reinterpretAsLongs().add(b2);
            a3 = xa.fma(g3, r).reinterpretAsLongs().add(a3);
            b3 = xb.fma(g3, r).reinterpretAsLongs().add(b3);
        }
        // The sums leave as longs and scalar code converts them: the fewer vector operations after the loop, the fewer
        // C2 can leave as boxed Java fallbacks (it did so for this method's first, vector, epilogue in some JVMs).
        int m = 2 * n;
        a0.intoArray(sums, 0);
        b0.intoArray(sums, n);
        a1.intoArray(sums, m);
        b1.intoArray(sums, m + n);
        a2.intoArray(sums, 2 * m);
        b2.intoArray(sums, 2 * m + n);
        a3.intoArray(sums, 3 * m);
        b3.intoArray(sums, 3 * m + n);
        long bias = rows * Double.doubleToRawLongBits(R);
        for (int u = 0; u < 4; u++, at += cols) {
            for (int c = 0; c < m; c++) {
                acc[at + c] += ExactSum.GRID * (double) (sums[u * m + c] - bias);
            }
        }
    }

    /**
     * One vector of columns from {@code x[xi]} for the four units from {@code first} of the block: every example's terms
     * summed in registers, then added at {@code acc[at + u·cols]}. Four units per pass over the examples, not eight:
     * with eight accumulators, eight broadcasts and their products live at once, C2 (JDK 17) kept accumulators in stack
     * slots, a store and a load per term that chained the iterations (measured: 12.2 → 21.6 G terms/s).
     */
    private static void addOuterProductsOfFour(double[] acc, int at, double[] scaledG, int first, int rows, float[] x, int xi, int cols) {
        DoubleVector r = DoubleVector.broadcast(D, R);
        LongVector s0 = LongVector.zero(L);
        LongVector s1 = LongVector.zero(L);
        LongVector s2 = LongVector.zero(L);
        LongVector s3 = LongVector.zero(L);
        for (int i = 0, gi = first; i < rows; i++, xi += cols, gi += ExactSum.UNIT_BLOCK) {
            DoubleVector xv = widen(x, xi);
            s0 = xv.fma(DoubleVector.broadcast(D, scaledG[gi]), r).reinterpretAsLongs().add(s0);
            s1 = xv.fma(DoubleVector.broadcast(D, scaledG[gi + 1]), r).reinterpretAsLongs().add(s1);
            s2 = xv.fma(DoubleVector.broadcast(D, scaledG[gi + 2]), r).reinterpretAsLongs().add(s2);
            s3 = xv.fma(DoubleVector.broadcast(D, scaledG[gi + 3]), r).reinterpretAsLongs().add(s3);
        }
        // Made after the loop, so that they hold no register during it; the sums are added back here, not in a helper
        // taking vectors, which C2 compiled without inlining (too large for a cold call) and so with boxed vectors.
        LongVector negativeBias = LongVector.broadcast(L, -rows * Double.doubleToRawLongBits(R));
        DoubleVector grid = DoubleVector.broadcast(D, ExactSum.GRID);
        DoubleVector t0 = (DoubleVector) negativeBias.add(s0).convert(VectorOperators.L2D, 0);
        DoubleVector t1 = (DoubleVector) negativeBias.add(s1).convert(VectorOperators.L2D, 0);
        DoubleVector t2 = (DoubleVector) negativeBias.add(s2).convert(VectorOperators.L2D, 0);
        DoubleVector t3 = (DoubleVector) negativeBias.add(s3).convert(VectorOperators.L2D, 0);
        grid.mul(t0).add(DoubleVector.fromArray(D, acc, at)).intoArray(acc, at);
        grid.mul(t1).add(DoubleVector.fromArray(D, acc, at + cols)).intoArray(acc, at + cols);
        grid.mul(t2).add(DoubleVector.fromArray(D, acc, at + 2 * cols)).intoArray(acc, at + 2 * cols);
        grid.mul(t3).add(DoubleVector.fromArray(D, acc, at + 3 * cols)).intoArray(acc, at + 3 * cols);
    }

    /**
     * {@link #addOuterProducts} with one operation per term, for a block without ties: {@code fma(x, g, A)} with the
     * accumulator A = R + S (S the integer sum so far, |S| &lt; 2⁵¹, so A lies in [2⁵², 2⁵³) where the doubles are the
     * integers) is R + S + rint(x·g) whenever x·g is not an odd multiple of ½ — the sum rounds once, to the integer nearest
     * S + x·g, and S is an integer. At an odd multiple of ½ (a tie) that rounding would go to the even S + ⌊x·g⌋ or
     * S + ⌈x·g⌉, so to a value that depends on S and with it on the order; the caller zeroes the g of every example
     * with a tie (adding its terms on its own) and takes this path only where no partial sum can reach 2⁵¹
     * ({@link ExactSum#addOuterProducts}). The same bits as {@link #addOuterProducts} (tested), at one FMA per term
     * instead of an FMA and an integer add. {@code wideX[i·cols + k]} is {@code x[xOff + i·cols + k]} as a double
     * ({@link #maxAbsAndLowestBit}); a vector of columns left over goes through {@link #addOuterProducts} on {@code x}.
     */
    static int addOuterProductsWithoutTies(double[] acc, int accOff, double[] scaledG, int gFrom, int rows, float[] x, int xOff,
                                           double[] wideX, int cols) {
        int k = 0;
        double[] sums = WIDE ? SUMS_WITHOUT_TIES.get() : null;
        for (int end = WIDE ? cols - 2 * D.length() : -1; k <= end; k += 2 * D.length()) {
            addWithoutTiesEightByTwo(acc, accOff + k, scaledG, gFrom, rows, wideX, k, cols, sums);
        }
        if (k < D.loopBound(cols)) {
            return addOuterProducts(acc, accOff, scaledG, gFrom, rows, x, xOff, cols, k);
        }
        return k;
    }

    /** Per thread, {@link #wideArray}, grown as needed. */
    private static final ThreadLocal<double[]> WIDE_X = ThreadLocal.withInitial(() -> new double[0]);

    /**
     * This thread's array for the one-FMA kernel's inputs widened to doubles (by {@link #maxAbsAndLowestBit}), at least
     * {@code len} doubles: once per call of {@link ExactSum#addOuterProducts} instead of once per block of eight units.
     */
    static double[] wideArray(int len) {
        double[] out = WIDE_X.get();
        if (out.length < len) {
            out = new double[len];
            WIDE_X.set(out);
        }
        return out;
    }

    /**
     * Two vectors of columns from {@code x[xi]} (inputs widened to doubles, {@link #maxAbsAndLowestBit}) for the block's eight units,
     * accumulators R + S in double, one FMA per term: sixteen accumulators, two loaded vectors and a broadcast, 19 of
     * AVX-512's 32 registers. The loaded inputs are only arguments (the receiver is the broadcast g; fma(g, x, A) =
     * fma(x, g, A)), so they need no {@code −0 +} pass for their class, and there is no conversion per block: on an Intel
     * Xeon (2026-12-07, harness 128 × 784 by 256), where conversions and adds share the two FMA ports, 29.2–29.6 G
     * terms/s against 24.0–24.6 for floats widened in the loop (Zen 4, with separate ports: 17.7–19.2 for floats widened
     * in the loop) and 12.3–13.2 for {@link #addOuterProducts}.
     */
    private static void addWithoutTiesEightByTwo(double[] acc, int at, double[] scaledG, int gFrom, int rows, double[] x,
                                                 int xi, int cols, double[] sums) {
        int n = D.length();
        DoubleVector a0 = DoubleVector.broadcast(D, R);
        DoubleVector a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        DoubleVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0, b5 = a0, b6 = a0, b7 = a0;
        for (int i = 0, gi = gFrom; i < rows; i++, xi += cols, gi += ExactSum.UNIT_BLOCK) {
            DoubleVector xa = DoubleVector.fromArray(D, x, xi);
            DoubleVector xb = DoubleVector.fromArray(D, x, xi + n);
            DoubleVector g = DoubleVector.broadcast(D, scaledG[gi]);
            a0 = g.fma(xa, a0);
            b0 = g.fma(xb, b0);
            g = DoubleVector.broadcast(D, scaledG[gi + 1]);
            a1 = g.fma(xa, a1);
            b1 = g.fma(xb, b1);
            g = DoubleVector.broadcast(D, scaledG[gi + 2]);
            a2 = g.fma(xa, a2);
            b2 = g.fma(xb, b2);
            g = DoubleVector.broadcast(D, scaledG[gi + 3]);
            a3 = g.fma(xa, a3);
            b3 = g.fma(xb, b3);
            g = DoubleVector.broadcast(D, scaledG[gi + 4]);
            a4 = g.fma(xa, a4);
            b4 = g.fma(xb, b4);
            g = DoubleVector.broadcast(D, scaledG[gi + 5]);
            a5 = g.fma(xa, a5);
            b5 = g.fma(xb, b5);
            g = DoubleVector.broadcast(D, scaledG[gi + 6]);
            a6 = g.fma(xa, a6);
            b6 = g.fma(xb, b6);
            g = DoubleVector.broadcast(D, scaledG[gi + 7]);
            a7 = g.fma(xa, a7);
            b7 = g.fma(xb, b7);
        }
        int m = 2 * n;
        a0.intoArray(sums, 0);
        b0.intoArray(sums, n);
        a1.intoArray(sums, m);
        b1.intoArray(sums, m + n);
        a2.intoArray(sums, 2 * m);
        b2.intoArray(sums, 2 * m + n);
        a3.intoArray(sums, 3 * m);
        b3.intoArray(sums, 3 * m + n);
        a4.intoArray(sums, 4 * m);
        b4.intoArray(sums, 4 * m + n);
        a5.intoArray(sums, 5 * m);
        b5.intoArray(sums, 5 * m + n);
        a6.intoArray(sums, 6 * m);
        b6.intoArray(sums, 6 * m + n);
        a7.intoArray(sums, 7 * m);
        b7.intoArray(sums, 7 * m + n);
        for (int u = 0; u < 8; u++, at += cols) {
            for (int c = 0; c < m; c++) {
                acc[at + c] += ExactSum.GRID * (sums[u * m + c] - R);
            }
        }
    }

    /**
     * The largest |x[i]| for i in [from, from + len); writes to {@code lowest[at]} the largest
     * {@link ExactSum#lowestBitExponent} of those values, both in one pass. With {@code wide} not null, the same pass
     * also writes the values as doubles (exact) to {@code wide[wideAt …]}: the one-FMA kernel's inputs, read from x once
     * for both (the scan and then a widening pass read x twice; x is a layer's input, out of the L2 cache by then).
     * No vector method is called on a loop-carried vector (see {@link VectorFixedOrderProduct}): each maximum's receiver
     * is the vector just computed, and each reduction's a broadcast's maximum with the accumulator.
     */
    static float maxAbsAndLowestBit(float[] x, int from, int len, double[] lowest, int at, double[] wide, int wideAt) {
        FloatVector zero = FloatVector.broadcast(F, -0f);
        FloatVector maxAbs = zero.abs();
        IntVector maxExponent = IntVector.broadcast(I, -126);   // ±0's: an empty range gives it, as a zero does
        int halves = F.length() / D.length();
        int i = 0;
        for (int end = F.loopBound(len); i < end; i += F.length()) {
            FloatVector v = zero.add(FloatVector.fromArray(F, x, from + i)).abs();
            maxExponent = lowestBitExponents(v).max(maxExponent);
            maxAbs = v.max(maxAbs);
            if (wide != null) {
                for (int h = 0; h < halves; h++) {
                    widen(x, from + i + h * D.length()).intoArray(wide, wideAt + i + h * D.length());
                }
            }
        }
        float abs = FloatVector.broadcast(F, 0f).max(maxAbs).reduceLanes(VectorOperators.MAX);
        int lowBit = IntVector.broadcast(I, -126).max(maxExponent).reduceLanes(VectorOperators.MAX);
        for (; i < len; i++) {
            abs = Math.max(abs, Math.abs(x[from + i]));
            lowBit = Math.max(lowBit, ExactSum.lowestBitExponent(x[from + i]));
            if (wide != null) {
                wide[wideAt + i] = x[from + i];
            }
        }
        lowest[at] = lowBit;
        return abs;
    }

    /**
     * One example's terms of the block's eight units, each added to {@code acc} on its own:
     * {@code acc[at + u·cols + k] += GRID · rint(scaledG[gFrom + u] · x[xi + k])} for whole vectors of k from 0 (each
     * |product| below 2⁵¹), up to the last whole vector as {@link #addOuterProductsWithoutTies}. For the few examples
     * whose terms include ties, where {@link #addOuterProducts} over one example would spend its time on the sums it
     * keeps for many. The inputs are the example's, widened once ({@link #maxAbsAndLowestBit}) from {@code wideX[xi]}; the loaded
     * vector is only an argument (fma(g, x, R) = fma(x, g, R)).
     */
    static void addRoundedTerms(double[] acc, int at, int cols, double[] scaledG, int gFrom, double[] wideX, int xi) {
        DoubleVector r = DoubleVector.broadcast(D, R);
        DoubleVector grid = DoubleVector.broadcast(D, ExactSum.GRID);
        int end = D.loopBound(cols);
        for (int u = 0; u < ExactSum.UNIT_BLOCK; u++, at += cols) {
            DoubleVector g = DoubleVector.broadcast(D, scaledG[gFrom + u]);
            for (int k = 0; k < end; k += D.length()) {
                g.fma(DoubleVector.fromArray(D, wideX, xi + k), r).sub(r).fma(grid, DoubleVector.fromArray(D, acc, at + k))
                        .intoArray(acc, at + k);
            }
        }
    }

    /** |t|·2³⁰ below 2⁵¹, where (t·2³⁰ + R) − R is rint(t·2³⁰): the vector rounding's range for a term t. */
    private static final double ROUNDING_RANGE = 0x1p21;

    /**
     * {@code acc[accOff + i] += ExactSum.q(v[vOff + i])} for whole vectors of i from 0, the same values as the scalar
     * {@code q}: (t·2³⁰ + R) − R, times 2⁻³⁰; a vector with a term beyond the rounding's range is done by {@code q}.
     * Returns the first i left.
     */
    static int addRounded(double[] acc, int accOff, float[] v, int vOff, int len) {
        DoubleVector zero = DoubleVector.broadcast(D, -0.0);
        int i = 0;
        for (int end = D.loopBound(len); i < end; i += D.length()) {
            addRoundedLanes(acc, accOff + i, zero.add(widen(v, vOff + i)));
        }
        return i;
    }

    /** {@link #addRounded(double[], int, float[], int, int)} of the doubles {@code d·d}, d = x[xOff + i] − mean[i]. */
    static int addRoundedSquaredDeviations(double[] acc, float[] x, int xOff, double[] mean, int len) {
        DoubleVector zero = DoubleVector.broadcast(D, -0.0);
        int i = 0;
        for (int end = D.loopBound(len); i < end; i += D.length()) {
            DoubleVector d = widen(x, xOff + i).sub(DoubleVector.fromArray(D, mean, i));
            addRoundedLanes(acc, i, zero.add(d.mul(d)));
        }
        return i;
    }

    /**
     * {@code acc[at + lane] += q(t[lane])}, as one rounding of the exact sum, as the scalar code; except that a −0 in
     * {@code acc} plus a q(t) of −0 gives +0 here (sums from +0, as every caller's, never hold −0).
     */
    private static void addRoundedLanes(double[] acc, int at, DoubleVector t) {
        if (t.abs().compare(VectorOperators.LT, ROUNDING_RANGE).allTrue()) {
            DoubleVector r = DoubleVector.broadcast(D, R);
            t.fma(DoubleVector.broadcast(D, 0x1p30), r).sub(r)
                    .fma(DoubleVector.broadcast(D, ExactSum.GRID), DoubleVector.fromArray(D, acc, at)).intoArray(acc, at);
        } else {
            for (int lane = 0; lane < D.length(); lane++) {
                acc[at + lane] += ExactSum.q(t.lane(lane));
            }
        }
    }

    /**
     * Whether some x[i], i in [from, from + len), has a {@link ExactSum#lowestBitExponent} among
     * {@code targets[0, count)}.
     */
    static boolean anyLowestBitExponent(float[] x, int from, int len, int[] targets, int count) {
        FloatVector zero = FloatVector.broadcast(F, -0f);
        int i = 0;
        for (int end = F.loopBound(len); i < end; i += F.length()) {
            IntVector exponent = lowestBitExponents(zero.add(FloatVector.fromArray(F, x, from + i)).abs());
            VectorMask<Integer> hit = exponent.compare(VectorOperators.EQ, targets[0]);
            for (int t = 1; t < count; t++) {
                hit = hit.or(exponent.compare(VectorOperators.EQ, targets[t]));
            }
            if (hit.anyTrue()) {
                return true;
            }
        }
        for (; i < len; i++) {
            int exponent = ExactSum.lowestBitExponent(x[from + i]);
            for (int t = 0; t < count; t++) {
                if (exponent == targets[t]) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * {@link ExactSum#lowestBitExponent} of each lane of {@code v} (non-negative: |x|), as max(E, 1) − 150 + t with E
     * the biased exponent field and t the trailing zeros of the significand with its implicit bit; t is read off the
     * exponent field of that lowest bit converted to a float (a power of two, exact).
     */
    private static IntVector lowestBitExponents(FloatVector v) {
        IntVector bits = v.reinterpretAsInts();
        IntVector m = bits.and(0x7fffff).or(0x800000);
        IntVector lowExponent = ((FloatVector) m.and(m.neg()).convert(VectorOperators.I2F, 0)).reinterpretAsInts()
                .lanewise(VectorOperators.LSHR, 23);
        return bits.lanewise(VectorOperators.LSHR, 23).max(1).add(lowExponent).sub(150 + 127);
    }

    /**
     * Eight floats from {@code x[i]} widened to doubles. The loaded vector passes through {@code −0 + v} (the same bits)
     * so that the conversion's receiver has an exact class: see {@link VectorFixedOrderProduct} on receivers whose
     * class C2 must take from a type profile.
     */
    private static DoubleVector widen(float[] x, int i) {
        return (DoubleVector) FloatVector.broadcast(HALF, -0f).add(FloatVector.fromArray(HALF, x, i))
                .convertShape(VectorOperators.F2D, D, 0);
    }
}
