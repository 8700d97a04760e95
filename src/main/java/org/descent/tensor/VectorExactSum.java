package org.descent.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/** {@link ExactSum#addOuterProducts}'s inner loop on the Vector API. */
final class VectorExactSum {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
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
            DoubleVector xv = (DoubleVector) FloatVector.fromArray(HALF, x, xi + k).convertShape(VectorOperators.F2D, D, 0);
            DoubleVector.fromArray(D, s, k).add(xv.mul(g).add(r).sub(r)).intoArray(s, k);
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
            DoubleVector a = (DoubleVector) FloatVector.fromArray(HALF, x, x0 + k).convertShape(VectorOperators.F2D, D, 0);
            DoubleVector b = (DoubleVector) FloatVector.fromArray(HALF, x1Array, x1 + k).convertShape(VectorOperators.F2D, D, 0);
            DoubleVector.fromArray(D, s, k).add(a.mul(g0).add(r).sub(r)).add(b.mul(g1).add(r).sub(r)).intoArray(s, k);
        }
        return k;
    }
}
