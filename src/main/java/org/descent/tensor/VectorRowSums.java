package org.descent.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link RowSums}' float sums on the Vector API: the floats widened to double a vector at a time into one accumulator
 * per lane, the lanes then added in lane order (not by {@code reduceLanes}, whose order is unspecified), so a sum is
 * the same number on every run of a given JVM and machine. Each sum covers {@code [off, off + covered(len))}; the
 * caller adds the tail.
 */
final class VectorRowSums {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> HALF = VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));

    private VectorRowSums() {
    }

    /** Lanes of a vector of doubles. */
    static int length() {
        return D.length();
    }

    /** The elements the vector loop covers out of {@code len}. */
    static int covered(int len) {
        return D.loopBound(len);
    }

    private static DoubleVector widen(float[] x, int i) {
        return (DoubleVector) FloatVector.fromArray(HALF, x, i).convertShape(VectorOperators.F2D, D, 0);
    }

    private static double lanes(DoubleVector sums) {
        // −0 + v = v in every lane; it gives lane() a receiver of an exact class (see VectorFixedOrderProduct).
        DoubleVector v = DoubleVector.broadcast(D, -0.0).add(sums);
        double s = 0;
        for (int l = 0; l < D.length(); l++) {
            s += v.lane(l);
        }
        return s;
    }

    static double sum(float[] x, int off, int len) {
        DoubleVector acc = DoubleVector.zero(D);
        for (int i = off, end = off + covered(len); i < end; i += D.length()) {
            acc = widen(x, i).add(acc);
        }
        return lanes(acc);
    }

    static double squaredDeviations(float[] x, int off, int len, double mean) {
        DoubleVector acc = DoubleVector.zero(D);
        DoubleVector m = DoubleVector.broadcast(D, mean);
        for (int i = off, end = off + covered(len); i < end; i += D.length()) {
            DoubleVector d = widen(x, i).sub(m);
            acc = d.mul(d).add(acc);
        }
        return lanes(acc);
    }

    /** Σ of the float products a·b (rounded to float, then widened). */
    static double products(float[] a, float[] b, int off, int len) {
        DoubleVector acc = DoubleVector.zero(D);
        for (int i = off, end = off + covered(len); i < end; i += D.length()) {
            FloatVector p = FloatVector.fromArray(HALF, a, i).mul(FloatVector.fromArray(HALF, b, i));
            acc = ((DoubleVector) p.convertShape(VectorOperators.F2D, D, 0)).add(acc);
        }
        return lanes(acc);
    }
}
