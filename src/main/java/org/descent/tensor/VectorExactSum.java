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
     * {@link ExactSum#addOuterProducts} for {@link ExactSum#UNIT_BLOCK} (eight) units, four per pass, from the one whose sums start at
     * {@code acc[accOff]}: {@code acc[accOff + u·cols + k] += GRID · Σ_i rint(scaledG[i·8 + u] · x[xOff + i·cols + k])}
     * for whole vectors of k from 0; returns the first k left to the caller. Every |product| must be below 2⁵¹ (the
     * caller checks). {@code fma(x, g, R)} with R = 1.5·2⁵² is R + rint(x·g) (one rounding of the exact product, ties to
     * even as R is even), so its bits are R's plus that integer; the integer sums of the bits, less rows·bits(R) (modulo
     * 2⁶⁴, which the true sum fits), are the sums of the rounded terms.
     */
    static int addOuterProducts(double[] acc, int accOff, double[] scaledG, int rows, float[] x, int xOff, int cols) {
        int k = 0;
        for (int end = D.loopBound(cols); k < end; k += D.length()) {
            addOuterProductsOfFour(acc, accOff + k, scaledG, 0, rows, x, xOff + k, cols);
            addOuterProductsOfFour(acc, accOff + 4 * cols + k, scaledG, 4, rows, x, xOff + k, cols);
        }
        return k;
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
