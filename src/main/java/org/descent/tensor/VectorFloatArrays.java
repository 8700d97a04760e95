package org.descent.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** {@link FloatArrays}' loops on the Vector API, whole vectors only; each returns the first index left. */
final class VectorFloatArrays {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

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
}
