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
     * {@link ExactSum#addOuterProducts} for {@link ExactSum#UNIT_BLOCK} (eight) units from the one whose sums start at
     * {@code acc[accOff]}: {@code acc[accOff + u·cols + k] += GRID · Σ_i rint(scaledG[i·8 + u] · x[xOff + i·cols + k])}
     * for whole vectors of k from 0; returns the first k left to the caller. Every |product| must be below 2⁵¹ (the
     * caller checks). {@code fma(x, g, R)} with R = 1.5·2⁵² is R + rint(x·g) (one rounding of the exact product, ties to
     * even as R is even), so its bits are R's plus that integer; the integer sums of the bits, less rows·bits(R) (modulo
     * 2⁶⁴, which the true sum fits), are the sums of the rounded terms.
     */
    static int addOuterProducts(double[] acc, int accOff, double[] scaledG, int rows, float[] x, int xOff, int cols) {
        DoubleVector r = DoubleVector.broadcast(D, R);
        LongVector negativeBias = LongVector.broadcast(L, -rows * Double.doubleToRawLongBits(R));
        DoubleVector grid = DoubleVector.broadcast(D, ExactSum.GRID);
        int k = 0;
        for (int end = D.loopBound(cols); k < end; k += D.length()) {
            LongVector s0 = LongVector.zero(L);
            LongVector s1 = LongVector.zero(L);
            LongVector s2 = LongVector.zero(L);
            LongVector s3 = LongVector.zero(L);
            LongVector s4 = LongVector.zero(L);
            LongVector s5 = LongVector.zero(L);
            LongVector s6 = LongVector.zero(L);
            LongVector s7 = LongVector.zero(L);
            for (int i = 0, xi = xOff + k, gi = 0; i < rows; i++, xi += cols, gi += 8) {
                DoubleVector xv = widen(x, xi);
                s0 = xv.fma(DoubleVector.broadcast(D, scaledG[gi]), r).reinterpretAsLongs().add(s0);
                s1 = xv.fma(DoubleVector.broadcast(D, scaledG[gi + 1]), r).reinterpretAsLongs().add(s1);
                s2 = xv.fma(DoubleVector.broadcast(D, scaledG[gi + 2]), r).reinterpretAsLongs().add(s2);
                s3 = xv.fma(DoubleVector.broadcast(D, scaledG[gi + 3]), r).reinterpretAsLongs().add(s3);
                s4 = xv.fma(DoubleVector.broadcast(D, scaledG[gi + 4]), r).reinterpretAsLongs().add(s4);
                s5 = xv.fma(DoubleVector.broadcast(D, scaledG[gi + 5]), r).reinterpretAsLongs().add(s5);
                s6 = xv.fma(DoubleVector.broadcast(D, scaledG[gi + 6]), r).reinterpretAsLongs().add(s6);
                s7 = xv.fma(DoubleVector.broadcast(D, scaledG[gi + 7]), r).reinterpretAsLongs().add(s7);
            }
            addSum(acc, accOff + k, negativeBias.add(s0), grid);
            addSum(acc, accOff + cols + k, negativeBias.add(s1), grid);
            addSum(acc, accOff + 2 * cols + k, negativeBias.add(s2), grid);
            addSum(acc, accOff + 3 * cols + k, negativeBias.add(s3), grid);
            addSum(acc, accOff + 4 * cols + k, negativeBias.add(s4), grid);
            addSum(acc, accOff + 5 * cols + k, negativeBias.add(s5), grid);
            addSum(acc, accOff + 6 * cols + k, negativeBias.add(s6), grid);
            addSum(acc, accOff + 7 * cols + k, negativeBias.add(s7), grid);
        }
        return k;
    }

    /** {@code acc[at + l] += sums[l] · GRID}: the integer sums (exact in double below 2⁵³) back in the layer's units. */
    private static void addSum(double[] acc, int at, LongVector sums, DoubleVector grid) {
        DoubleVector s = (DoubleVector) sums.convert(VectorOperators.L2D, 0);
        s.mul(grid).add(DoubleVector.fromArray(D, acc, at)).intoArray(acc, at);
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
