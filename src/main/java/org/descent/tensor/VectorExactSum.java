package org.descent.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/** {@link ExactSum#addOuterProducts}'s inner loop on the Vector API. */
final class VectorExactSum {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> L = D.withLanes(long.class);
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
    static int addOuterProducts(double[] acc, int accOff, double[] scaledG, int rows, float[] x, int xOff, int cols) {
        int k = 0;
        long[] sums = WIDE ? SUMS.get() : null;
        for (int end = WIDE ? cols - 2 * D.length() : -1; k <= end; k += 2 * D.length()) {
            addOuterProductsOfFourByTwo(acc, accOff + k, scaledG, 0, rows, x, xOff + k, cols, sums);
            addOuterProductsOfFourByTwo(acc, accOff + 4 * cols + k, scaledG, 4, rows, x, xOff + k, cols, sums);
        }
        for (int end = D.loopBound(cols); k < end; k += D.length()) {
            addOuterProductsOfFour(acc, accOff + k, scaledG, 0, rows, x, xOff + k, cols);
            addOuterProductsOfFour(acc, accOff + 4 * cols + k, scaledG, 4, rows, x, xOff + k, cols);
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
     * fallbacks in the profile (spilled accumulators, by all signs); twelve (three vectors) were slower still.
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
     * Eight floats from {@code x[i]} widened to doubles. The loaded vector passes through {@code −0 + v} (the same bits)
     * so that the conversion's receiver has an exact class: see {@link VectorFixedOrderProduct} on receivers whose
     * class C2 must take from a type profile.
     */
    private static DoubleVector widen(float[] x, int i) {
        return (DoubleVector) FloatVector.broadcast(HALF, -0f).add(FloatVector.fromArray(HALF, x, i))
                .convertShape(VectorOperators.F2D, D, 0);
    }
}
