package org.descent.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/** {@link FloatArrays}' loops on the Vector API, whole vectors only; each returns the first index left. */
final class VectorFloatArrays {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** Floats that widen to one vector of {@link #D}. */
    private static final VectorSpecies<Float> HALF = VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));

    private VectorFloatArrays() {
    }

    static int add(float[] src, int from, float[] dst, int to, int len) {
        int i = 0;
        for (int end = F.loopBound(len); i < end; i += F.length()) {
            // −0 + d (the same bits) gives the sum a receiver of an exact class; see VectorFixedOrderProduct.
            FloatVector.broadcast(F, -0f).add(FloatVector.fromArray(F, dst, to + i)).add(FloatVector.fromArray(F, src, from + i))
                    .intoArray(dst, to + i);
        }
        return i;
    }

    static int length() {
        return F.length();
    }

    /**
     * Whole vectors from {@code from} until {@code len} floats are covered. Each is stored as {@code −0 + v} (the same
     * bits): a load's result has no exact class when C2 parses the store, whose intrinsic then depends on a type profile
     * the API's fallbacks pollute (measured: the plain load-store pair compiled to boxed, 7× slower code in the CNN);
     * the sum's receiver is a broadcast of this species, made in the loop like every other receiver (see
     * {@code AdamLanes} on a receiver made before the loop).
     */
    static void copyWholeVectors(float[] src, int from, float[] dst, int to, int len) {
        for (int i = 0; i < len; i += F.length()) {
            FloatVector.broadcast(F, -0f).add(FloatVector.fromArray(F, src, from + i)).intoArray(dst, to + i);
        }
    }

    /** Elements of one pass of {@link #scaleAndSumSquares}' loop: four vectors of doubles. */
    static int squaresBlock() {
        return 4 * D.length();
    }

    /** The elements {@link #scaleAndSumSquares} covers out of {@code len}: whole blocks. */
    static int squaresCovered(int len) {
        return len - len % squaresBlock();
    }

    static int squaresScratchLength() {
        return D.length();
    }

    /**
     * {@link FloatArrays#scaleAndSumSquares} over whole blocks from {@code from}: the scaled floats stored a vector of
     * {@link #F} at a time, their squares taken from the same products made again on half-width vectors and widened
     * (a store from a half-width vector would put a second float class in {@code intoArray}'s type profile, and C2
     * then compiled every kernel's store to the API's Java fallback: measured, 5× slower), into four independent
     * accumulators (one add waits on the last only every fourth vector), added lane-wise as {@code (a0 + a1) + (a2 +
     * a3)}, then lane 0, 1, … left to right through {@code scratch} (not {@code reduceLanes}, whose order is
     * unspecified).
     */
    static double scaleAndSumSquares(float[] src, float[] dst, int from, int to, float scale, double[] scratch) {
        FloatVector s = FloatVector.broadcast(F, scale);
        FloatVector h = FloatVector.broadcast(HALF, scale);
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = DoubleVector.zero(D);
        DoubleVector a2 = DoubleVector.zero(D);
        DoubleVector a3 = DoubleVector.zero(D);
        int n = HALF.length();
        for (int i = from, end = from + squaresCovered(to - from); i < end; i += 4 * n) {
            for (int j = i; j < i + 4 * n; j += F.length()) {
                // −0 + x: the product's receiver of an exact class, as in add.
                FloatVector.broadcast(F, -0f).add(FloatVector.fromArray(F, src, j)).mul(s).intoArray(dst, j);
            }
            DoubleVector d0 = scaledWide(src, i, h);
            DoubleVector d1 = scaledWide(src, i + n, h);
            DoubleVector d2 = scaledWide(src, i + 2 * n, h);
            DoubleVector d3 = scaledWide(src, i + 3 * n, h);
            a0 = d0.mul(d0).add(a0);
            a1 = d1.mul(d1).add(a1);
            a2 = d2.mul(d2).add(a2);
            a3 = d3.mul(d3).add(a3);
        }
        // −0 + v = v in every lane; it gives the store a receiver of an exact class (see VectorFixedOrderProduct).
        DoubleVector.broadcast(D, -0.0).add(a0.add(a1).add(a2.add(a3))).intoArray(scratch, 0);
        double sum = 0;
        for (int l = 0; l < D.length(); l++) {
            sum += scratch[l];
        }
        return sum;
    }

    /** {@code src[i …] · scale} for one vector of {@link #HALF}, widened to double. */
    private static DoubleVector scaledWide(float[] src, int i, FloatVector scale) {
        return (DoubleVector) FloatVector.fromArray(HALF, src, i).mul(scale).convertShape(VectorOperators.F2D, D, 0);
    }
}
