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
    /** Floats in half a vector: {@link #D}'s lanes narrowed. */
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

    /**
     * {@link FloatArrays#narrow}: whole vectors of doubles, each converted to half a vector's floats. Both the conversion
     * and the store take a receiver of an exact class, {@code −0 + v} (the same bits; see {@link #copyWholeVectors}):
     * with the conversion's result as the store's receiver, some JVMs compiled the store as the API's Java fallback
     * (measured: the driver's share of an exact quickstart step 1.3–1.4 ms instead of 0.5–0.6 in three runs of fourteen).
     */
    static int narrow(double[] src, int from, float[] dst, int to, int len) {
        DoubleVector negativeZero = DoubleVector.broadcast(D, -0.0);
        FloatVector negativeZeros = FloatVector.broadcast(HALF, -0f);
        int i = 0;
        for (int end = D.loopBound(len); i < end; i += D.length()) {
            DoubleVector v = negativeZero.add(DoubleVector.fromArray(D, src, from + i));
            negativeZeros.add((FloatVector) v.convertShape(VectorOperators.D2F, HALF, 0)).intoArray(dst, to + i);
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
}
